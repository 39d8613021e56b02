# Buyer shopping pages (web/buyer/shop.rs, cart.rs, checkout.rs, card_form.rs, orders.rs)

## Магазин и товар

shop-title = Магазин
shop-empty = Пока ничего не продаётся. Продавцы добавляют товары на странице «Продавать».
shop-sold-out = Нет в наличии
shop-only-left = Осталось всего { $count } шт.
shop-sold-by = Продавец: { $seller }
shop-buy = Купить
shop-add-to-cart = Добавить в корзину
shop-product = Товар
shop-quantity = Количество
shop-quantity-invalid = Укажите, сколько штук вам нужно, целым числом от 1.
shop-shipping-address = Адрес доставки
shop-continue-to-payment = Перейти к оплате
shop-cart-quantity-label = Сколько добавить в корзину
shop-cart-hint = Покупайте у нескольких продавцов и платите один раз.

## Корзина

shop-cart-title = Корзина
shop-cart-empty = Ваша корзина пуста.
# $shop — ссылка с текстом shop-cart-empty-browse-link.
shop-cart-empty-browse = { $shop } и добавляйте товары любых продавцов: вы оплатите их все одним платежом.
shop-cart-empty-browse-link = Загляните в магазин
shop-cart-quantity-of = Количество: { $name }
shop-cart-update = Обновить
shop-cart-remove = Удалить
shop-cart-from-seller = Продавец: { $seller }
shop-cart-seller-note = Продавец { $seller } отправляет эти товары и списывает за них оплату отдельно.
shop-cart-mixed-currencies = Цены этих товаров указаны в разных валютах: один заказ оплачивается в одной валюте, поэтому удалите остальные товары и купите их отдельно.
shop-cart-total = Итого: { $total } от { $count ->
    [one] { $count } продавца
    [few] { $count } продавцов
   *[many] { $count } продавцов
}, одним платежом.
shop-cart-check-out = Оформить заказ

## Столбцы таблиц

shop-col-product = Товар
shop-col-price = Цена
shop-col-total = Сумма
shop-col-order = Заказ
shop-col-seller = Продавец
shop-col-amount = Сумма
shop-col-status = Статус
shop-col-item = Товар
shop-col-qty = Кол-во
shop-col-date = Дата
shop-col-refund = Возврат
shop-col-refund-to = Куда

## Заказы из корзины после оформления

shop-summary-title = Заказы из вашей корзины
shop-summary-intro = Один платёж на { $total } за { $count ->
    [one] { $count } заказ
    [few] { $count } заказа
   *[many] { $count } заказов
}, по одному на каждого продавца. Каждый продавец сам отправляет свой заказ и получает за него оплату.
shop-summary-payment = Оплата: { $status }
shop-pay-amount = Оплатить { $amount }

## Оплата

shop-checkout-title = Оплата заказа
shop-order-number = Заказ { $number }
shop-order-from-seller = от продавца { $seller }
shop-pay-cart-heading = Ваша корзина: { $count ->
    [one] { $count } заказ
    [few] { $count } заказа
   *[many] { $count } заказов
}, один платёж
shop-pay-total = Итого: { $total }
shop-ships-to = Доставка по адресу: { $address }
shop-pay-authorize-note = При оплате сумма только блокируется; деньги спишутся, когда продавец отправит заказ.
shop-pay-with = Способ оплаты
shop-method-pocket = Мой Pocket
shop-method-pocket-available = (доступно { $amount })
shop-method-card-expires = действует до { $expiry }
shop-method-card-expires-default = действует до { $expiry }, основная
shop-method-new-card = Другая карта
shop-new-card-hint = Заполните, если выбрали «Другая карта».
shop-split-legend = Pocket и карта
shop-split-label = Оплатить эту сумму из Pocket, остальное картой (необязательно)
shop-split-hint = У вас доступно { $amount }. Остаток оплатите картой, выбранной выше; оставьте поле пустым, чтобы платить одним способом.
shop-fx-legend = Валюта
shop-fx-pay-in = Оплатить в { $currency }
shop-fx-rate = { $from } = { $to } по курсу 1 { $currency } = { $rate } { $my_currency }. Курс зафиксирован до { $until }. Только для оплаты картой.
shop-back-to-order = Вернуться к заказу
shop-back-to-cart-orders = Вернуться к заказам из корзины
shop-billing-same-as-shipping = совпадает с адресом доставки
shop-save-card = Сохранить карту для следующих покупок
shop-choose-method = Выберите способ оплаты.
shop-amount-invalid = Введите сумму в { $currency }, например 20.00.

