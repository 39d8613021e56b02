# Buyer pages: My Pocket, gift cards, the card manager, support tickets (web/buyer/pocket.rs, cards.rs, tickets.rs)

## My Pocket (web/buyer/pocket.rs)
pocket-title = My Pocket
pocket-empty = Your Pocket is empty. Buy a gift card to fill it.
# $currency is an ISO code such as USD.
pocket-balance-in = Balance in { $currency }
# $held is an amount.
pocket-available-held = Available to spend. Held for orders not yet shipped: { $held }.
pocket-expiring-title = What expires when
pocket-expiring-on = { $amount } on { $date }
pocket-buy-gift-cards = Buy gift cards
pocket-redeem-code = Redeem a code
pocket-history = History
pocket-history-empty = Nothing yet.
pocket-col-date = Date
pocket-col-what = What
pocket-col-amount = Amount
pocket-col-balance-after = Balance after
pocket-col-expires = Expires
# $what is the kind of Pocket line (a hold, a refund…), $number an order number.
pocket-history-order = { $what } · order { $number }

## Buying gift cards
pocket-another-card = Another card
# Completes "Billing address: … : <address>".
pocket-billing-same-as-saved = the same as your saved card
# $amount is a card's value, such as "20.00 USD".
pocket-denomination-cards = { $amount } cards
pocket-gift-cards-intro = Gift cards load your Pocket, or go to someone else as a code by email. They are sold in USD, at most { $cap } per purchase, expire 3 years after purchase and cannot be refunded.
pocket-how-many = How many of each
pocket-for-whom = For whom
pocket-pay-by-card = Pay by card
pocket-another-card-hint = Fill this in if you chose "Another card".
pocket-for-me = Load my Pocket
pocket-for-gift = Send as a gift
pocket-recipient-email = Recipient's email (for a gift)
pocket-recipient-message = Message to the recipient (optional)
pocket-save-card = Save this card for next time
pocket-bought-title = Gift cards you bought
pocket-bought-col-bought = Bought
pocket-bought-col-value = Value
pocket-bought-col-code = Code
pocket-bought-col-state = State
# Shown instead of a code for a gift card loaded into the buyer's own Pocket.
pocket-bought-loaded = loaded
pocket-error-quantities = Enter how many of each card as whole numbers.
pocket-error-no-items = Choose at least one gift card.
pocket-gift-sent-title = Gift sent
pocket-gift-emailed = We emailed { $amount } worth of gift cards to { $email }.
pocket-gift-code-once = The code, shown this once (it is also in the email):
pocket-buy-more = Buy more

## Redeeming a code
pocket-redeem-title = Redeem a gift card
pocket-redeem-code-label = Gift card code
pocket-redeem-code-hint = 16 letters and digits, as in the email.
pocket-redeem-submit = Load into my Pocket

## The card manager (web/buyer/cards.rs)
cards-title = My cards
cards-empty = No saved cards yet.
cards-default-badge = default
# $month is two digits, $funding says credit, debit or prepaid, $address is the billing address.
cards-facts = Expires { $month }/{ $year } · { $funding } · billing address { $address }
cards-update-expiry = Update expiry
cards-save-expiry = Save expiry
cards-make-default = Make default
cards-remove = Remove
cards-exp-month = Month (MM)
cards-exp-year = Year (YYYY)
cards-add-title = Add a card
cards-save-card = Save card
cards-check-note = We check the card with your bank without charging it. The security code is never stored.
# Completes "Billing address: … : <address>".
cards-billing-same-as-default = the same as your default card
cards-make-default-check = Make this my default card
cards-error-expiry = Enter the month (1 to 12) and the year (4 digits) as numbers.

## Support tickets (web/buyer/tickets.rs)
tickets-title = Support
tickets-empty = No tickets.
tickets-subject = Subject
tickets-col-status = Status
tickets-col-updated = Updated
tickets-write-title = Write to support
tickets-order-number = Order number (optional)
tickets-message = Message
tickets-send = Send
tickets-your-reply = Your reply
tickets-reply = Reply
# The page title when a ticket has no subject.
tickets-ticket = Ticket
