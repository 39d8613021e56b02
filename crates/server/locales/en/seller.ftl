# Seller pages (web/seller.rs, seller_money.rs, webhooks.rs, api_keys.rs)

## Seller's home

seller-home-title = Selling as { $name }
seller-home-todo = To do
seller-home-nothing-to-ship = No orders waiting to be shipped.
seller-home-orders-to-ship = Orders to ship: { $count }
seller-home-all-to-ship = All orders to ship
seller-home-no-claims = No claims waiting for your answer.
seller-home-claims-to-answer = Claims to answer: { $count }
seller-home-claimed = { $amount } claimed
seller-home-claim-answer-by = { $claim }, answer by { $time }
seller-home-balance = Balance
seller-home-pending = Available to pay out; { $pending } pending until buyers can no longer claim.
seller-count-or-more = { $count } or more

## Starting to sell

seller-start-title = Start selling
seller-start-intro = Sell in the marketplace: you are paid when you ship, less refunds.
seller-start-shop-name = Shop name
seller-country-label = Country (two letters)
seller-start-currency = Currency you sell in
seller-start-button = Start selling
seller-opened-title = Your shop is open
seller-opened-add-products = Your shop is open. Add products from the { $products } page.
seller-opened-products-link = Products
seller-opened-secret-key = For your own systems, this is your secret API key. It is shown this once; keep it safe:
seller-opened-go-to-shop = Go to my shop

## Products

seller-products-title = Products
seller-products-empty = No products yet.
seller-products-product = Product
seller-products-price = Price
seller-products-stock = Stock
seller-products-no-limit = no limit
seller-products-new = New product
seller-products-name = Name
seller-products-description = Description (optional)
seller-products-price-in = Price ({ $currency })
seller-products-price-hint = Such as 24.99.
seller-products-stock-optional = Stock (optional)
seller-products-stock-hint = Leave empty for no limit.
seller-products-put-on-sale = Put on sale
seller-products-price-invalid = Enter the price in { $currency }, such as 24.99.
seller-products-stock-invalid = Enter the stock as a whole number, or leave it empty.

## Orders

seller-orders-title = Orders
seller-orders-empty = No orders yet.
seller-orders-empty-here = No orders here.
seller-tabs-filter = Filter
seller-tab-all-orders = All
seller-tab-to-ship = To ship
seller-tab-shipped = Shipped
seller-tab-delivered = Delivered
seller-tab-completed = Completed
seller-tab-awaiting-payment = Awaiting payment
seller-tab-canceled = Canceled
seller-tab-all-claims = All
seller-tab-to-answer = To answer
seller-tab-under-review = With Pocketpay
seller-order-title = Order { $number }
seller-order-ship = Ship
seller-order-carrier = Carrier
seller-order-tracking-number = Tracking number
seller-order-mark-shipped = Mark as shipped
seller-order-why-cancel = Why cancel?
seller-order-cancel = Cancel order
seller-order-mark-delivered = Mark as delivered
seller-refund-heading = Refund
seller-amount-in = Amount ({ $currency })
seller-refund-hint = Up to { $amount } can still be refunded.
seller-refund-reason = Reason
seller-refund-to = Refund to
seller-refund-to-original = How the buyer paid (Pocket at once, card in a few days)
seller-refund-to-pocket = The buyer's Pocket, at once
seller-refund-button = Refund
seller-refund-amount-invalid = Enter an amount in { $currency }, such as 10.00.

## Claims

seller-claims-title = Claims
seller-claims-empty = No claims.
seller-claims-the-order = The order
seller-claims-answer-by = Answer by { $time }.
seller-claims-your-answer = Your answer
seller-claims-choose = Choose your answer
seller-claims-accept = Accept: refund the buyer now
seller-claims-reject = Reject
seller-claims-message = Message to the buyer
seller-claims-send = Send answer

## Balance and payouts

