# API error messages (part c): see src/i18n/mod.rs for which files use them

## Кто может вызывать (auth.rs и запросы продавцов)

err-auth-buyers-only = Этот запрос доступен только покупателям, вошедшим в аккаунт.
err-auth-operators-only = Этот запрос доступен только операторам.
err-auth-sellers-api-key = Этот запрос доступен только продавцам с их секретным API-ключом.
err-auth-session-needed = Для этого запроса нужна сессия покупателя или оператора, а не API-ключ.
err-auth-sellers-only = Этот запрос доступен только продавцам: используйте секретный ключ вашего магазина.

## Idempotency-Key (idempotency.rs)

err-idempotency-in-flight = Запрос с этим Idempotency-Key ещё обрабатывается. Повторите его, когда он завершится.
err-idempotency-mismatch = Этот Idempotency-Key уже использовался с другими параметрами. Для нового запроса возьмите новый ключ.
err-idempotency-key-invalid = Заголовок Idempotency-Key должен содержать от 1 до { $max ->
        [one] { $max } видимого символа ASCII
        [few] { $max } видимых символов ASCII
       *[many] { $max } видимых символов ASCII
    }.

## Тела и параметры запросов (extract.rs); $why и $what — английский текст разборщика JSON

err-request-body-unreadable = Не удалось прочитать тело запроса.
err-request-json-content-type = Отправьте тело запроса в формате JSON с заголовком `Content-Type: application/json`.
err-request-query-invalid = Параметр строки запроса указан неверно: { $why }.
err-request-body-too-large = Тело запроса больше { $max ->
        [one] { $max } байта
        [few] { $max } байт
       *[many] { $max } байт
    }.
err-request-json-trailing = Тело запроса — некорректный JSON: после объекта есть лишние данные.
err-request-json-invalid = Тело запроса — некорректный JSON.
err-request-param-unknown = Получен неизвестный параметр: { $param }.
err-request-value-invalid = Неверное значение параметра { $param }: { $what }.
err-request-method-not-allowed = Метод { $method } не разрешён для { $path }.
err-request-text-length = Значение { $param } должно содержать от 1 до { $max ->
        [one] { $max } печатного символа
        [few] { $max } печатных символов
       *[many] { $max } печатных символов
    }.
err-request-text-length-one-line = Значение { $param } должно содержать от 1 до { $max ->
        [one] { $max } печатного символа
        [few] { $max } печатных символов
       *[many] { $max } печатных символов
    } в одной строке.

## Списки (routes/list.rs)

err-list-limit = Значение limit должно быть от 1 до { $max }.
err-list-param-repeated = Параметр { $param } указан больше одного раза.
err-list-cursor-both = Укажите starting_after или ending_before, но не оба сразу.
err-list-status = { $status } — недопустимый статус для этого списка; используйте один из следующих: { $allowed }.
err-list-param-unknown = Этот запрос не принимает параметр { $param }.
err-list-time = Значение { $param } должно быть временем в секундах с 1970 года (например, 1767225600).

## Выплаты и банковские счета (routes/payouts.rs, balance.rs)

err-payout-currency-unsupported = Валюта { $code } не поддерживается.
err-payout-weekly-anchor = Для еженедельных выплат нужен weekly_anchor: от monday до sunday.
err-payout-interval = interval принимает значения daily, weekly или manual.
err-payout-pause-operators-only = Приостанавливать и возобновлять выплаты продавца могут только операторы платформы.
err-payout-routing-number-invalid = Маршрутный номер банка (routing number) должен состоять из 9 цифр с верной контрольной цифрой.
err-payout-account-number-invalid = Номер счёта должен содержать от 4 до 17 цифр.
err-payout-iban-invalid = IBAN недействителен: проверьте код страны, длину и контрольные цифры.
err-payout-country = country указывается двухбуквенным кодом ISO 3166, например US или DE.
err-payout-iban-no-routing = Для IBAN маршрутный номер банка не нужен.
err-payout-routing-number-missing = Для счёта в США нужен маршрутный номер банка (routing number).
err-payout-account-or-iban = Укажите либо account_number и routing_number (счёт в США), либо iban.
err-payout-bank-account-exists = Этот банковский счёт уже добавлен.
err-payout-destination-in-use = Выплата на этот банковский счёт уже в пути; удалите счёт, когда выплата поступит.
err-payout-destination-disabled = Выплата на этот банковский счёт окончательно не удалась.
err-payout-paused = Выплаты этого продавца приостановлены платформой; обратитесь в поддержку.
err-payout-no-destination = Сначала добавьте банковский счёт для получения выплат.
err-payout-destination-disabled-add-another = Выплата на этот банковский счёт окончательно не удалась; добавьте другой банковский счёт.
err-payout-currency-mismatch = Этот банковский счёт принимает { $currency }; сделайте выплату в этой валюте.
err-payout-insufficient-available = Сумма больше доступного баланса ({ $available }).
err-payout-amount-invalid = Сумма должна быть положительной.
err-payout-amount-over-available = Сумма больше доступного баланса.
err-payout-minimum-invalid = Минимальная сумма должна быть от 0 до 10000000000 минимальных единиц валюты.
# $status — статус выплаты (pending, in_transit, paid, failed, canceled); $action — отклонённый шаг
# (send, pay, fail, cancel).
err-payout-transition = Выплату, которая { $status ->
        [pending] ожидает отправки
        [in_transit] уже в пути
        [paid] уже выплачена
        [failed] не удалась
       *[canceled] отменена
    }, нельзя { $action ->
        [send] отправить
        [pay] отметить как выплаченную
        [fail] отметить как неудавшуюся
       *[cancel] отменить
    }.
