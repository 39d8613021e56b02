# API error messages (part a): see src/i18n/mod.rs for which files use them
