# API error messages (part b): see src/i18n/mod.rs for which files use them