## Одноразовый код

shop-verify-title = Введите код
shop-verify-why-bank = Ваш банк запрашивает одноразовый код для этого платежа
shop-verify-why-safety = Чтобы защитить ваш аккаунт, мы проверяем, что этот платёж совершаете вы ({ $reasons })
shop-step-up-new-card = картой здесь ещё не платили
shop-step-up-large-amount = крупная сумма
shop-step-up-foreign-card = карта выпущена не в вашей стране
shop-step-up-velocity = несколько платежей за короткое время
shop-step-up-issuer-demand = ваш банк тоже запросил проверку
shop-verify-intro = { $why }: платёж на { $amount }.
# $channel — код канала: email или sms.
shop-verify-sent = { $channel ->
    [sms] Мы отправили 6-значный код в SMS на номер { $sent_to }.
   *[other] Мы отправили 6-значный код на почту { $sent_to }.
} Код действует до { $expires }. Осталось попыток: { $left }.
shop-verify-code = Код
shop-verify-confirm = Подтвердить платёж
shop-verify-send-by = Куда отправить код
shop-channel-email = Электронная почта
shop-channel-sms = SMS
shop-verify-resend = Отправить новый код

## Карта, введённая в форму

shop-card-number = Номер карты
shop-card-exp-month = Месяц окончания срока (ММ)
shop-card-exp-year = Год окончания срока (ГГГГ)
shop-card-cvc = Код безопасности (CVC)
shop-card-cvc-hint = 3 или 4 цифры на карте.
shop-card-holder-name = Имя на карте
shop-card-exp-month-invalid = Введите месяц окончания срока числом от 1 до 12.
shop-card-exp-year-invalid = Введите год окончания срока четырьмя цифрами.
shop-billing-address = Платёжный адрес
# $label — какой это адрес, например shop-billing-same-as-shipping.
shop-billing-address-is = Платёжный адрес: { $label }: { $address }
shop-billing-use-other = Указать другой адрес
shop-billing-bill-below = Использовать адрес ниже как платёжный

## Мои заказы и заказ

shop-orders-title = Мои заказы
# $shop — ссылка с текстом shop-orders-empty-link.
shop-orders-empty = Заказов пока нет. { $shop }.
shop-orders-empty-link = Перейти в магазин
shop-orders-cart-group = Один платёж, заказы { $count ->
    [one] { $count } продавца
    [few] { $count } продавцов
   *[many] { $count } продавцов
}
shop-facts-status = Статус
shop-facts-total = Сумма
shop-facts-ordered = Дата заказа
shop-facts-ships-to = Адрес доставки
shop-facts-tracking = Отслеживание
shop-facts-payment = Оплата
shop-facts-captured = Списано
shop-facts-refunded = Возвращено
shop-facts-paid-pocket = Pocket { $amount }
shop-facts-paid-as = оплачено как { $amount } по курсу { $rate }
shop-items = Товары
shop-refunds = Возвраты
shop-refund-expected-by = (ожидается до { $date })
shop-claim = Претензия
shop-claim-seller-message = Продавец: { $message }
# $outcome — в чью пользу решена претензия: buyer или seller.
shop-claim-decided = Решено в пользу { $outcome ->
    [buyer] покупателя
    [seller] продавца
   *[other] { $outcome }
}
shop-claim-decided-refund = Решено в пользу { $outcome ->
    [buyer] покупателя
    [seller] продавца
   *[other] { $outcome }
}, возврат { $amount }
shop-claim-escalate = Попросить Pocketpay принять решение
shop-order-pay-cart = Оплатить корзину
shop-order-pay = Оплатить
shop-order-cancel = Отменить заказ
shop-order-cancel-reason = Почему вы отменяете заказ?
shop-order-received = Заказ получен
shop-claim-open-summary = Открыть претензию
shop-claim-open = Открыть претензию
shop-claim-reason = Что пошло не так?
shop-claim-reason-not-received = Заказ не получен
shop-claim-reason-not-as-described = Товар не соответствует описанию
shop-claim-reason-damaged = Товар пришёл повреждённым
shop-claim-reason-other = Другое
shop-claim-amount = Сумма претензии ({ $currency })
shop-claim-description = Опишите проблему
shop-unauthorized-summary = Я не совершал этот платёж
shop-unauthorized-explain = Мы сразу вернём всю сумму платежа в ваш Pocket и заблокируем использованную карту.
shop-unauthorized-report = Сообщить о несанкционированном платеже
shop-unauthorized-description = Что произошло?
shop-order-ask-support = Спросить поддержку об этом заказе
