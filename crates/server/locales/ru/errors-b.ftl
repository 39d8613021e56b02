# API error messages (part b): see src/i18n/mod.rs for which files use them

## Оплата (routes/shop/paying.rs, errors.rs, payment_method.rs)

err-pay-part-of-checkout = Этот заказ входит в оформление { $checkout }: оплатите оформление целиком — так будут оплачены сразу все его заказы.
err-pay-fx-card-only = Платёж в другой валюте можно оплатить только картой.
err-pay-total-not-positive = Сумма заказа должна быть больше нуля.
err-pay-pocket-not-positive = Сумма из Pocket должна быть больше нуля.
err-pay-pocket-above-total = Сумма из Pocket не может превышать сумму заказа.
err-pay-pocket-covers-all = Сумма из Pocket покрывает весь заказ: выберите Pocket в качестве способа оплаты.
err-pay-pocket-must-cover-all = Оплата через Pocket покрывает весь заказ: не указывайте сумму из Pocket или доплатите остаток картой.
err-pay-checkout-changed = Сумма к оплате по этому оформлению изменилась (один из заказов отменён): проверьте его ещё раз и оплатите.
err-pay-no-quote = Такой котировки нет.
err-pay-quote-mismatch = Эта котировка выдана для другой суммы или валюты: запросите котировку для этого заказа.
err-pay-fx-expired = Срок действия зафиксированного курса обмена истёк. Деньги не списаны.
err-pay-fx-expired-advice = Запросите новую котировку и оплатите снова.
err-pay-attempt-in-progress = Попытка оплаты этого заказа уже выполняется; дождитесь её результата.
err-pay-attempt-closed = Эта попытка оплаты уже закрыта.
err-pay-channel = channel может быть только "sms" или "email".
err-pay-no-phone = В вашем аккаунте не указан номер телефона, поэтому мы можем отправить код только по электронной почте.
err-pay-no-phone-advice = Выберите электронную почту или добавьте в аккаунт номер телефона, чтобы получать коды по SMS.
err-pay-not-awaiting-code = Этот платёж не ожидает кода.
err-pay-awaiting-document = Этот платёж ожидает документ, а не код.
err-pay-codes-used-up = Мы уже отправили все коды, положенные для этого платежа.
err-pay-codes-used-up-advice-last = Используйте последний отправленный код, пока он действует.
err-pay-codes-used-up-advice-new = Чтобы получить новый код, оплатите заново или выберите другой способ оплаты.
err-pay-resend-wait = Подождите минуту, прежде чем запрашивать новый код.
err-pay-order-not-awaiting = Этот заказ не ожидает оплаты.
err-pay-settling-advice = Повторите через минуту: результат платежа сейчас уточняется с банком.
err-pay-method-type = payment_method.type может быть только "card" или "pocket".
err-pay-save-new-card-only = save применяется только к новой карте.
err-pay-card-or-new-card = Укажите либо card, либо new_card, но не оба сразу.

## Проверка документа (routes/shop/reviewing.rs)

err-review-already-submitted = Документ для этого платежа уже загружен и сейчас проверяется.
err-review-no-document = В этой проверке пока нет документа.
err-review-already-decided = По этой проверке уже принято решение.
err-review-file-empty = Файл пустой.
err-review-file-too-large = Файл больше 5 МБ.
err-review-file-type = Загрузите фото в формате JPEG или PNG либо файл PDF.
err-review-file-advice = Загрузите фото (JPEG или PNG) или PDF вашего удостоверения личности размером не более 5 МБ.
err-review-multipart = Отправьте документ как multipart/form-data в поле с именем file.
err-review-upload-unreadable = Не удалось прочитать загруженный файл: отправьте его ещё раз.
err-review-one-file = Отправьте один файл.
err-review-not-awaiting-document = Этот платёж не ожидает документа.
err-review-document-deleted = Этот документ удалён через 30 дней после решения по нему.
err-review-no-upload = Для этой проверки документ не загружали.
err-review-outcome = outcome может быть только "approve" или "reject".
err-review-note-too-long = Заметка — не более { $max } { $max ->
        [one] символа
        [few] символов
       *[many] символов
    }.
err-review-note-missing = Укажите, почему документ отклонён: покупатель получит это объяснение.

## Одноразовые коды и контрольные вопросы (routes/shop/verifying.rs)

err-verify-no-questions = Вы не настроили контрольные вопросы: используйте код, который мы вам отправили.
err-verify-answers-shape = Ответьте по одному разу на каждый из ваших контрольных вопросов ({ $count }), указав его id.
err-verify-code-shape = Код — это 6 цифр, которые мы вам отправили.
err-verify-code-or-answers = Отправьте либо код, либо ответы, но не то и другое сразу.
err-verify-not-awaiting-code = Этот платёж не ожидает кода.
err-verify-awaiting-document = Этот платёж ожидает документ, а не код.
err-verify-upload-id-advice = Чтобы завершить этот платёж, загрузите фото или скан вашего удостоверения личности — наша команда его проверит.
err-verify-card-again-advice = Введите данные карты ещё раз и оплатите.

