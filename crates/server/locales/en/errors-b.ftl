# API error messages (part b): see src/i18n/mod.rs for which files use them

## Paying (routes/shop/paying.rs, errors.rs, payment_method.rs)

err-pay-part-of-checkout = This order is part of checkout { $checkout }: pay the checkout, which pays all its orders at once.
err-pay-fx-card-only = A payment in another currency is paid by card only.
err-pay-total-not-positive = The order total must be greater than zero.
err-pay-pocket-not-positive = The Pocket amount must be greater than zero.
err-pay-pocket-above-total = The Pocket amount can't be more than the order total.
err-pay-pocket-covers-all = The Pocket amount covers the whole order: choose the Pocket as the payment method instead.
err-pay-pocket-must-cover-all = A Pocket payment pays the whole order: leave out the Pocket amount, or pay the rest by card.
err-pay-checkout-changed = What this checkout pays has changed (an order was cancelled): look at it again and pay.
err-pay-no-quote = No such quote.
err-pay-quote-mismatch = This quote is for another amount or currency: ask for a quote for this order.
err-pay-fx-expired = The locked exchange rate has expired. Nothing was charged.
err-pay-fx-expired-advice = Ask for a new quote and pay again.
err-pay-attempt-in-progress = A payment attempt for this order is in progress; wait for its answer.
err-pay-attempt-closed = This payment attempt is no longer open.
err-pay-channel = channel is "sms" or "email".
err-pay-no-phone = There is no phone number on your account, so we can send the code by email only.
err-pay-no-phone-advice = Choose email, or add a phone number to your account to get codes by SMS.
err-pay-not-awaiting-code = This payment is not waiting for a code.
err-pay-awaiting-document = This payment is waiting for a document, not a code.
err-pay-codes-used-up = We have already sent the codes this payment may have.
err-pay-codes-used-up-advice-last = Use the last code we sent while it is valid.
err-pay-codes-used-up-advice-new = Or pay again, or choose another way to pay, to get a new code.
err-pay-resend-wait = Wait a minute before asking for another code.
err-pay-order-not-awaiting = This order is not awaiting payment.
err-pay-settling-advice = Retry in a minute: the payment's outcome is being settled with the bank.
err-pay-method-type = payment_method.type must be "card" or "pocket".
err-pay-save-new-card-only = save applies to a new card only.
err-pay-card-or-new-card = Give either card or new_card, not both.

## Document review (routes/shop/reviewing.rs)

err-review-already-submitted = A document was already uploaded for this payment; it is being reviewed.
err-review-no-document = This review has no document yet.
err-review-already-decided = This review is already decided.
err-review-file-empty = The file is empty.
err-review-file-too-large = The file is larger than 5 MB.
err-review-file-type = Upload a JPEG or PNG photo, or a PDF.
err-review-file-advice = Upload a photo (JPEG or PNG) or a PDF of your ID, at most 5 MB.
err-review-multipart = Send the document as multipart/form-data, in a field named file.
err-review-upload-unreadable = The upload could not be read: send it again.
err-review-one-file = Send one file.
err-review-not-awaiting-document = This payment is not waiting for a document.
err-review-document-deleted = This document was deleted 30 days after its decision.
err-review-no-upload = No document was uploaded for this review.
err-review-outcome = outcome is "approve" or "reject".
err-review-note-too-long = The note is at most { $max } characters.
err-review-note-missing = Say why the document is rejected: the buyer is told.

## One-time codes and security answers (routes/shop/verifying.rs)

err-verify-no-questions = You have not set up security questions: use the code we sent you.
err-verify-answers-shape = Answer each of your { $count } security questions once, by its id.
err-verify-code-shape = The code is the 6 digits we sent you.
err-verify-code-or-answers = Send either the code or the answers, not both.
err-verify-not-awaiting-code = This payment is not waiting for a code.
err-verify-awaiting-document = This payment is waiting for a document, not a code.
err-verify-upload-id-advice = To finish this payment, upload a photo or scan of your ID for our team to check.
err-verify-card-again-advice = Enter your card again and pay.

## Cards and the vault (routes/cards.rs, payment_method.rs)

err-card-blocked-advice = This card was blocked after a payment with it was reported as unauthorized. Pay with another card or your Pocket balance.
err-card-blocked-advice-support = If the card is safe again, ask support to unblock it.
err-card-holder-name = Enter the name on the card, on one line (at most 100 characters).
err-card-text-too-long = { $param } must be at most { $max } printable characters.
err-card-country = Enter a two-letter country code, such as US.
err-card-too-many = You can keep at most { $max } cards. Remove one you no longer use.
err-card-key-in-use = { $count } cards are still encrypted under key { $key }; rotate first.
err-card-vault-missing-keys = no vault keys: set POCKETPAY_VAULT_KEYS or create { $path } with mode 0600 holding the lines `fingerprint <64 hex>`, `key 1 <64 hex>` and `active 1` (`openssl rand -hex 32` makes one key); live mode never generates keys
err-card-vault-insecure-file = the vault key file { $path } can be read by group or others (mode { $mode }): run `chmod 600 { $path }`
err-card-vault-invalid-ring = invalid vault key ring in { $origin }: { $reason }
err-card-vault-keys-from-environment = the vault keys come from the environment, so the vault cannot rotate them: change POCKETPAY_VAULT_KEYS (add a `key` line and restart, then point `active` at it and restart) instead
err-card-vault-file-changed = the vault key file { $path } changed since this process read it: reopen the vault, then retry
err-card-vault-unknown-key = no vault key with id { $key }
err-card-vault-active-key = vault key { $key } is the active key and cannot be removed: rotate first
err-card-vault-ring-full = the vault key ring is full ({ $max } keys at most, ids up to 4294967295): remove retired keys first
err-card-vault-invalid-number = a card number to seal must be 12 to 19 digits (0-9) without spaces
err-card-vault-decrypt = the sealed card number could not be decrypted (altered data or wrong key id)
err-card-vault-encrypt = the card number could not be encrypted
err-card-vault-random = the operating system's random number generator failed
err-card-vault-io = { $action } { $path }: { $source }

