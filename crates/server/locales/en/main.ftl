# Pocketpay — English. Messages shared by the API, the pages, emails and SMS.
# Every id here exists in ru/ and es/ too, and is used by the code (the catalogue tests check both).

## Counts and lists

tries-left = { $count ->
    [one] { $count } try
   *[other] { $count } tries
}
list-or = { $first } or { $last }

## Dates: Russian and Spanish write the month's name; English keeps ISO dates.

date-long = { $day } { $month } { $year }
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
error-forbidden = You are not allowed to do this.
error-too-many-attempts = Too many attempts.
error-invalid-locale = The locale must be en, ru or es.
error-invalid-time-zone = The time zone must be an IANA name such as Europe/Madrid or UTC.

## Emails and SMS

email-code-subject = Your Pocketpay verification code
email-code-body = Your Pocketpay code is { $code }. It expires in 30 minutes. If you did not sign up, ignore this email.