## Карты и хранилище ключей (routes/cards.rs, payment_method.rs)

err-card-blocked-advice = Эта карта заблокирована после того, как платёж по ней был отмечен как несанкционированный. Оплатите другой картой или балансом Pocket.
err-card-blocked-advice-support = Если карта снова в безопасности, попросите поддержку разблокировать её.
err-card-holder-name = Введите имя, указанное на карте, в одну строку (не более 100 символов).
err-card-text-too-long = { $param }: не более { $max } { $max ->
        [one] печатного символа
        [few] печатных символов
       *[many] печатных символов
    }.
err-card-country = Введите двухбуквенный код страны, например US.
err-card-too-many = Можно хранить не более { $max } { $max ->
        [one] карты
        [few] карт
       *[many] карт
    }. Удалите карту, которой больше не пользуетесь.
err-card-key-in-use = { $count } { $count ->
        [one] карта всё ещё зашифрована
        [few] карты всё ещё зашифрованы
       *[many] карт всё ещё зашифрованы
    } ключом { $key }; сначала выполните ротацию ключей.
err-card-vault-missing-keys = Нет ключей хранилища: задайте POCKETPAY_VAULT_KEYS или создайте { $path } с правами 0600 и строками `fingerprint <64 hex>`, `key 1 <64 hex>` и `active 1` (`openssl rand -hex 32` создаёт один ключ); в боевом режиме ключи никогда не создаются сами.
err-card-vault-insecure-file = Файл ключей хранилища { $path } доступен для чтения группе или другим пользователям (права { $mode }): выполните `chmod 600 { $path }`.
err-card-vault-invalid-ring = Неверный набор ключей хранилища в { $origin }: { $reason }
err-card-vault-keys-from-environment = Ключи хранилища заданы в переменной окружения, поэтому хранилище не может их ротировать: вместо этого измените POCKETPAY_VAULT_KEYS (добавьте строку `key` и перезапустите сервер, затем укажите этот ключ в `active` и перезапустите снова).
err-card-vault-file-changed = Файл ключей хранилища { $path } изменился после того, как этот процесс его прочитал: откройте хранилище заново и повторите попытку.
err-card-vault-unknown-key = Ключа хранилища с id { $key } нет.
err-card-vault-active-key = Ключ хранилища { $key } — активный, его нельзя удалить: сначала выполните ротацию ключей.
err-card-vault-ring-full = Набор ключей хранилища заполнен (не более { $max } { $max ->
        [one] ключа
        [few] ключей
       *[many] ключей
    }, id не больше 4294967295): сначала удалите выведенные из работы ключи.
err-card-vault-invalid-number = Номер карты для шифрования должен состоять из 12–19 цифр (0–9) без пробелов.
err-card-vault-decrypt = Не удалось расшифровать зашифрованный номер карты (данные изменены или указан неверный id ключа).
err-card-vault-encrypt = Не удалось зашифровать номер карты.
err-card-vault-random = Произошёл сбой генератора случайных чисел операционной системы.
err-card-vault-io = Ошибка работы с файлом ключей ({ $action } { $path }): { $source }

## Удержания в Pocket (pocket.rs)

err-pocket-amount-not-positive = Сумма должна быть положительной.
err-pocket-hold-closed = Это удержание уже в состоянии { $state }.
err-pocket-nothing-captured = По этому удержанию ничего не списано.
err-pocket-refund-exceeds = Возврат превышает оставшуюся часть списанной суммы.

## Подарочные карты (routes/gift_cards/*.rs)

err-gift-coupon = Купоны и скидки нельзя использовать при покупке подарочных карт.
err-gift-currency = Подарочные карты нельзя купить в валюте { $currency }; они продаются в { $supported }.
err-gift-no-items = Выберите хотя бы одну подарочную карту.
err-gift-quantity = Количество каждой подарочной карты должно быть не меньше 1.
err-gift-denomination = Подарочные карты выпускаются номиналом { $amount } { $currency }.
err-gift-denominations = Подарочные карты выпускаются номиналами { $first } и { $last } { $currency }.
err-gift-load-limit = За одну покупку можно приобрести подарочных карт не более чем на { $cap }; эта покупка — на { $total }.
err-gift-too-many-cards = В одной покупке может быть не более { $max } { $max ->
        [one] подарочной карты
        [few] подарочных карт
       *[many] подарочных карт
    }.
err-gift-usd-only = Подарочные карты продаются в USD.
err-gift-recipient-email = Введите адрес электронной почты получателя.
err-gift-message-too-long = Сообщение — не более { $max } { $max ->
        [one] символа
        [few] символов
       *[many] символов
    }.
