# Operator pages (web/operator.rs, operator_search.rs, operator_sellers.rs, verification.rs)
