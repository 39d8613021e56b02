# Operator pages (web/operator.rs, operator_search.rs, operator_sellers.rs, verification.rs)

## Table headings

operator-col-claim = Claim
operator-col-reason = Reason
operator-col-status = Status
operator-col-opened = Opened
operator-col-from = From
operator-col-to = To
operator-col-rate = Rate
operator-col-updated = Updated
operator-col-order = Order
operator-col-date = Date
operator-col-total = Total
operator-col-email = Email
operator-col-id = Id
operator-col-role = Role
operator-col-country = Country
operator-col-seller = Seller
operator-col-balance = Balance
operator-col-created = Created
operator-col-amount = Amount

## Claims

operator-claims-title = Claims
operator-claims-to-decide = To decide
operator-claims-nothing-to-decide = Nothing to decide.
operator-claims-all = All claims
operator-claims-none = None.
operator-claim-order-line = Order { $number }: { $total }, captured { $captured }, refunded { $refunded }.
operator-decision = Decision
operator-decision-choose = Choose a decision
operator-decision-buyer = For the buyer: refund
operator-decision-seller = For the seller: no refund
operator-refund-amount = Refund amount ({ $currency })
operator-refund-amount-invalid = Enter the refund in { $currency }, such as 10.00.
operator-decide = Decide

## FX rates

operator-fx-title = FX rates
operator-fx-none = No rates yet: buyers pay in the seller's currency.
operator-fx-set-heading = Set a rate
operator-fx-from-currency = From currency
operator-fx-to-currency = To currency
operator-fx-rate = Units of To for one From
operator-fx-rate-hint = A decimal such as 0.9215.
operator-fx-save = Save rate

## Gift cards

operator-gift-title = Gift cards
operator-gift-code = Gift card code
operator-gift-look-up = Look up
operator-gift-heading = Gift card •••• { $last4 }
operator-gift-state = State
operator-gift-value = Value
operator-gift-bought = Bought
operator-gift-bought-by = { $date } by { $buyer }
operator-gift-expires = Expires
operator-gift-redeemed-by = Redeemed by
operator-gift-block-why = Why?
operator-gift-block = Block this code
operator-gift-unblock = Unblock

## Ledger check

operator-ledger-title = Ledger check
operator-ledger-balanced = Balanced
operator-ledger-problems-found = Problems found
operator-ledger-checked = { $accounts ->
    [one] { $accounts } account
   *[other] { $accounts } accounts
}, { $transactions ->
    [one] { $transactions } transaction
   *[other] { $transactions } transactions
} checked: every balance is the sum of its postings, every currency sums to zero, no protected account is below zero, captured ≤ authorized, refunded ≤ captured, Pocket lots match their accounts.
operator-ledger-problems = Problems

## Search and an order as operators see it

operator-search-title = Search
operator-search-label = Order number, id (ord_, pay_, clm_, chk_) or email
operator-search-button = Search
operator-search-nothing-found = Nothing found for { $query }.
operator-search-orders = Orders
operator-search-people = People
operator-role-buyer = buyer
operator-role-operator = operator
operator-order-title = Order { $number }
operator-order-ids = Order id { $order } · buyer { $buyer } · seller { $seller }
operator-order-ids-paid = Order id { $order } · buyer { $buyer } · seller { $seller } · payment { $payment }
operator-order-claims = Claims
operator-order-decide-claims = Decide claims under review
operator-order-search-again = Search again

## Sellers' money

operator-sellers-title = Sellers' balances
operator-sellers-intro = What the platform owes each seller (pending and available together). A balance below zero is a refund or claim paid after a payout; the seller's next sales repay it.
operator-sellers-none = No seller has sold yet.
operator-seller-title = Seller { $name }
operator-seller-seller = Seller
operator-seller-available = Available
operator-seller-pending = Pending
operator-seller-reserved = Reserved
operator-seller-payouts = Payouts
operator-seller-schedule = Schedule
operator-interval-daily = daily
operator-interval-weekly = weekly
operator-interval-manual = manual
operator-seller-pause = Pause payouts
operator-seller-resume = Resume payouts
operator-fees-heading = Fee schedule
operator-fees-default = The platform's default applies.
operator-fees-own = This seller's own schedule applies.
operator-fees-percent = Fee (percent of each sale)
operator-fees-percent-invalid = Enter the fee as a percent, such as 5 or 2.9.
operator-fees-fixed = Fixed part per sale ({ $currency })
operator-fees-fixed-invalid = Enter the fixed part in { $currency }, such as 0.30.
operator-fees-save = Save fees
operator-payouts-heading = Payouts
operator-payouts-none = None yet.

