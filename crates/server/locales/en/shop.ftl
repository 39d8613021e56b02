# Buyer shopping pages (web/buyer/shop.rs, cart.rs, checkout.rs, card_form.rs, orders.rs)

## The shop and a product

shop-title = Shop
shop-empty = Nothing is for sale yet. Sellers add products from their Sell page.
shop-sold-out = Sold out
shop-only-left = Only { $count } left
shop-sold-by = Sold by { $seller }
shop-buy = Buy
shop-add-to-cart = Add to cart
shop-product = Product
shop-quantity = Quantity
shop-quantity-invalid = Enter how many you want, as a whole number from 1.
shop-shipping-address = Shipping address
shop-continue-to-payment = Continue to payment
shop-cart-quantity-label = How many to add to the cart
shop-cart-hint = Buy from several sellers and pay once.

## The cart

shop-cart-title = Cart
shop-cart-empty = Your cart is empty.
# $shop is a link whose text is shop-cart-empty-browse-link.
shop-cart-empty-browse = { $shop } and add products from any seller: you pay for them all at once.
shop-cart-empty-browse-link = Browse the shop
shop-cart-quantity-of = Quantity of { $name }
shop-cart-update = Update
shop-cart-remove = Remove
shop-cart-from-seller = From { $seller }
shop-cart-seller-note = Shipped and charged by { $seller } on its own.
shop-cart-mixed-currencies = These products are priced in different currencies: one checkout pays in one currency, so remove the others and buy them separately.
shop-cart-total = Total: { $total } from { $count } seller(s), paid once.
shop-cart-check-out = Check out

## Table columns

shop-col-product = Product
shop-col-price = Price
shop-col-total = Total
shop-col-order = Order
shop-col-seller = Seller
shop-col-amount = Amount
shop-col-status = Status
shop-col-item = Item
shop-col-qty = Qty
shop-col-date = Date
shop-col-refund = Refund
shop-col-refund-to = To

## A cart's orders after checkout

shop-summary-title = Your cart's orders
shop-summary-intro = One payment of { $total } for { $count } orders, one per seller. Each seller ships, and is paid, for their own order.
shop-summary-payment = Payment: { $status }
shop-pay-amount = Pay { $amount }

## Checkout

shop-checkout-title = Checkout
shop-order-number = Order { $number }
shop-order-from-seller = from { $seller }
shop-pay-cart-heading = Your cart: { $count } orders, one payment
shop-pay-total = Total: { $total }
shop-ships-to = Ships to { $address }
shop-pay-authorize-note = Paying authorizes the amount; you are charged only when the seller ships.
shop-pay-with = Pay with
shop-method-pocket = My Pocket
shop-method-pocket-available = (available { $amount })
shop-method-card-expires = expires { $expiry }
shop-method-card-expires-default = expires { $expiry }, default
shop-method-new-card = Another card
shop-new-card-hint = Fill this in if you chose "Another card".
shop-split-legend = Pocket and card
shop-split-label = Pay this much from my Pocket, the rest by card (optional)
shop-split-hint = You have { $amount } available. Choose a card above for the rest; leave empty to pay with one method.
shop-fx-legend = Currency
shop-fx-pay-in = Pay in { $currency }
shop-fx-rate = { $from } = { $to } at 1 { $currency } = { $rate } { $my_currency }. This rate is locked until { $until }. Card payments only.
shop-back-to-order = Back to the order
shop-back-to-cart-orders = Back to the cart's orders
shop-billing-same-as-shipping = same as shipping
shop-save-card = Save this card for next time
shop-choose-method = Choose how to pay.
shop-amount-invalid = Enter an amount in { $currency }, such as 20.00.

## The one-time code step

shop-verify-title = Enter your code
shop-verify-why-bank = Your bank asks for a one-time code for this payment
shop-verify-why-safety = To keep your account safe we check that this payment is yours ({ $reasons })
shop-step-up-new-card = a card not used here before
shop-step-up-large-amount = a large amount
shop-step-up-foreign-card = a card from another country than yours
shop-step-up-velocity = several payments in a short time
shop-step-up-issuer-demand = your bank also asked for it
shop-verify-intro = { $why }: a payment of { $amount }.
# $channel is the channel's code: email or sms.
shop-verify-sent = We sent a 6-digit code by { $channel } to { $sent_to }. It expires at { $expires }. Tries left: { $left }.
shop-verify-code = Code
shop-verify-confirm = Confirm payment
shop-verify-send-by = Send it by
shop-channel-email = Email
shop-channel-sms = SMS
shop-verify-resend = Send a new code

## A card typed in a form

shop-card-number = Card number
shop-card-exp-month = Expiry month (MM)
shop-card-exp-year = Expiry year (YYYY)
shop-card-cvc = Security code (CVC)
shop-card-cvc-hint = 3 or 4 digits on the card.
shop-card-holder-name = Name on the card
shop-card-exp-month-invalid = Enter the expiry month as a number, 1 to 12.
shop-card-exp-year-invalid = Enter the expiry year with 4 digits.
shop-billing-address = Billing address
# $label says which address, such as shop-billing-same-as-shipping.
shop-billing-address-is = Billing address: { $label }: { $address }
shop-billing-use-other = Use another address
shop-billing-bill-below = Bill to the address below

## My orders and an order

shop-orders-title = My Orders
# $shop is a link whose text is shop-orders-empty-link.
shop-orders-empty = No orders yet. { $shop }.
shop-orders-empty-link = Visit the shop
shop-orders-cart-group = One payment, { $count } sellers' orders
shop-facts-status = Status
shop-facts-total = Total
shop-facts-ordered = Ordered
shop-facts-ships-to = Ships to
shop-facts-tracking = Tracking
shop-facts-payment = Payment
shop-facts-captured = Captured
shop-facts-refunded = Refunded
shop-facts-paid-pocket = Pocket { $amount }
shop-facts-paid-as = paid as { $amount } at { $rate }
shop-items = Items
shop-refunds = Refunds
shop-refund-expected-by = (expected by { $date })
shop-claim = Claim
shop-claim-seller-message = Seller: { $message }
# $outcome is the code of whom the claim was decided for: buyer or seller.
shop-claim-decided = Decided for the { $outcome }
shop-claim-decided-refund = Decided for the { $outcome }, refund { $amount }
shop-claim-escalate = Ask Pocketpay to decide
shop-order-pay-cart = Pay the cart
shop-order-pay = Pay
shop-order-cancel = Cancel order
shop-order-cancel-reason = Why are you canceling?
shop-order-received = I received it
shop-claim-open-summary = Open a claim
shop-claim-open = Open claim
shop-claim-reason = What went wrong?
shop-claim-reason-not-received = I did not receive it
shop-claim-reason-not-as-described = It is not as described
shop-claim-reason-damaged = It arrived damaged
shop-claim-reason-other = Something else
shop-claim-amount = Amount to claim ({ $currency })
shop-claim-description = Describe the problem
shop-unauthorized-summary = I did not make this payment
shop-unauthorized-explain = We reimburse the whole payment into your Pocket at once and block the card used.
shop-unauthorized-report = Report an unauthorized payment
shop-unauthorized-description = What happened?
shop-order-ask-support = Ask support about this order
