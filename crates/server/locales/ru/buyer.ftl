# Buyer pages: My Pocket, gift cards, the card manager, support tickets (web/buyer/pocket.rs, cards.rs, tickets.rs)

## Мой Pocket (web/buyer/pocket.rs)
pocket-title = Мой Pocket
pocket-empty = Ваш Pocket пуст. Купите подарочную карту, чтобы пополнить его.
pocket-balance-in = Баланс в { $currency }
pocket-available-held = Доступно для покупок. Зарезервировано под ещё не отправленные заказы: { $held }.
pocket-expiring-title = Сроки действия средств
pocket-expiring-on = { $amount }: срок действия истекает { $date }
pocket-buy-gift-cards = Купить подарочные карты
pocket-redeem-code = Активировать код
pocket-history = История
pocket-history-empty = Пока ничего нет.
pocket-col-date = Дата
pocket-col-what = Операция
pocket-col-amount = Сумма
pocket-col-balance-after = Остаток после операции
pocket-col-expires = Действует до
pocket-history-order = { $what } · заказ { $number }

## Покупка подарочных карт
pocket-another-card = Другая карта
pocket-billing-same-as-saved = такой же, как у сохранённой карты
pocket-denomination-cards = Карты номиналом { $amount }
pocket-gift-cards-intro = Подарочные карты пополняют ваш Pocket или отправляются другому человеку в виде кода по электронной почте. Они продаются в долларах США, не более чем на { $cap } за одну покупку, действуют 3 года с момента покупки и возврату не подлежат.
pocket-how-many = Сколько карт каждого номинала
pocket-for-whom = Для кого
pocket-pay-by-card = Оплата картой
pocket-another-card-hint = Заполните, если вы выбрали «Другая карта».
pocket-for-me = Пополнить мой Pocket
pocket-for-gift = Отправить в подарок
pocket-recipient-email = Эл. почта получателя (для подарка)
pocket-recipient-message = Сообщение получателю (необязательно)
pocket-save-card = Сохранить эту карту для следующих покупок
pocket-bought-title = Купленные вами подарочные карты
pocket-bought-col-bought = Дата покупки
pocket-bought-col-value = Номинал
pocket-bought-col-code = Код
pocket-bought-col-state = Состояние
pocket-bought-loaded = зачислена в Pocket
pocket-error-quantities = Укажите количество карт каждого номинала целыми числами.
pocket-error-no-items = Выберите хотя бы одну подарочную карту.
pocket-gift-sent-title = Подарок отправлен
pocket-gift-emailed = Мы отправили подарочные карты на сумму { $amount } на адрес { $email }.
pocket-gift-code-once = Код, который показывается только один раз (он также есть в письме):
pocket-buy-more = Купить ещё

## Активация кода
pocket-redeem-title = Активировать подарочную карту
pocket-redeem-code-label = Код подарочной карты
pocket-redeem-code-hint = 16 букв и цифр, как в письме.
pocket-redeem-submit = Зачислить в мой Pocket

## Мои карты (web/buyer/cards.rs)
cards-title = Мои карты
cards-empty = Сохранённых карт пока нет.
cards-default-badge = основная
cards-facts = Действует до { $month }/{ $year } · { $funding } · платёжный адрес: { $address }
cards-update-expiry = Изменить срок действия
cards-save-expiry = Сохранить срок действия
cards-make-default = Сделать основной
cards-remove = Удалить
cards-exp-month = Месяц (ММ)
cards-exp-year = Год (ГГГГ)
cards-add-title = Добавить карту
cards-save-card = Сохранить карту
cards-check-note = Мы проверяем карту в вашем банке без списания средств. Код безопасности никогда не сохраняется.
cards-billing-same-as-default = такой же, как у основной карты
cards-make-default-check = Сделать эту карту основной
cards-error-expiry = Укажите месяц (от 1 до 12) и год (4 цифры) числами.

## Обращения в поддержку (web/buyer/tickets.rs)
tickets-title = Поддержка
tickets-empty = Обращений нет.
tickets-subject = Тема
tickets-col-status = Статус
tickets-col-updated = Обновлено
tickets-write-title = Написать в поддержку
tickets-order-number = Номер заказа (необязательно)
tickets-message = Сообщение
tickets-send = Отправить
tickets-your-reply = Ваш ответ
tickets-reply = Ответить
tickets-ticket = Обращение
