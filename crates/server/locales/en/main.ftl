# Pocketpay — English. Messages shared by the API, the pages, emails and SMS.
# Every id here exists in ru/ and es/ too, and is used by the code (the catalogue tests check both).

## Counts and lists

tries-left = { $count ->
    [one] { $count } try
   *[other] { $count } tries
}
list-or = { $first } or { $last }

## Dates

date-long = { $month } { $day }, { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Why a payment failed, and what to do next (reference/decline-codes.md)

decline-incorrect-number = The card number is incorrect.
    .advice = Check the number on your card, digit by digit.
decline-invalid-expiry = The expiry date is invalid.
    .advice = Enter the month and year printed on the card.
decline-expired-card = Your card has expired.
    .advice = Use another card, or update the card's expiry date if your bank sent you a new one.
decline-incorrect-cvc = The security code is incorrect.
    .advice = Enter the 3 digits on the back of the card (4 on the front for American Express).
decline-brand-not-supported = We don't accept this type of card.
    .advice = Use { $brands }, or pay with your Pocket balance.
    .advice-pocket-only = Pay with your Pocket balance.
decline-insufficient-funds = Your card has insufficient funds.
    .advice = Pay with your Pocket balance or another card; the total includes shipping and any currency conversion.
    .advice-bank = Check your available balance and pending charges with your bank.
decline-card-velocity-exceeded = Your card's spending limit has been reached.
    .advice = Use another card or your Pocket balance, or ask your bank to raise the limit.
decline-transaction-not-allowed = Your bank declined this purchase.
    .advice = Your bank may block international or online purchases: call the number on the back of your card and ask them to allow it, then try again.
decline-incorrect-address = The billing address doesn't match the one your bank has.
    .advice = Enter the billing address exactly as your bank has it, or update the card's billing address.
decline-incorrect-zip = The billing postal code doesn't match the one your bank has.
    .advice = Enter the billing postal code exactly as your bank has it, or update the card's billing address.
decline-generic = Your card was declined.
    .advice = Use another card or your Pocket balance, or contact your bank for details.
decline-processing-error = We couldn't reach your bank. You have not been charged.
    .advice = Wait a few minutes and try again; if it keeps failing, use another payment method.
decline-verification-failed = The code is incorrect.
    .advice = Check the latest message we sent; you have { $tries } left.
    .advice-none-left = You have no tries left with this code: ask for a new code.
decline-verification-expired = The code has expired.
    .advice = Ask for a new code.
decline-too-many-attempts = Too many attempts.
    .advice = Wait before trying again, or contact support if you didn't make these attempts.
decline-insufficient-pocket-balance = Your Pocket balance is not enough for this order.
    .advice = Pay the rest by card, or top up with a gift card.

## Errors every endpoint may answer

error-missing = Missing required parameter: { $param }.
error-not-found = No such { $what }.
error-unauthenticated = Sign in, or send a valid token in the Authorization header as `Bearer <token>`.
error-internal = Something went wrong on our side. Nothing was changed; please try again.
error-unavailable = The service is unavailable; try again shortly with the same Idempotency-Key.
error-invalid-locale = The locale must be en, ru or es.
error-unknown-cursor = starting_after names no object in this list.
error-invalid-time-zone = The time zone must be an IANA name such as Europe/Madrid or UTC.

## Emails and SMS

email-code-subject = Your Pocketpay verification code
email-code-body = Your Pocketpay code is { $code }. It expires in 30 minutes. If you did not sign up, ignore this email.

## Account rules

error-email-invalid = Enter a valid email address.
error-password-too-short = The password must be at least { $count } characters long.
error-password-too-long = The password must be at most { $count } characters long.
error-phone-invalid = Enter a phone number in international format, such as +14155550123.
error-country-invalid = Enter a two-letter ISO 3166 country code, such as US.

## An error's general message by its code (other languages; English shows the handler's own sentence)

code-parameter-invalid = The value of { $param } is not valid: check it and try again.
code-parameter-unknown = This request does not take { $param }.
code-request-malformed = The request could not be read.
code-amount-invalid = The amount is not valid.
code-currency-not-supported = This currency is not accepted.
code-out-of-stock = There is not enough of this product in stock.
    .advice = Lower the quantity, or come back later.
code-order-not-payable = This order cannot be paid now.
code-order-not-paid = This order has not been paid.
code-order-not-cancelable = This order can no longer be canceled.
code-order-already-shipped = This order has already shipped.
code-email-taken = An account with this email already exists. Sign in instead.
code-invalid-credentials = The email or password is incorrect.
    .advice = Check them and try again, or reset your password.
code-email-not-verified = Confirm your email first with the code we sent you.
code-verification-failed =
    .advice = Check the latest message we sent you, or ask for a new code.
code-invalid-denomination = Gift cards come in 10, 20, 50, 100 and 150 USD.
code-load-limit-exceeded = One purchase of gift cards can be worth at most 700 USD.
code-coupon-not-allowed = Coupons cannot be used on gift cards.
code-gift-card-invalid = This gift card code is not valid, or it was already used.
code-gift-card-not-refundable = Gift cards cannot be refunded.
code-claim-window-closed = The time to open a claim on this order has passed.
code-protection-expired = The purchase protection of this order has ended.
code-claim-exists = This order already has a claim.
code-claim-not-open = This claim is no longer open.
code-already-reported = This payment was already reported.
code-payment-busy = This payment is being processed. Wait a moment and try again.
code-refund-exceeds-captured = The refund is larger than what was charged.
code-fx-quote-expired = The exchange rate quote has expired. Get a new one.
code-forbidden = You are not allowed to do this.
code-idempotency-error = This request repeats an earlier one with other details, or the earlier one is still running.
code-document-too-large = The document is too large.
code-document-type-unsupported = This type of document is not accepted. Send a PDF, JPEG or PNG.
code-document-already-submitted = A document was already sent for this payment.
code-payment-not-awaiting-code = This payment is not waiting for a code.
code-payment-not-awaiting-document = This payment is not waiting for a document.

## Emails and SMS to buyers

message-payment-code-subject = Approve your payment
message-payment-code-body = Pocketpay: your code to approve a payment of { $amount } is { $code }. It expires in 10 minutes. Never share it.
message-reset-code-subject = Reset your Pocketpay password
message-reset-code-body = Your Pocketpay code to reset your password is { $code }. It expires in 30 minutes. If you did not ask for it, ignore this email: your password stays as it is.
message-password-changed-subject = Your Pocketpay password was changed
message-password-changed-body = Your Pocketpay password was just changed with a code sent to this address, and every device was signed out. If you did not do this, reset your password again now and contact support.
message-gift-subject = You received a Pocketpay gift card
message-gift-intro = You have received a Pocketpay gift card.
message-gift-redeem = Redeem each code in your Pocket (My Pocket → Redeem). Codes are valid until their expiry, three years after purchase.
message-gift-note = Message from the sender:

## Security questions answered instead of a code

error-answers-incorrect = One or more answers are incorrect.
    .advice = { $count ->
        [one] Check your answers (case, spaces and accents do not matter); you have { $count } try left.
       *[other] Check your answers (case, spaces and accents do not matter); you have { $count } tries left.
    }
    .advice-none-left = You have no tries left: ask for a new code, or pay another way.

## Claims and reimbursements, to the buyer and the seller

message-claim-opened-subject = A claim was opened
message-claim-opened-body = A claim was opened on order { $order }. The seller answers within 3 days.
message-claim-for-buyer-subject = A claim was decided for the buyer
message-claim-for-buyer-body = Claim { $claim } was decided for the buyer; the refund is on its way.
message-claim-redecide-subject = A claim needs a new decision
message-claim-redecide-body = The refund for claim { $claim } could not be made ({ $code }). Our team will decide again.
message-claim-rejected-subject = The seller rejected a claim
message-claim-rejected-body = The seller rejected claim { $claim }. The buyer may ask us to decide.
message-claim-escalated-subject = A claim is under review
message-claim-escalated-body = Claim { $claim } is now with our team, who will decide.
message-claim-for-seller-subject = A claim was decided for the seller
message-claim-for-seller-body = Claim { $claim } was decided for the seller.
message-reimbursed-subject = We reimbursed an unauthorized payment
message-reimbursed-body = { $amount } is back in your Pocket. The card used was blocked and your other sessions were ended. Our team will look into it.

## Orders, refunds, tickets and security questions, to the buyer

message-shipped-subject = Your order has shipped
message-shipped-body = Order { $order } is on its way.
message-canceled-subject = Your order was cancelled
message-canceled-body = Order { $order } was cancelled.
message-canceled-reason = Reason: { $reason }.
message-canceled-not-charged = You have not been charged.
message-canceled-order-again = You have not been charged; you can order again and pay with another card or your Pocket.
message-refund-subject = Your refund
message-refund-pocket = { $amount } for order { $order } is back in your Pocket.
message-refund-card = { $amount } for order { $order } is on its way back to your card.
message-refund-rerouted-subject = Your refund went to your Pocket
message-refund-rerouted = We could not refund { $amount } for order { $order } to your card, so it is in your Pocket now, ready to spend. It does not expire.
message-ticket-answered-subject = Support answered your ticket
message-ticket-answered-body = There is an answer to "{ $subject }" in your support tickets.
message-questions-subject = Your security questions were changed
message-questions-changed-body = Your Pocketpay security questions were changed. If you did not change them, change your password now and contact support.
message-questions-set-body = You set up security questions on Pocketpay. You can answer them instead of typing a code when a payment needs a check. If this was not you, change your password now and contact support.

## Document reviews, to the buyer

message-paid-for-order = order { $order }
message-paid-for-orders = orders { $orders } and { $last }
message-paid-for-your-order = your order
message-document-accepted-subject = Your document was accepted
message-document-accepted-body = We checked your document: your payment of { $amount } for { $what } is being completed.
message-document-rejected-subject = We could not accept your document
message-document-rejected-body = We could not verify your identity for your payment of { $amount } for { $what }: { $note }. Nothing was charged. You can pay again with another document, pay with your Pocket or another card, or contact support.
message-review-expired-subject = Your payment review expired
message-review-expired-body = The review of your payment of { $amount } ended without a decision in time. Nothing was charged: you can pay again.
error-document-rejected = We could not verify your identity from the document: { $note }
    .advice = Pay again and upload a clear photo or scan of a valid ID.
    .advice-other-way = Or pay with your Pocket or another card, or contact support.
error-review-expired = The document review was not completed in time.
    .advice = Pay again; nothing was charged.

## Spending limits, bank checks, gift codes

error-daily-limit-reached = You have reached your daily spending limit of { $limit }.
error-daily-limit-exceeded = This payment is over your daily spending limit of { $limit }; you can spend { $remaining } more today.
error-monthly-limit-reached = You have reached your monthly spending limit of { $limit }.
error-monthly-limit-exceeded = This payment is over your monthly spending limit of { $limit }; you can spend { $remaining } more this month.
error-limit =
    .advice = Pay a smaller amount, or wait until the limit resets.
    .advice-support = Contact support if you need a higher limit.
error-authentication-required = Your bank asks for a one-time code for this card.
    .advice = Pay with another card or your Pocket balance.
error-gift-code-invalid = This code is not valid: it may be mistyped, already used or expired.
    .advice = Check the code in the email, letter by letter; codes never contain 0, O, 1, I or L.

## Payouts and webhooks, to the seller

message-payout-failed-subject = A payout did not reach your bank
message-payout-failed-body = Payout { $payout } of { $amount } did not reach your bank account:
message-payout-money-back = The money is back in your available balance.
message-payout-canceled = The payout was canceled.
message-bank-account-closed = The bank account is closed. Add another bank account.
message-bank-no-account = The bank has no account under this number. Check the number or add another bank account.
message-bank-unsupported-currency = The bank refused the payout's currency. Add a bank account that accepts this currency.
message-bank-account-frozen = The bank account is frozen. Contact your bank or add another bank account.
message-bank-refused = The bank refused it.
message-bank-refused-payout = The bank refused the payout.
message-endpoint-disabled-subject = Your webhook endpoint was disabled
message-endpoint-disabled-operators-subject = A webhook endpoint was disabled
message-endpoint-disabled-body = Your webhook endpoint { $endpoint } ({ $url }) did not accept events for 3 days, so we disabled it. Fix it, then enable it again; you can redeliver missed events from its log.
