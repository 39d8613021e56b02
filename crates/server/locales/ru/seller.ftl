# Seller pages (web/seller.rs, seller_money.rs, webhooks.rs, api_keys.rs)

## Главная продавца

seller-home-title = Ваш магазин: { $name }
seller-home-todo = Что нужно сделать
seller-home-nothing-to-ship = Нет заказов, ожидающих отправки.
seller-home-orders-to-ship = Заказы к отправке: { $count }
seller-home-all-to-ship = Все заказы к отправке
seller-home-no-claims = Нет претензий, ожидающих вашего ответа.
seller-home-claims-to-answer = Претензии, ожидающие ответа: { $count }
seller-home-claimed = Претензия на { $amount }
seller-home-claim-answer-by = { $claim }, ответьте до { $time }
seller-home-balance = Баланс
seller-home-pending = Доступно к выводу; ещё { $pending } ожидает, пока не истечёт срок, в который покупатели могут подать претензию.
seller-count-or-more = { $count } или больше

## Начало продаж

seller-start-title = Начать продавать
seller-start-intro = Продавайте на маркетплейсе: деньги поступают вам после отправки заказа, за вычетом возвратов.
seller-start-shop-name = Название магазина
seller-country-label = Страна (две буквы)
seller-start-currency = Валюта продаж
seller-start-button = Начать продавать
seller-opened-title = Ваш магазин открыт
seller-opened-add-products = Ваш магазин открыт. Добавьте товары на странице «{ $products }».
seller-opened-products-link = Товары
seller-opened-secret-key = Это секретный API-ключ для ваших собственных систем. Он показывается только один раз; сохраните его в надёжном месте:
seller-opened-go-to-shop = Перейти в мой магазин

## Товары

seller-products-title = Товары
seller-products-empty = Товаров пока нет.
seller-products-product = Товар
seller-products-price = Цена
seller-products-stock = Остаток
seller-products-no-limit = без ограничений
seller-products-new = Новый товар
seller-products-name = Название
seller-products-description = Описание (необязательно)
seller-products-price-in = Цена ({ $currency })
seller-products-price-hint = Например, 24.99.
seller-products-stock-optional = Остаток (необязательно)
seller-products-stock-hint = Оставьте пустым, если количество не ограничено.
seller-products-put-on-sale = Выставить на продажу
seller-products-price-invalid = Введите цену в { $currency }, например 24.99.
seller-products-stock-invalid = Введите остаток целым числом или оставьте поле пустым.

## Заказы

seller-orders-title = Заказы
seller-orders-empty = Заказов пока нет.
seller-orders-empty-here = Здесь заказов нет.
seller-tabs-filter = Фильтр
seller-tab-all-orders = Все
seller-tab-to-ship = К отправке
seller-tab-shipped = Отправлены
seller-tab-delivered = Доставлены
seller-tab-completed = Завершены
seller-tab-awaiting-payment = Ожидают оплаты
seller-tab-canceled = Отменены
seller-tab-all-claims = Все
seller-tab-to-answer = Ждут ответа
seller-tab-under-review = У Pocketpay
seller-order-title = Заказ { $number }
seller-order-ship = Отправка
seller-order-carrier = Служба доставки
seller-order-tracking-number = Трек-номер
seller-order-mark-shipped = Отметить как отправленный
seller-order-why-cancel = Почему вы отменяете заказ?
seller-order-cancel = Отменить заказ
seller-order-mark-delivered = Отметить как доставленный
seller-refund-heading = Возврат
seller-amount-in = Сумма ({ $currency })
seller-refund-hint = Ещё можно вернуть до { $amount }.
seller-refund-reason = Причина
seller-refund-to = Куда вернуть
seller-refund-to-original = Тем же способом, которым платил покупатель (на Pocket сразу, на карту за несколько дней)
seller-refund-to-pocket = На Pocket покупателя, сразу
seller-refund-button = Вернуть деньги
seller-refund-amount-invalid = Введите сумму в { $currency }, например 10.00.

## Претензии

seller-claims-title = Претензии
seller-claims-empty = Претензий нет.
seller-claims-the-order = Заказ
seller-claims-answer-by = Ответьте до { $time }.
seller-claims-your-answer = Ваш ответ
seller-claims-choose = Выберите ответ
seller-claims-accept = Принять: сразу вернуть деньги покупателю
seller-claims-reject = Отклонить
seller-claims-message = Сообщение покупателю
seller-claims-send = Отправить ответ

## Баланс и выплаты

seller-balance-title = Баланс и выплаты
seller-balance-heading = Баланс
seller-balance-available = Доступно к выводу
seller-balance-pending = В ожидании
seller-balance-reserved = Зарезервировано под открытые претензии
seller-balance-note = Деньги за продажу за вычетом комиссии платформы становятся вашими, когда покупатель подтверждает получение, или через 20 дней после доставки (но не позднее чем через 90 дней после оплаты). До этого они в ожидании.
seller-payouts-paused = Платформа приостановила ваши выплаты. Обратитесь в поддержку.
seller-pay-out-now = Вывести сейчас
seller-pay-out-hint = Доступно до { $amount }. Деньги поступят на ваш основной банковский счёт.
seller-pay-out-button = Вывести
seller-pay-out-amount-invalid = Введите сумму в { $currency }, например 120.50.
seller-payouts-heading = Выплаты
seller-payouts-empty = Выплат пока не было.
seller-payouts-created = Создана
seller-column-amount = Сумма
seller-column-status = Статус
seller-payouts-arrives = Поступит
seller-payouts-bank-account = Банковский счёт
seller-payouts-account-ending = счёт с окончанием { $last4 }
seller-payouts-removed-account = удалённый счёт
seller-transactions-heading = Операции
seller-transactions-download = Скачать все операции (CSV)
seller-transactions-empty = Операций пока нет. Продажи появляются здесь, когда вы отправляете заказы.
seller-transactions-date = Дата
seller-transactions-what = Операция
seller-transactions-fee = Комиссия
seller-transactions-net = Итого
seller-report-failed-title = Попробуйте ещё раз
seller-report-failed = Сейчас не удалось сформировать отчёт. Попробуйте ещё раз чуть позже.

