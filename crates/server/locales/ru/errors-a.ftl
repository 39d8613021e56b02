# API error messages (part a): see src/i18n/mod.rs for which files use them

## Claims and unauthorized-payment reports (routes/claims.rs)
err-claim-reason-invalid = reason может быть только not_received, not_as_described, damaged или other.
err-claim-amount-not-positive = Сумма должна быть больше нуля.
err-claim-not-shipped = Претензию можно открыть, когда заказ будет отправлен; до этого отмените заказ.
err-claim-order-cancelled = Этот заказ отменён.
err-claim-protection-expired = Защита покупателя заканчивается через 90 дней после оплаты.
err-claim-window-closed = Претензию можно открыть не позднее 20 дней после доставки.
# $from is a Unix time.
err-claim-parcel-in-transit = Срок доставки посылки ещё не истёк; сообщить о её пропаже можно начиная с { $from } (время Unix).
err-claim-exists = По этому заказу уже открыта претензия.
err-claim-being-decided = По этой претензии сейчас принимается решение.
err-claim-not-awaiting-decision = Эта претензия не ожидает такого решения.
err-claim-not-awaiting-seller = Эта претензия не ожидает ответа продавца.
err-claim-action-invalid = action может быть только "accept" или "reject".
err-claim-not-rejected = Передать на рассмотрение можно только претензию, которую отклонил продавец.
err-claim-refund-not-positive = Сумма возврата должна быть больше нуля.
err-claim-not-under-review = Оператор принимает решение только по претензиям на рассмотрении.
err-claim-outcome-invalid = outcome может быть только "buyer" или "seller".
err-claim-payment-not-captured = Деньги по этому платежу не списаны: отмените заказ, и списания не будет.
err-claim-payment-of-several-orders = Этим платежом оплачены заказы нескольких продавцов: сообщите о платеже, который указан в нужном заказе.
err-claim-payment-of-several-orders-advice = Откройте «Мои заказы», выберите заказ и сообщите о его платеже.
err-claim-already-reported = Об этом платеже уже сообщили, и деньги за него возмещены.

## Refunds (routes/refunds.rs)
err-refund-amount-not-positive = Сумма должна быть больше нуля.
err-refund-already-reimbursed = Этот платёж возмещён как несанкционированный: возвращать больше нечего.
# $left is an amount with its currency, such as "15.00 USD".
err-refund-exceeds-captured = По этому платежу можно вернуть не больше { $left }.
# $left is a number of the currency's minor units (cents).
err-refund-exceeds-captured-minor = По этому платежу можно вернуть не больше { $left } (в минимальных единицах валюты).
err-refund-forbidden = Возврат по заказу оформляет продавец или оператор.
err-refund-reason-invalid = { $max ->
    [one] Укажите причину длиной от 1 до { $max } печатного символа.
    [few] Укажите причину длиной от 1 до { $max } печатных символов.
   *[many] Укажите причину длиной от 1 до { $max } печатных символов.
}
err-refund-destination-invalid = destination может быть только "original" или "pocket".
err-refund-payment-busy = Платёж сейчас изменяется; попробуйте ещё раз чуть позже.

## Support tickets and the operators' search (routes/tickets.rs, routes/search.rs)
err-ticket-order-number-invalid = Это не номер заказа (номера выглядят так: PP-000000422).
err-search-query-invalid = Введите номер заказа (PP-…), идентификатор (ord_, pay_, clm_, chk_) или email.

## Orders: their steps, creation and cancelling (routes/shop/fulfilment.rs, routes/shop/orders.rs)
err-order-not-payable = Этот заказ нельзя оплатить: он уже оплачен или отменён.
err-order-not-paid = Этот заказ ещё не оплачен.
err-order-already-shipped = Этот заказ уже отправлен.
err-order-not-shipped = Этот заказ ещё не отправлен.
err-order-already-delivered = Этот заказ уже доставлен.
err-order-already-completed = Этот заказ уже завершён.
err-order-canceled = Этот заказ отменён.
err-order-not-cancelable = Этот заказ уже отменён.
err-order-no-payment = Этот заказ не оплачен.
err-order-payment-busy = Платёж сейчас изменяется; попробуйте ещё раз чуть позже.
err-order-authorization-expired = Срок авторизации карты истёк; покупатель должен оплатить заказ заново, прежде чем вы его отправите.
err-order-cancel-forbidden = Заказ отменяет покупатель или продавец.
err-order-changed-meanwhile = Заказ за это время изменился; откройте его ещё раз.
err-order-coupon-invalid = Этот купон недействителен.
err-order-items-count = { $max ->
    [one] В заказе может быть от 1 до { $max } товара.
    [few] В заказе может быть от 1 до { $max } товаров.
   *[many] В заказе может быть от 1 до { $max } товаров.
}
err-order-quantity-invalid = quantity должно быть от 1 до { $max }.
err-order-country-invalid = Введите двухбуквенный код страны, например RU.
err-order-product-repeated = Укажите каждый товар только один раз, вместе с количеством.
err-order-one-seller = Все товары одного заказа должны быть от одного продавца.
# $name is the product's name.
err-order-out-of-stock = Товара «{ $name }» осталось недостаточно.
err-order-total-too-large = Сумма заказа слишком велика.

## Products (routes/shop/products.rs)
# $param is the parameter's name, such as name or shipping_address.city.
err-product-text-too-long = { $max ->
    [one] { $param } должно быть не длиннее { $max } печатного символа.
    [few] { $param } должно быть не длиннее { $max } печатных символов.
   *[many] { $param } должно быть не длиннее { $max } печатных символов.
}
err-product-price-invalid = Цена должна быть положительной суммой в минимальных единицах валюты.
# $currency is a currency code, such as USD.
err-product-currency = Цены товаров указываются в валюте магазина, { $currency }.
err-product-stock-negative = stock не может быть отрицательным.

## Checkouts of several sellers (routes/shop/checkouts.rs)
# $currency and $others are currency codes, such as USD and EUR.
err-checkout-mixed-currencies = Цена этого товара указана в { $currency }, а остальных — в { $others }: одна покупка оплачивается в одной валюте.
err-checkout-mixed-currencies-advice = Оформите товары в каждой валюте отдельно.
err-checkout-total-too-large = Общая сумма покупки слишком велика.
err-checkout-nothing-due = В этой покупке ничего не ожидает оплаты.
err-checkout-order-not-awaiting-payment = Этот заказ не ожидает оплаты.

## Exchange rates and quotes (routes/shop/fx.rs)
err-fx-currency-unsupported = Мы не принимаем эту валюту.
err-fx-same-currency = Курс задаётся между двумя разными валютами.
err-fx-rate-invalid = Курс — это положительное десятичное число в виде строки, не более 12 знаков после точки, например "1.0845".
err-fx-amount-not-positive = Сумма должна быть больше нуля.
err-fx-no-rate = Мы пока не можем конвертировать эти валюты друг в друга.
# The money errors of a quote, as the domain writes them. $code is the code given, in quotes.
err-fx-unknown-currency = неизвестный или неподдерживаемый код валюты { $code }
err-fx-currency-mismatch = валюты не совпадают: { $left } и { $right }
err-fx-overflow = сумма вне допустимого диапазона
err-fx-invalid-amount = неверный формат суммы
err-fx-too-many-decimals = слишком много знаков после точки для { $currency } (не больше { $max })
err-fx-negative-amount = отрицательная сумма недопустима
err-fx-zero-amount = нулевая сумма недопустима
err-fx-invalid-weights = веса распределения не должны быть пустыми или все равными нулю
err-fx-invalid-rate = неверный курс обмена
