# API error messages (part c): see src/i18n/mod.rs for which files use them
