# Pocketpay — русский. Сообщения API, страниц, писем и SMS.

## Числа и списки

tries-left = { $count ->
    [one] { $count } попытка
    [few] { $count } попытки
   *[many] { $count } попыток
}
list-or = { $first } или { $last }

## Даты

date-long = { $day } { $month } { $year } г.
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря

## Почему платёж не прошёл и что делать

decline-incorrect-number = Номер карты указан неверно.
    .advice = Сверьте номер с картой, цифру за цифрой.
decline-invalid-expiry = Срок действия указан неверно.
    .advice = Введите месяц и год, напечатанные на карте.
decline-expired-card = Срок действия вашей карты истёк.
    .advice = Оплатите другой картой или обновите срок действия, если банк прислал вам новую карту.
decline-incorrect-cvc = Код безопасности указан неверно.
    .advice = Введите 3 цифры с обратной стороны карты (4 цифры на лицевой стороне для American Express).
decline-brand-not-supported = Мы не принимаем карты этого типа.
    .advice = Оплатите картой { $brands } или балансом Pocket.
    .advice-pocket-only = Оплатите балансом Pocket.
decline-insufficient-funds = На вашей карте недостаточно средств.
    .advice = Оплатите балансом Pocket или другой картой; в сумму входят доставка и конвертация валюты.
    .advice-bank = Уточните в банке доступный остаток и ожидающие списания.
decline-card-velocity-exceeded = Достигнут лимит расходов по вашей карте.
    .advice = Оплатите другой картой или балансом Pocket либо попросите банк повысить лимит.
decline-transaction-not-allowed = Ваш банк отклонил эту покупку.
    .advice = Банк может блокировать покупки за рубежом или в интернете: позвоните по номеру на обороте карты, попросите разрешить покупку и попробуйте снова.
decline-incorrect-address = Адрес плательщика не совпадает с адресом в банке.
    .advice = Введите адрес точно так, как он записан в банке, или обновите адрес карты.
decline-incorrect-zip = Почтовый индекс плательщика не совпадает с индексом в банке.
    .advice = Введите индекс точно так, как он записан в банке, или обновите адрес карты.
decline-generic = Ваша карта отклонена.
    .advice = Оплатите другой картой или балансом Pocket либо уточните подробности в своём банке.
decline-processing-error = Нам не удалось связаться с вашим банком. Деньги не списаны.
    .advice = Подождите несколько минут и попробуйте снова; если ошибка повторится, выберите другой способ оплаты.
decline-verification-failed = Код неверный.
    .advice = Проверьте последнее сообщение от нас; у вас осталось: { $tries }.
    .advice-none-left = С этим кодом попыток больше нет: запросите новый код.
decline-verification-expired = Срок действия кода истёк.
    .advice = Запросите новый код.
decline-too-many-attempts = Слишком много попыток.
    .advice = Подождите, прежде чем пробовать снова, или обратитесь в поддержку, если это были не вы.
decline-insufficient-pocket-balance = Баланса Pocket не хватает для этого заказа.
    .advice = Доплатите картой или пополните баланс подарочной картой.

## Общие ошибки

error-missing = Не указан обязательный параметр: { $param }.
error-not-found = Такой объект не найден.
error-unauthenticated = Войдите в аккаунт или передайте действующий токен в заголовке Authorization как `Bearer <token>`.
error-internal = У нас что-то пошло не так. Ничего не изменено; попробуйте ещё раз.
error-unavailable = Сервис временно недоступен; повторите запрос чуть позже с тем же Idempotency-Key.
error-invalid-locale = Язык должен быть en, ru или es.
error-unknown-cursor = starting_after не указывает ни на один объект этого списка.
error-invalid-time-zone = Часовой пояс указывается по названию IANA, например Europe/Moscow или UTC.

## Письма и SMS

email-code-subject = Ваш код подтверждения Pocketpay
email-code-body = Ваш код Pocketpay: { $code }. Он действует 30 минут. Если вы не регистрировались, просто проигнорируйте это письмо.

## Правила аккаунта

error-email-invalid = Введите правильный адрес email.
error-password-too-short = { $count ->
    [one] Пароль должен быть не короче { $count } символа.
   *[other] Пароль должен быть не короче { $count } символов.
}
error-password-too-long = { $count ->
    [one] Пароль должен быть не длиннее { $count } символа.
   *[other] Пароль должен быть не длиннее { $count } символов.
}
error-phone-invalid = Введите номер телефона в международном формате, например +79161234567.
error-country-invalid = Введите двухбуквенный код страны ISO 3166, например RU.

## Общие сообщения по коду ошибки

code-parameter-invalid = Неверное значение { $param }: проверьте его и попробуйте снова.
code-parameter-unknown = Этот запрос не принимает { $param }.
code-request-malformed = Не удалось прочитать запрос.
code-amount-invalid = Сумма указана неверно.
code-currency-not-supported = Эта валюта не принимается.
code-out-of-stock = Этого товара недостаточно на складе.
    .advice = Уменьшите количество или загляните позже.
