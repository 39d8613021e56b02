# API error messages (part a): see src/i18n/mod.rs for which files use them

## Claims and unauthorized-payment reports (routes/claims.rs)
err-claim-reason-invalid = reason is not_received, not_as_described, damaged or other.
err-claim-amount-not-positive = The amount must be positive.
err-claim-not-shipped = A claim can be opened once the order ships; before that, cancel the order.
err-claim-order-cancelled = This order was cancelled.
err-claim-protection-expired = Buyer protection ends 90 days after payment.
err-claim-window-closed = Claims can be opened until 20 days after delivery.
# $from is a Unix time.
err-claim-parcel-in-transit = The parcel is still within its delivery time; you can report it missing from { $from } (Unix time).
err-claim-exists = This order already has an open claim.
err-claim-being-decided = This claim is being decided.
err-claim-not-awaiting-decision = This claim is not waiting for this decision.
err-claim-not-awaiting-seller = This claim is not waiting for the seller.
err-claim-action-invalid = action is "accept" or "reject".
err-claim-not-rejected = Only a claim the seller rejected can be escalated.
err-claim-refund-not-positive = The refund must be positive.
err-claim-not-under-review = Only a claim under review is decided by an operator.
err-claim-outcome-invalid = outcome is "buyer" or "seller".
err-claim-payment-not-captured = This payment has not been charged: cancel the order and nothing will be.
err-claim-payment-of-several-orders = This payment paid several sellers' orders: report the payment shown on the order concerned.
err-claim-payment-of-several-orders-advice = Open My Orders, choose the order, and report its payment.
err-claim-already-reported = This payment was already reported and reimbursed.

## Refunds (routes/refunds.rs)
err-refund-amount-not-positive = The amount must be positive.
err-refund-already-reimbursed = This payment was reimbursed as unauthorized: nothing is left to refund.
# $left is an amount with its currency, such as "15.00 USD".
err-refund-exceeds-captured = At most { $left } of this payment is left to refund.
# $left is a number of the currency's minor units (cents).
err-refund-exceeds-captured-minor = At most { $left } (minor units) of this payment is left to refund.
err-refund-forbidden = The seller or an operator refunds an order.
err-refund-reason-invalid = Give a reason of 1 to { $max } printable characters.
err-refund-destination-invalid = destination is "original" or "pocket".
err-refund-payment-busy = The payment is being changed; try again in a moment.

## Support tickets and the operators' search (routes/tickets.rs, routes/search.rs)
err-ticket-order-number-invalid = This is not an order number (they look like PP-000000422).
err-search-query-invalid = Search for an order number (PP-…), an id (ord_, pay_, clm_, chk_) or an email.

## Orders: their steps, creation and cancelling (routes/shop/fulfilment.rs, routes/shop/orders.rs)
err-order-not-payable = This order can't be paid: it is already paid or canceled.
err-order-not-paid = This order has not been paid yet.
err-order-already-shipped = This order has already shipped.
err-order-not-shipped = This order has not shipped yet.
err-order-already-delivered = This order has already been delivered.
err-order-already-completed = This order is already completed.
err-order-canceled = This order was canceled.
err-order-not-cancelable = This order is already canceled.
err-order-no-payment = This order is not paid.
err-order-payment-busy = The payment is being changed; try again in a moment.
err-order-authorization-expired = The card authorization has expired; the buyer must pay again before you ship.
err-order-cancel-forbidden = The buyer or the seller cancels an order.
err-order-changed-meanwhile = This order changed meanwhile; look at it again.
err-order-coupon-invalid = This coupon is not valid.
err-order-items-count = An order has 1 to { $max } items.
err-order-quantity-invalid = quantity must be 1 to { $max }.
err-order-country-invalid = Enter a two-letter country code, such as US.
err-order-product-repeated = List each product once, with its quantity.
err-order-one-seller = All products of one order belong to one seller.
# $name is the product's name.
err-order-out-of-stock = Not enough of { $name } is left.
err-order-total-too-large = The order total is too large.

## Products (routes/shop/products.rs)
# $param is the parameter's name, such as name or shipping_address.city.
err-product-text-too-long = { $param } must be at most { $max } printable characters.
err-product-price-invalid = The price must be a positive amount in minor units.
# $currency is a currency code, such as USD.
err-product-currency = Products are priced in the shop's currency, { $currency }.
err-product-stock-negative = stock cannot be negative.

## Checkouts of several sellers (routes/shop/checkouts.rs)
# $currency and $others are currency codes, such as USD and EUR.
err-checkout-mixed-currencies = This product is priced in { $currency }, the others in { $others }: one checkout pays in one currency.
err-checkout-mixed-currencies-advice = Check out the products of each currency separately.
err-checkout-total-too-large = The checkout total is too large.
err-checkout-nothing-due = Nothing in this checkout is awaiting payment.
err-checkout-order-not-awaiting-payment = This order is not awaiting payment.

## Exchange rates and quotes (routes/shop/fx.rs)
err-fx-currency-unsupported = We do not take this currency.
err-fx-same-currency = A rate converts between two different currencies.
err-fx-rate-invalid = The rate is a positive decimal string with at most 12 decimals, such as "1.0845".
err-fx-amount-not-positive = The amount must be positive.
err-fx-no-rate = We cannot convert between these currencies yet.
# The money errors of a quote, as the domain writes them. $code is the code given, in quotes.
err-fx-unknown-currency = unknown or unsupported currency code { $code }
err-fx-currency-mismatch = currency mismatch: { $left } vs { $right }
err-fx-overflow = amount out of range
err-fx-invalid-amount = malformed amount
err-fx-too-many-decimals = too many decimal places for { $currency } (at most { $max })
err-fx-negative-amount = negative amount not allowed
err-fx-zero-amount = zero amount not allowed
err-fx-invalid-weights = allocation weights must be non-empty and not all zero
err-fx-invalid-rate = invalid exchange rate
