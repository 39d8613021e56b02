# API error messages (part c): see src/i18n/mod.rs for which files use them

## Who may call (auth.rs, and the sellers' endpoints)

err-auth-buyers-only = This call is for buyers signed in with a session.
err-auth-operators-only = This call is for operators.
err-auth-sellers-api-key = This call is for sellers, with their secret API key.
err-auth-session-needed = This call needs a buyer's or operator's session, not an API key.
err-auth-sellers-only = This call is for sellers: use your shop's secret key.

## Idempotency-Key (idempotency.rs)

err-idempotency-in-flight = A request with this Idempotency-Key is still being processed. Retry after it finishes.
err-idempotency-mismatch = This Idempotency-Key was used with different parameters. Use a new key for a new request.
err-idempotency-key-invalid = The Idempotency-Key header must be 1 to { $max } visible ASCII characters.

## Request bodies and queries (extract.rs); $why and $what are the JSON reader's own English words

err-request-body-unreadable = The request body could not be read.
err-request-json-content-type = Send the body as JSON with `Content-Type: application/json`.
err-request-query-invalid = A query parameter is not valid: { $why }.
err-request-body-too-large = The request body is larger than { $max } bytes.
err-request-json-trailing = The body is not valid JSON: it continues after the object.
err-request-json-invalid = The body is not valid JSON.
err-request-param-unknown = Received unknown parameter: { $param }.
err-request-value-invalid = Invalid value for { $param }: { $what }.
err-request-method-not-allowed = { $method } is not allowed on { $path }.
err-request-text-length = { $param } must be 1 to { $max } printable characters.
err-request-text-length-one-line = { $param } must be 1 to { $max } printable characters on one line.

## Lists (routes/list.rs)

err-list-limit = limit must be between 1 and { $max }.
err-list-param-repeated = { $param } is given more than once.
err-list-cursor-both = Give starting_after or ending_before, not both.
err-list-status = { $status } is not a status of this list: use one of { $allowed }.
err-list-param-unknown = { $param } is not a parameter of this call.
err-list-time = { $param } must be a time in seconds since 1970 (such as 1767225600).

## Payouts and bank accounts (routes/payouts.rs, balance.rs)

err-payout-currency-unsupported = { $code } is not a supported currency.
err-payout-weekly-anchor = Weekly payouts need weekly_anchor: monday to sunday.
err-payout-interval = interval is daily, weekly or manual.
err-payout-pause-operators-only = Only the platform's operators pause and resume a seller's payouts.
err-payout-routing-number-invalid = The routing number must be 9 digits with a valid check digit.
err-payout-account-number-invalid = The account number must be 4 to 17 digits.
err-payout-iban-invalid = The IBAN is not valid: check its country code, length and check digits.
err-payout-country = country is a two-letter ISO 3166 code, such as US or DE.
err-payout-iban-no-routing = An IBAN needs no routing number.
err-payout-routing-number-missing = A US account needs its routing number.
err-payout-account-or-iban = Give either account_number and routing_number (a US account) or iban.
err-payout-bank-account-exists = This bank account is already added.
err-payout-destination-in-use = A payout to this bank account is on its way; remove it once the payout has arrived.
err-payout-destination-disabled = A payout to this bank account failed for good.
err-payout-paused = Payouts of this seller are paused by the platform; contact support.
err-payout-no-destination = Add a bank account to receive payouts first.
err-payout-destination-disabled-add-another = A payout to this bank account failed for good; add another bank account.
err-payout-currency-mismatch = This bank account receives { $currency }; pay out in that currency.
err-payout-insufficient-available = The amount is more than the available balance ({ $available }).
err-payout-amount-invalid = The amount must be positive.
err-payout-amount-over-available = The amount is more than the available balance.
err-payout-minimum-invalid = The minimum amount must be between 0 and 10000000000 minor units.
# $status is the payout's status (pending, in_transit, paid, failed, canceled); $action the step
# refused (send, pay, fail, cancel).
err-payout-transition = A payout that { $status ->
        [pending] is pending
        [in_transit] is in transit
        [paid] was paid
        [failed] has failed
       *[canceled] was canceled
    } cannot be { $action ->
        [send] sent
        [pay] marked paid
        [fail] marked failed
       *[cancel] canceled
    }.
err-payout-already-sent = This payout is already on its way to the bank.
err-payout-changed = This payout changed meanwhile; look at it again.

## Fee schedules and balances (routes/balance.rs)

err-fees-percent-invalid = The percentage must be between 0 and 10000 basis points.
err-fees-fixed-invalid = The fixed fee must be between 0 and 100000000 minor units.
err-balance-merchant-required = Operators name the merchant: ?merchant=mer_…
err-balance-type-unknown = { $kind } is not a balance transaction type.

## Events and webhook endpoints (routes/events.rs)

err-webhook-event-type-unknown = { $kind } is not an event type.
err-webhook-events-required = Name the event types to receive, or ["*"] for all.
err-webhook-no-tls = This build of Pocketpay has no TLS client, so it cannot send to https:// URLs: build it with --features tls.
err-webhook-too-many = At most { $max } webhook endpoints.
err-webhook-status = status is "enabled" or "disabled".
err-webhook-endpoint-disabled = Enable the endpoint before redelivering to it.
err-webhook-url-invalid = The URL is not valid.
err-webhook-url-https = Use an https:// URL.
err-webhook-url-http-or-https = Use an http:// or https:// URL.
err-webhook-url-no-host = The URL has no host.
err-webhook-url-credentials = The URL may not carry a user name or password.
err-webhook-url-too-long = The URL is longer than 2,048 characters.
err-webhook-url-unresolved = The host name does not resolve.
err-webhook-url-private = The URL leads to a private, loopback or link-local address; webhooks go to public addresses only.
err-webhook-url-private-test = The URL leads to a private or link-local address; test mode allows public and loopback addresses.

## API keys (routes/api_keys.rs)

err-key-limit = A shop has at most { $max } working keys: revoke one you no longer use first.
err-key-grace-hours = The old key may keep working from 0 to { $max } hours.
err-key-inactive = This key no longer works: make a new one instead.
err-key-rolled = This key was rolled already and stops sooner; make a new one instead.
err-key-already-inactive = This key no longer works already.

## Metadata (routes/metadata.rs)

err-metadata-object = metadata is an object of keys and text values.
err-metadata-value-text = A metadata value is text (a number goes in quotes).
err-metadata-too-many-keys = Metadata holds at most { $max } keys.
err-metadata-bad-key = A metadata key is 1 to { $max } characters, without brackets or control characters.
err-metadata-bad-value = A metadata value is text of at most { $max } characters, without control characters.

## Test mode and the raw ledger (routes/system.rs)

err-system-currency = We do not take this currency.
err-system-insufficient-funds = The debit account's balance is too low.
err-system-transfer-exists = A different transfer already has this id.
err-system-ledger-invalid-id = transfer ids must be positive (the ledger's own expiries use the negated id of the hold)
err-system-ledger-amount-not-positive = the amount must be positive
err-system-ledger-same-account = debit and credit accounts are the same
err-system-ledger-account-exists = account { $account } already exists with other fields
err-system-ledger-currency-mismatch = the transfer's currency does not match its accounts
err-system-ledger-overflow = an amount overflowed
err-system-account-id = Account ids are positive.
err-system-account-taken = This id belongs to an account of another kind.
err-system-clock-advance = advance_seconds must be between 0 and { $max }.