## Pocket holds (pocket.rs)

err-pocket-amount-not-positive = The amount must be positive.
err-pocket-hold-closed = This hold is already { $state }.
err-pocket-nothing-captured = Nothing was captured from this hold.
err-pocket-refund-exceeds = The refund exceeds what is left of the captured amount.

## Gift cards (routes/gift_cards/*.rs)

err-gift-coupon = Coupons and discounts can't be used to buy gift cards.
err-gift-currency = Gift cards can't be bought in { $currency }; they are sold in { $supported }.
err-gift-no-items = Choose at least one gift card.
err-gift-quantity = Each gift card quantity must be at least 1.
err-gift-denomination = Gift cards come in { $amount } { $currency }.
err-gift-denominations = Gift cards come in { $first } and { $last } { $currency }.
err-gift-load-limit = One purchase can load at most { $cap } of gift cards; this one comes to { $total }.
err-gift-too-many-cards = One purchase can hold at most { $max } gift cards.
err-gift-usd-only = Gift cards are sold in USD.
err-gift-recipient-email = Enter the recipient's email address.
err-gift-message-too-long = The message is at most { $max } characters.
err-gift-pocket-not-allowed = Pocket money cannot buy gift cards: pay by card.
err-gift-settling-advice = Retry in a minute: the purchase's outcome is being settled with the bank.
err-gift-too-many-attempts = Too many attempts.
err-gift-too-many-attempts-advice = Wait before trying again, or contact support if you didn't make these attempts.
err-gift-lookup-advice = Check the code letter by letter; codes never contain 0, O, 1, I or L.
err-gift-block-reason = Say why, in 1 to { $max } characters.
err-gift-no-code = This gift card was loaded into its buyer's Pocket when bought; it has no code to block.
err-gift-wrong-state = This gift card is { $state }; only a { $from } code can be made { $to }.
err-gift-not-refundable = Gift cards are not refundable, and Pocket money cannot be cashed out.
err-gift-not-refundable-advice-spend = Spend the balance on any order in the marketplace.
err-gift-not-refundable-advice-give = Give an unused code to someone else.
err-gift-unknown-currency = Unknown currency.

## Security questions (routes/security_questions.rs)

err-questions-shape = Set 2 or 3 questions, each question and answer at most 200 characters.
err-questions-count = Set { $min } or { $max } security questions.
err-questions-question-length = A question is { $min } to { $max } characters.
err-questions-repeated = Each question may be used once.
err-questions-answer-length = An answer is { $min } to { $max } characters, not counting spaces at the ends.
err-questions-answer-is-question = An answer may not repeat its question.
err-questions-same-answers = Use a different answer for each question.
err-questions-password = The password is not right.
err-questions-password-advice = Type the password you sign in with.

## Password reset (routes/password_resets.rs)

err-reset-too-many-requests = Too many reset requests.
err-reset-too-many-requests-advice = Wait a few minutes, then ask again.
err-reset-code-shape = The code is the 6 digits from the email we sent.
err-reset-code-incorrect = The code is incorrect.
err-reset-code-incorrect-advice = Check the latest email we sent you, or ask for a new code.
err-reset-too-many-attempts = Too many attempts with this code.
err-reset-too-many-attempts-advice = Ask for a new code, then try again.
err-reset-code-expired = The code has expired.
err-reset-code-expired-advice = Ask for a new code.
err-reset-tries-left = Check the latest email we sent you; you have { $count } tries left.

## Accounts and sign-in (routes/accounts.rs)

err-account-email-taken = An account with this email already exists. Sign in instead.
err-account-code-shape = The code is the 6 digits from the email we sent.
err-account-code-incorrect = The code is incorrect.
err-account-code-incorrect-advice = Check the latest email we sent you, or ask for a new code.
err-account-too-many-attempts = Too many attempts.
err-account-too-many-attempts-advice = Ask for a new code, then try again.
err-account-code-expired = The code has expired.
err-account-code-expired-advice = Ask for a new code.
err-account-tries-left = Check the latest email we sent you; you have { $count } tries left.
err-account-invalid-credentials = The email or password is incorrect.
err-account-too-many-sign-ins = Too many failed sign-ins. Wait before trying again.
err-account-too-many-sign-ins-advice = Wait a few minutes, then try again.
err-account-too-many-sign-ins-advice-reset = If you forgot your password, reset it with a code we email you.
err-account-email-not-verified = Verify your email address first.
err-account-email-not-verified-advice = Enter the 6-digit code we emailed you.
err-account-email-not-verified-advice-expired = Ask for a new code if it has expired.
err-account-merchant-name = The name must be 1 to { $max } printable characters.
err-account-currency = We do not take { $currency } as a currency.