## A buyer's security questions

verification-questions-title = Security questions
verification-questions-intro = When a payment needs a check and you cannot get our code (no phone at hand, no email), you can answer these questions instead. Answers are compared without case, spaces or accents, and we keep only a scrambled form of them: nobody at Pocketpay can read them.
verification-questions-none = You have not set up security questions yet.
verification-questions-yours = Your questions
verification-questions-change = Change them
verification-questions-hint = Set 2 or 3 questions. Each answer must be different.
verification-question-number = Question { $number }
verification-question-number-optional = Question { $number } (optional)
verification-question-choose = Choose a question
verification-question-write-own = Write my own question
verification-question-own = Or your own question
verification-question-own-hint = Used when "Write my own question" is chosen.
verification-answer-number = Answer { $number }
verification-your-password = Your password
verification-questions-save = Save my questions
verification-preset-first-school = What was the name of your first school?
verification-preset-childhood-street = What street did you live on as a child?
verification-preset-first-pet = What was the name of your first pet?
verification-preset-parents-meeting-city = In which city did your parents meet?
verification-preset-childhood-friend = What is the first name of your childhood best friend?
verification-preset-first-job = Where was your first job?
verification-answers-heading = No code? Answer your security questions
verification-answers-confirm = Confirm with my answers

## The document step of a payment

verification-document-title = Verify your identity
verification-document-why = Before this payment of { $amount } goes through, we need to check that it is really you ({ $why }).
verification-document-in-review-title = Your document is being reviewed
verification-document-in-review = Your document is being reviewed.
verification-document-in-review-answer = Our team usually answers within a day; we will email you either way.
verification-document-in-review-meanwhile = Nothing is charged meanwhile. If we have not decided by { $expires }, the payment is cancelled and you can pay again.
verification-back-to-order = Back to the order
verification-document-upload = Upload a photo or scan of an ID with your name: a passport, an identity card or a driving licence. JPEG, PNG or PDF, at most 5 MB.
verification-document-kept = Only our review team sees it, and we delete it 30 days after our decision.
verification-document-label = Your document
verification-document-send = Send my document
verification-pay-another-way = Or { $link }, for example with your Pocket.
verification-pay-another-way-link = pay another way
verification-reason-document-amount = an amount above our review limit
verification-reason-code-tries-used = the code was typed wrong too many times
verification-reason-new-card = a card not used here before
verification-reason-large-amount = a large amount
verification-reason-foreign-card = a card from another country
verification-reason-velocity = many payments in a short time
verification-reason-issuer-demand = your bank asked for it
verification-form-other-site = This form was sent from another site, so it was refused.
verification-form-bad-title = Bad form
verification-form-unreadable = This form could not be read.
verification-form-expired-title = This form has expired
verification-form-expired = For your safety this form could not be sent. Go back, reload the page and try again.
verification-file-too-large = The file is larger than 5 MB.
verification-file-too-large-advice = Send a smaller photo or scan.
verification-file-missing = Choose the file of your document.

## Operators: document reviews

verification-reviews-title = Document reviews
verification-reviews-to-decide = To decide
verification-reviews-none-waiting = No document waits for a decision.
verification-reviews-all = All reviews
verification-col-review = Review
verification-col-buyer = Buyer
verification-col-amount = Amount
verification-col-why = Why
verification-col-status = Status
verification-col-sent = Sent
verification-review-title = Document review
verification-review-order = Order
verification-review-payment = Payment
verification-review-decide-by = Decide by
verification-review-document-deleted = The document was deleted on { $date }, 30 days after the decision.
verification-review-document-pdf = The buyer's document (PDF)
verification-review-open-pdf = Open the PDF
verification-review-document = The buyer's document
verification-review-no-document = The buyer has not sent a document yet.
verification-review-note = Note (required to reject)
verification-review-decide-hint = Approving authorizes the payment. Rejecting fails it; the buyer reads the note.
verification-review-approve = Approve
verification-review-reject = Reject
verification-review-decided-on = Decided on { $date }.