code-order-not-payable = Этот заказ сейчас нельзя оплатить.
code-order-not-paid = Этот заказ не оплачен.
code-order-not-cancelable = Этот заказ уже нельзя отменить.
code-order-already-shipped = Этот заказ уже отправлен.
code-email-taken = Аккаунт с этим email уже есть. Войдите в него.
code-invalid-credentials = Email или пароль указаны неверно.
    .advice = Проверьте их и попробуйте снова или сбросьте пароль.
code-email-not-verified = Сначала подтвердите email кодом, который мы прислали.
code-verification-failed =
    .advice = Проверьте последнее сообщение от нас или запросите новый код.
code-invalid-denomination = Подарочные карты бывают номиналом 10, 20, 50, 100 и 150 USD.
code-load-limit-exceeded = Одна покупка подарочных карт — не больше чем на 700 USD.
code-coupon-not-allowed = К подарочным картам нельзя применять купоны.
code-gift-card-invalid = Код подарочной карты недействителен или уже использован.
code-gift-card-not-refundable = Подарочные карты не возвращаются.
code-claim-window-closed = Срок для претензии по этому заказу прошёл.
code-protection-expired = Защита покупки по этому заказу закончилась.
code-claim-exists = По этому заказу уже есть претензия.
code-claim-not-open = Эта претензия уже закрыта.
code-already-reported = Об этом платеже уже сообщили.
code-payment-busy = Платёж обрабатывается. Подождите немного и попробуйте снова.
code-refund-exceeds-captured = Возврат больше списанной суммы.
code-fx-quote-expired = Курс обмена устарел. Запросите новый.
code-forbidden = У вас нет прав на это действие.
code-idempotency-error = Этот запрос повторяет предыдущий с другими данными, или предыдущий ещё выполняется.
code-document-too-large = Документ слишком большой.
code-document-type-unsupported = Такой тип документа не принимается. Пришлите PDF, JPEG или PNG.
code-document-already-submitted = Документ для этого платежа уже отправлен.
code-payment-not-awaiting-code = Этот платёж не ждёт кода.
code-payment-not-awaiting-document = Этот платёж не ждёт документа.

## Письма и SMS покупателям

message-payment-code-subject = Подтвердите платёж
message-payment-code-body = Pocketpay: код для подтверждения платежа на { $amount }: { $code }. Он действует 10 минут. Никому его не сообщайте.
message-reset-code-subject = Сброс пароля Pocketpay
message-reset-code-body = Ваш код Pocketpay для сброса пароля: { $code }. Он действует 30 минут. Если вы его не запрашивали, проигнорируйте это письмо: пароль останется прежним.
message-password-changed-subject = Пароль Pocketpay изменён
message-password-changed-body = Ваш пароль Pocketpay только что изменён с помощью кода, отправленного на этот адрес, и все устройства вышли из аккаунта. Если это были не вы, сразу сбросьте пароль ещё раз и обратитесь в поддержку.
message-gift-subject = Вам подарили подарочную карту Pocketpay
message-gift-intro = Вы получили подарочную карту Pocketpay.
message-gift-redeem = Активируйте каждый код в своём Pocket (Мой Pocket → Активировать код). Коды действуют до окончания срока — три года с момента покупки.
message-gift-note = Сообщение от отправителя:

## Контрольные вопросы вместо кода

error-answers-incorrect = Один или несколько ответов неверны.
    .advice = Проверьте ответы (регистр, пробелы и ударения не важны); у вас осталось: { tries-left }.
    .advice-none-left = Попыток больше нет: запросите новый код или оплатите другим способом.

## Претензии и возмещения — покупателю и продавцу

message-claim-opened-subject = Открыта претензия
message-claim-opened-body = По заказу { $order } открыта претензия. Продавец ответит в течение 3 дней.
message-claim-for-buyer-subject = Претензия решена в пользу покупателя
message-claim-for-buyer-body = Претензия { $claim } решена в пользу покупателя; возврат уже в пути.
message-claim-redecide-subject = По претензии нужно новое решение
message-claim-redecide-body = Не удалось выполнить возврат по претензии { $claim } ({ $code }). Наша команда примет решение заново.
message-claim-rejected-subject = Продавец отклонил претензию
message-claim-rejected-body = Продавец отклонил претензию { $claim }. Покупатель может попросить нас принять решение.
message-claim-escalated-subject = Претензия на рассмотрении
message-claim-escalated-body = Претензию { $claim } теперь рассматривает наша команда; решение примет она.
message-claim-for-seller-subject = Претензия решена в пользу продавца
message-claim-for-seller-body = Претензия { $claim } решена в пользу продавца.
message-reimbursed-subject = Мы возместили несанкционированный платёж
message-reimbursed-body = { $amount } вернулись на ваш Pocket. Использованная карта заблокирована, другие сеансы завершены. Наша команда разберётся в случившемся.

## Заказы, возвраты, обращения и контрольные вопросы — покупателю