## Банковские счета

seller-accounts-heading = Банковские счета
seller-accounts-empty = Добавьте банковский счёт, чтобы получать выплаты.
seller-accounts-iban-ending = IBAN с окончанием { $last4 }
seller-accounts-us-ending = Счёт в США с окончанием { $last4 }
seller-accounts-default = основной для выплат
seller-accounts-make-default = Сделать основным
seller-accounts-remove = Удалить
seller-accounts-add-heading = Добавить банковский счёт
seller-accounts-holder = Владелец счёта
seller-accounts-currency = Валюта
seller-accounts-number = Номер счёта (США)
seller-accounts-routing = Маршрутный номер ABA (США)
seller-accounts-iban = IBAN (вместо счёта в США)
seller-accounts-add-button = Добавить счёт

## График выплат

seller-schedule-heading = График выплат
seller-schedule-interval = Выплачивать
seller-schedule-daily = Каждый день
seller-schedule-weekly = Каждую неделю
seller-schedule-manual = Только по моему запросу
seller-schedule-anchor = День недели (для еженедельных выплат)
seller-day-monday = Понедельник
seller-day-tuesday = Вторник
seller-day-wednesday = Среда
seller-day-thursday = Четверг
seller-day-friday = Пятница
seller-day-saturday = Суббота
seller-day-sunday = Воскресенье
seller-schedule-minimum = Минимальная выплата ({ $currency })
seller-schedule-minimum-hint = Выплаты по графику ждут, пока доступной станет хотя бы эта сумма.
seller-schedule-save = Сохранить график
seller-schedule-minimum-invalid = Введите минимальную сумму в { $currency }, например 50.00.

## API-ключи

apikeys-title = API-ключи
apikeys-new-key-heading = Ваш новый ключ: { $name }
apikeys-new-key-copy = Скопируйте его в свои системы сейчас. Он показывается только один раз; Pocketpay хранит лишь его отпечаток.
apikeys-intro = Ваши системы обращаются к API с этими ключами. При перевыпуске создаётся новый ключ, а старый ещё какое-то время продолжает работать, чтобы вы могли перейти на новый без перебоев.
apikeys-column-name = Название
apikeys-column-key = Ключ
apikeys-column-status = Статус
apikeys-column-created = Создан
apikeys-column-last-used = Последнее использование
apikeys-column-actions = Действия
apikeys-works-until = действует до { $time }
apikeys-never = никогда
apikeys-grace-label = Старый ключ будет работать
apikeys-grace-none = Отключить старый ключ сразу
apikeys-grace-hours = { $count ->
    [one] { $count } час
    [few] { $count } часа
   *[many] { $count } часов
}
apikeys-grace-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
   *[many] { $count } дней
}
apikeys-roll = Перевыпустить
apikeys-revoke = Отозвать сейчас
apikeys-new-heading = Новый ключ
apikeys-name-label = Название (что его использует)
apikeys-name-hint = Например, «Складская система».
apikeys-make-key = Создать ключ

## Вебхуки

webhooks-title = Вебхуки
webhooks-title-operators = Вебхуки (операторы)
webhooks-intro = Pocketpay отправляет каждое событие на эти URL подписанным запросом { $method }; как проверить подпись, описано в README.
webhooks-empty = Эндпоинтов для вебхуков пока нет.
webhooks-url = URL
webhooks-events = События
webhooks-status = Статус
webhooks-events-all = все
webhooks-add-heading = Добавить эндпоинт
webhooks-url-hint = Например, https://example.com/pocketpay/webhooks.
webhooks-all-events = Все события
webhooks-only-these = Или только эти события
webhooks-add-button = Добавить эндпоинт
webhooks-choose-events = Выберите события, которые хотите получать, или все сразу.
webhooks-secret-title = Секрет для подписи вебхуков
webhooks-secret-intro = Эндпоинт добавлен. Это его секрет для подписи; он показывается только один раз, поэтому сразу сохраните его в своём обработчике:
webhooks-go-to-endpoint = Перейти к эндпоинту
webhooks-endpoint-title = Эндпоинт вебхуков
webhooks-enable = Включить
webhooks-disable = Отключить
webhooks-delete = Удалить
webhooks-deliveries = Доставки
webhooks-deliveries-empty = Пока ничего не отправлено.
webhooks-when = Когда
webhooks-event = Событие
webhooks-attempt = Попытка
webhooks-answer = Ответ
webhooks-answer-http = HTTP { $code } за { $ms } мс
webhooks-next-try = следующая попытка { $time }
webhooks-send-again = Отправить снова