err-gift-pocket-not-allowed = Подарочные карты нельзя купить на деньги из Pocket: оплатите картой.
err-gift-settling-advice = Повторите через минуту: результат покупки сейчас уточняется с банком.
err-gift-too-many-attempts = Слишком много попыток.
err-gift-too-many-attempts-advice = Подождите, прежде чем пробовать снова, или обратитесь в поддержку, если это были не вы.
err-gift-lookup-advice = Проверьте код символ за символом; в кодах никогда не бывает 0, O, 1, I и L.
err-gift-block-reason = Укажите причину: от 1 до { $max } { $max ->
        [one] символа
        [few] символов
       *[many] символов
    }.
err-gift-no-code = Эта подарочная карта при покупке была зачислена в Pocket покупателя; у неё нет кода, который можно заблокировать.
err-gift-wrong-state = Эта подарочная карта в состоянии { $state }; в состояние { $to } можно перевести только код в состоянии { $from }.
err-gift-not-refundable = Подарочные карты не подлежат возврату, а деньги из Pocket нельзя вывести.
err-gift-not-refundable-advice-spend = Потратьте баланс на любой заказ в маркетплейсе.
err-gift-not-refundable-advice-give = Подарите неиспользованный код кому-нибудь другому.
err-gift-unknown-currency = Неизвестная валюта.

## Контрольные вопросы (routes/security_questions.rs)

err-questions-shape = Задайте 2 или 3 вопроса; каждый вопрос и каждый ответ — не длиннее 200 символов.
err-questions-count = Задайте { $min } или { $max } { $max ->
        [one] контрольный вопрос
        [few] контрольных вопроса
       *[many] контрольных вопросов
    }.
err-questions-question-length = Вопрос должен содержать от { $min } до { $max } { $max ->
        [one] символа
        [few] символов
       *[many] символов
    }.
err-questions-repeated = Каждый вопрос можно использовать только один раз.
err-questions-answer-length = Ответ должен содержать от { $min } до { $max } { $max ->
        [one] символа
        [few] символов
       *[many] символов
    }, не считая пробелов в начале и в конце.
err-questions-answer-is-question = Ответ не должен повторять вопрос.
err-questions-same-answers = Дайте на каждый вопрос свой, отличный от других ответ.
err-questions-password = Пароль неверный.
err-questions-password-advice = Введите пароль, с которым вы входите в аккаунт.

## Сброс пароля (routes/password_resets.rs)

err-reset-too-many-requests = Слишком много запросов на сброс пароля.
err-reset-too-many-requests-advice = Подождите несколько минут и запросите снова.
err-reset-code-shape = Код — это 6 цифр из письма, которое мы отправили.
err-reset-code-incorrect = Код неверный.
err-reset-code-incorrect-advice = Проверьте последнее письмо от нас или запросите новый код.
err-reset-too-many-attempts = Слишком много попыток с этим кодом.
err-reset-too-many-attempts-advice = Запросите новый код и попробуйте снова.
err-reset-code-expired = Срок действия кода истёк.
err-reset-code-expired-advice = Запросите новый код.
err-reset-tries-left = Проверьте последнее письмо от нас; у вас { $count ->
        [one] осталась { $count } попытка
        [few] осталось { $count } попытки
       *[many] осталось { $count } попыток
    }.

## Аккаунты и вход (routes/accounts.rs)

err-account-email-taken = Аккаунт с этим адресом электронной почты уже существует. Войдите в него.
err-account-code-shape = Код — это 6 цифр из письма, которое мы отправили.
err-account-code-incorrect = Код неверный.
err-account-code-incorrect-advice = Проверьте последнее письмо от нас или запросите новый код.
err-account-too-many-attempts = Слишком много попыток.
err-account-too-many-attempts-advice = Запросите новый код и попробуйте снова.
err-account-code-expired = Срок действия кода истёк.
err-account-code-expired-advice = Запросите новый код.
err-account-tries-left = Проверьте последнее письмо от нас; у вас { $count ->
        [one] осталась { $count } попытка
        [few] осталось { $count } попытки
       *[many] осталось { $count } попыток
    }.
err-account-invalid-credentials = Неверный адрес электронной почты или пароль.
err-account-too-many-sign-ins = Слишком много неудачных попыток входа. Подождите, прежде чем пробовать снова.
err-account-too-many-sign-ins-advice = Подождите несколько минут и попробуйте снова.
err-account-too-many-sign-ins-advice-reset = Если вы забыли пароль, сбросьте его с помощью кода, который мы пришлём вам на почту.
err-account-email-not-verified = Сначала подтвердите адрес электронной почты.
err-account-email-not-verified-advice = Введите 6-значный код, который мы отправили вам на почту.
err-account-email-not-verified-advice-expired = Если срок действия кода истёк, запросите новый.
err-account-merchant-name = Название должно содержать от 1 до { $max } { $max ->
        [one] печатного символа
        [few] печатных символов
       *[many] печатных символов
    }.
err-account-currency = Мы не принимаем { $currency } в качестве валюты.
