# Seller pages (web/seller.rs, seller_money.rs, webhooks.rs, api_keys.rs)