message-shipped-subject = Ваш заказ отправлен
message-shipped-body = Заказ { $order } уже в пути.
message-canceled-subject = Ваш заказ отменён
message-canceled-body = Заказ { $order } отменён.
message-canceled-reason = Причина: { $reason }.
message-canceled-not-charged = Деньги с вас не списаны.
message-canceled-order-again = Деньги с вас не списаны; вы можете заказать снова и оплатить другой картой или балансом Pocket.
message-refund-subject = Ваш возврат
message-refund-pocket = { $amount } за заказ { $order } вернулись на ваш Pocket.
message-refund-card = { $amount } за заказ { $order } возвращаются на вашу карту.
message-refund-rerouted-subject = Возврат зачислен на ваш Pocket
message-refund-rerouted = Нам не удалось вернуть { $amount } за заказ { $order } на карту, поэтому деньги зачислены на ваш Pocket и их можно тратить. Срок их действия не ограничен.
message-ticket-answered-subject = Поддержка ответила на ваше обращение
message-ticket-answered-body = В обращении «{ $subject }» есть ответ поддержки.
message-questions-subject = Ваши контрольные вопросы изменены
message-questions-changed-body = Ваши контрольные вопросы в Pocketpay изменены. Если это были не вы, сразу смените пароль и обратитесь в поддержку.
message-questions-set-body = Вы настроили контрольные вопросы в Pocketpay. Когда платёж требует проверки, вы можете ответить на них вместо ввода кода. Если это были не вы, сразу смените пароль и обратитесь в поддержку.

## Проверка документов — покупателю

message-paid-for-order = заказ { $order }
message-paid-for-orders = заказы { $orders } и { $last }
message-paid-for-your-order = ваш заказ
message-document-accepted-subject = Ваш документ принят
message-document-accepted-body = Мы проверили ваш документ: платёж на { $amount } за { $what } завершается.
message-document-rejected-subject = Мы не смогли принять ваш документ
message-document-rejected-body = Нам не удалось подтвердить вашу личность для платежа на { $amount } за { $what }: { $note }. Деньги не списаны. Вы можете оплатить снова с другим документом, оплатить балансом Pocket или другой картой либо обратиться в поддержку.
message-review-expired-subject = Срок проверки платежа истёк
message-review-expired-body = Проверка вашего платежа на { $amount } не завершилась вовремя. Деньги не списаны: вы можете оплатить снова.
error-document-rejected = Нам не удалось подтвердить вашу личность по документу: { $note }
    .advice = Оплатите снова и загрузите чёткое фото или скан действующего удостоверения личности.
    .advice-other-way = Или оплатите балансом Pocket либо другой картой, или обратитесь в поддержку.
error-review-expired = Проверка документа не завершилась вовремя.
    .advice = Оплатите снова; деньги не списаны.

## Лимиты расходов, проверка банком, коды подарочных карт

error-daily-limit-reached = Вы достигли дневного лимита расходов { $limit }.
error-daily-limit-exceeded = Этот платёж превышает ваш дневной лимит расходов { $limit }; сегодня можно потратить ещё { $remaining }.
error-monthly-limit-reached = Вы достигли месячного лимита расходов { $limit }.
error-monthly-limit-exceeded = Этот платёж превышает ваш месячный лимит расходов { $limit }; в этом месяце можно потратить ещё { $remaining }.
error-limit =
    .advice = Оплатите меньшую сумму или дождитесь обновления лимита.
    .advice-support = Обратитесь в поддержку, если вам нужен лимит побольше.
error-authentication-required = Ваш банк требует одноразовый код для этой карты.
    .advice = Оплатите другой картой или балансом Pocket.
error-gift-code-invalid = Этот код недействителен: возможно, он введён с ошибкой, уже использован или истёк.
    .advice = Сверьте код с письмом, символ за символом; в кодах не бывает 0, O, 1, I и L.

## Выплаты и вебхуки — продавцу

message-payout-failed-subject = Выплата не дошла до вашего банка
message-payout-failed-body = Выплата { $payout } на { $amount } не дошла до вашего банковского счёта:
message-payout-money-back = Деньги вернулись на ваш доступный баланс.
message-payout-canceled = Выплата отменена.
message-bank-account-closed = Банковский счёт закрыт. Добавьте другой банковский счёт.
message-bank-no-account = В банке нет счёта с таким номером. Проверьте номер или добавьте другой банковский счёт.
message-bank-unsupported-currency = Банк не принял валюту выплаты. Добавьте банковский счёт, который принимает эту валюту.
message-bank-account-frozen = Банковский счёт заморожен. Обратитесь в банк или добавьте другой банковский счёт.
message-bank-refused = Банк отклонил её.
message-bank-refused-payout = Банк отклонил выплату.
message-endpoint-disabled-subject = Ваш вебхук отключён
message-endpoint-disabled-operators-subject = Вебхук отключён
message-endpoint-disabled-body = Ваш эндпоинт вебхуков { $endpoint } ({ $url }) не принимал события 3 дня, поэтому мы его отключили. Исправьте его и включите снова; пропущенные события можно отправить повторно из его журнала.