err-payout-already-sent = Эта выплата уже на пути в банк.
err-payout-changed = Эта выплата за это время изменилась; откройте её заново.

## Комиссии и балансы (routes/balance.rs)

err-fees-percent-invalid = Процент должен быть от 0 до 10000 базисных пунктов.
err-fees-fixed-invalid = Фиксированная комиссия должна быть от 0 до 100000000 минимальных единиц валюты.
err-balance-merchant-required = Операторы указывают продавца: ?merchant=mer_…
err-balance-type-unknown = { $kind } не является типом транзакции баланса.

## События и эндпоинты вебхуков (routes/events.rs)

err-webhook-event-type-unknown = { $kind } не является типом события.
err-webhook-events-required = Укажите типы событий, которые нужно получать, или ["*"], чтобы получать все.
err-webhook-no-tls = В этой сборке Pocketpay нет TLS-клиента, поэтому она не может отправлять на адреса https://: соберите её с --features tls.
err-webhook-too-many = Можно создать не больше { $max ->
        [one] { $max } эндпоинта вебхуков
        [few] { $max } эндпоинтов вебхуков
       *[many] { $max } эндпоинтов вебхуков
    }.
err-webhook-status = status принимает значения "enabled" или "disabled".
err-webhook-endpoint-disabled = Включите эндпоинт, прежде чем отправлять на него события повторно.
err-webhook-url-invalid = Некорректный URL.
err-webhook-url-https = Используйте URL, начинающийся с https://.
err-webhook-url-http-or-https = Используйте URL, начинающийся с http:// или https://.
err-webhook-url-no-host = В URL не указан хост.
err-webhook-url-credentials = URL не может содержать имя пользователя или пароль.
err-webhook-url-too-long = URL длиннее 2048 символов.
err-webhook-url-unresolved = Не удаётся найти адрес по имени хоста.
err-webhook-url-private = URL ведёт на частный, loopback- или link-local-адрес; вебхуки отправляются только на публичные адреса.
err-webhook-url-private-test = URL ведёт на частный или link-local-адрес; в тестовом режиме разрешены публичные и loopback-адреса.

## API-ключи (routes/api_keys.rs)

err-key-limit = У магазина может быть не больше { $max ->
        [one] { $max } действующего ключа
        [few] { $max } действующих ключей
       *[many] { $max } действующих ключей
    }: сначала отзовите ключ, которым больше не пользуетесь.
err-key-grace-hours = Старый ключ может продолжать работать от 0 до { $max ->
        [one] { $max } часа
        [few] { $max } часов
       *[many] { $max } часов
    }.
err-key-inactive = Этот ключ больше не работает: создайте новый.
err-key-rolled = Этот ключ уже перевыпущен и перестанет работать раньше; создайте новый.
err-key-already-inactive = Этот ключ и так уже не работает.

## Метаданные (routes/metadata.rs)

err-metadata-object = metadata — это объект из ключей и текстовых значений.
err-metadata-value-text = Значение в metadata должно быть текстом (число заключите в кавычки).
err-metadata-too-many-keys = В metadata может быть не больше { $max ->
        [one] { $max } ключа
        [few] { $max } ключей
       *[many] { $max } ключей
    }.
err-metadata-bad-key = Ключ metadata должен содержать от 1 до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }, без скобок и управляющих символов.
err-metadata-bad-value = Значение в metadata должно быть текстом не длиннее { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }, без управляющих символов.

## Тестовый режим и «сырой» реестр (routes/system.rs)

err-system-currency = Мы не принимаем эту валюту.
err-system-insufficient-funds = На счёте списания недостаточно средств.
err-system-transfer-exists = Этот id уже занят другим переводом.
err-system-ledger-invalid-id = id перевода должен быть положительным (для истечения холдов реестр использует отрицательный id холда)
err-system-ledger-amount-not-positive = сумма должна быть положительной
err-system-ledger-same-account = счета списания и зачисления совпадают
err-system-ledger-account-exists = счёт { $account } уже существует с другими полями
err-system-ledger-currency-mismatch = валюта перевода не совпадает с валютой его счетов
err-system-ledger-overflow = переполнение суммы
err-system-account-id = id счёта должен быть положительным.
err-system-account-taken = Этот id принадлежит счёту другого вида.
err-system-clock-advance = Значение advance_seconds должно быть от 0 до { $max }.