seller-balance-title = Balance and payouts
seller-balance-heading = Balance
seller-balance-available = Available to pay out
seller-balance-pending = Pending
seller-balance-reserved = Reserved for open claims
seller-balance-note = A sale is yours, less the platform's fee, once the buyer confirms receipt or 20 days after delivery (90 days after payment at the latest). Until then it is pending.
seller-payouts-paused = Your payouts are paused by the platform. Contact support.
seller-pay-out-now = Pay out now
seller-pay-out-hint = Up to { $amount } is available. It goes to your default bank account.
seller-pay-out-button = Pay out
seller-pay-out-amount-invalid = Enter the amount in { $currency }, such as 120.50.
seller-payouts-heading = Payouts
seller-payouts-empty = No payouts yet.
seller-payouts-created = Created
seller-column-amount = Amount
seller-column-status = Status
seller-payouts-arrives = Arrives
seller-payouts-bank-account = Bank account
seller-payouts-account-ending = ending { $last4 }
seller-payouts-removed-account = a removed account
seller-transactions-heading = Transactions
seller-transactions-download = Download all transactions (CSV)
seller-transactions-empty = No transactions yet. Sales appear here when you ship.
seller-transactions-date = Date
seller-transactions-what = What
seller-transactions-fee = Fee
seller-transactions-net = Net
seller-report-failed-title = Try again
seller-report-failed = The report could not be made just now. Try again in a moment.

## Bank accounts

seller-accounts-heading = Bank accounts
seller-accounts-empty = Add a bank account to receive payouts.
seller-accounts-iban-ending = IBAN ending { $last4 }
seller-accounts-us-ending = US account ending { $last4 }
seller-accounts-default = default for payouts
seller-accounts-make-default = Make default
seller-accounts-remove = Remove
seller-accounts-add-heading = Add a bank account
seller-accounts-holder = Account holder
seller-accounts-currency = Currency
seller-accounts-number = Account number (US)
seller-accounts-routing = Routing number (US)
seller-accounts-iban = IBAN (instead of a US account)
seller-accounts-add-button = Add bank account

## Payout schedule

seller-schedule-heading = Payout schedule
seller-schedule-interval = Pay out
seller-schedule-daily = Every day
seller-schedule-weekly = Every week
seller-schedule-manual = Only when I ask
seller-schedule-anchor = Day of the week (weekly)
seller-day-monday = Monday
seller-day-tuesday = Tuesday
seller-day-wednesday = Wednesday
seller-day-thursday = Thursday
seller-day-friday = Friday
seller-day-saturday = Saturday
seller-day-sunday = Sunday
seller-schedule-minimum = Minimum payout ({ $currency })
seller-schedule-minimum-hint = Scheduled payouts wait until at least this much is available.
seller-schedule-save = Save schedule
seller-schedule-minimum-invalid = Enter the minimum in { $currency }, such as 50.00.

## API keys

apikeys-title = API keys
apikeys-new-key-heading = Your new key: { $name }
apikeys-new-key-copy = Copy it now into your systems. It is shown this once; Pocketpay keeps only a fingerprint of it.
apikeys-intro = Your systems call the API with these keys. Rolling a key makes a new one and keeps the old one working for a while, so you can switch without an outage.
apikeys-column-name = Name
apikeys-column-key = Key
apikeys-column-status = Status
apikeys-column-created = Created
apikeys-column-last-used = Last used
apikeys-column-actions = Actions
apikeys-works-until = works until { $time }
apikeys-never = never
apikeys-grace-label = Old key works for
apikeys-grace-none = Stop the old key now
apikeys-grace-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
apikeys-grace-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
apikeys-roll = Roll
apikeys-revoke = Revoke now
apikeys-new-heading = New key
apikeys-name-label = Name (what uses it)
apikeys-name-hint = Such as “Warehouse system”.
apikeys-make-key = Make a key

## Webhooks

webhooks-title = Webhooks
webhooks-title-operators = Webhooks (operators)
webhooks-intro = Pocketpay sends each event to these URLs as a signed { $method }; see the README for how to check the signature.
webhooks-empty = No webhook endpoints yet.
webhooks-url = URL
webhooks-events = Events
webhooks-status = Status
webhooks-events-all = all
webhooks-add-heading = Add an endpoint
webhooks-url-hint = Such as https://example.com/pocketpay/webhooks.
webhooks-all-events = All events
webhooks-only-these = Or only these events
webhooks-add-button = Add endpoint
webhooks-choose-events = Choose the events to receive, or all of them.
webhooks-secret-title = Your webhook signing secret
webhooks-secret-intro = The endpoint was added. This is its signing secret; it is shown this once, so keep it with your receiver now:
webhooks-go-to-endpoint = Go to the endpoint
webhooks-endpoint-title = Webhook endpoint
webhooks-enable = Enable
webhooks-disable = Disable
webhooks-delete = Delete
webhooks-deliveries = Deliveries
webhooks-deliveries-empty = Nothing was sent yet.
webhooks-when = When
webhooks-event = Event
webhooks-attempt = Attempt
webhooks-answer = Answer
webhooks-answer-http = HTTP { $code } in { $ms } ms
webhooks-next-try = next try { $time }
webhooks-send-again = Send again
