# Страницы операторов (web/operator.rs, operator_search.rs, operator_sellers.rs, verification.rs)

## Заголовки таблиц

operator-col-claim = Претензия
operator-col-reason = Причина
operator-col-status = Статус
operator-col-opened = Открыта
operator-col-from = Из
operator-col-to = В
operator-col-rate = Курс
operator-col-updated = Обновлён
operator-col-order = Заказ
operator-col-date = Дата
operator-col-total = Сумма
operator-col-email = Эл. почта
operator-col-id = ID
operator-col-role = Роль
operator-col-country = Страна
operator-col-seller = Продавец
operator-col-balance = Баланс
operator-col-created = Создана
operator-col-amount = Сумма

## Претензии

operator-claims-title = Претензии
operator-claims-to-decide = Ждут решения
operator-claims-nothing-to-decide = Решать нечего.
operator-claims-all = Все претензии
operator-claims-none = Претензий нет.
operator-claim-order-line = Заказ { $number }: { $total }, списано { $captured }, возвращено { $refunded }.
operator-decision = Решение
operator-decision-choose = Выберите решение
operator-decision-buyer = В пользу покупателя: возврат
operator-decision-seller = В пользу продавца: без возврата
operator-refund-amount = Сумма возврата ({ $currency })
operator-refund-amount-invalid = Введите сумму возврата в валюте { $currency }, например 10.00.
operator-decide = Принять решение

## Курсы валют

operator-fx-title = Курсы валют
operator-fx-none = Курсов пока нет: покупатели платят в валюте продавца.
operator-fx-set-heading = Задать курс
operator-fx-from-currency = Из валюты
operator-fx-to-currency = В валюту
operator-fx-rate = Единиц валюты «В» за одну единицу валюты «Из»
operator-fx-rate-hint = Десятичное число, например 0.9215.
operator-fx-save = Сохранить курс

## Подарочные карты

operator-gift-title = Подарочные карты
operator-gift-code = Код подарочной карты
operator-gift-look-up = Найти
operator-gift-heading = Подарочная карта •••• { $last4 }
operator-gift-state = Состояние
operator-gift-value = Номинал
operator-gift-bought = Куплена
operator-gift-bought-by = { $date }, покупатель { $buyer }
operator-gift-expires = Действует до
operator-gift-redeemed-by = Кто активировал
operator-gift-block-why = Почему?
operator-gift-block = Заблокировать этот код
operator-gift-unblock = Разблокировать

## Проверка главной книги

operator-ledger-title = Проверка главной книги
operator-ledger-balanced = Всё сходится
operator-ledger-problems-found = Найдены проблемы
operator-ledger-checked = Проверка охватила { $accounts ->
    [one] { $accounts } счёт
    [few] { $accounts } счёта
   *[many] { $accounts } счетов
} и { $transactions ->
    [one] { $transactions } транзакцию
    [few] { $transactions } транзакции
   *[many] { $transactions } транзакций
}: баланс каждого счёта равен сумме его проводок, сумма по каждой валюте равна нулю, ни один защищённый счёт не ушёл в минус, списано ≤ авторизовано, возвращено ≤ списано, лоты Pocket сходятся со своими счетами.
operator-ledger-problems = Проблемы

## Поиск и заказ глазами оператора

operator-search-title = Поиск
operator-search-label = Номер заказа, ID (ord_, pay_, clm_, chk_) или адрес эл. почты
operator-search-button = Найти
operator-search-nothing-found = По запросу { $query } ничего не найдено.
operator-search-orders = Заказы
operator-search-people = Пользователи
operator-role-buyer = покупатель
operator-role-operator = оператор
operator-order-title = Заказ { $number }
operator-order-ids = ID заказа { $order } · покупатель { $buyer } · продавец { $seller }
operator-order-ids-paid = ID заказа { $order } · покупатель { $buyer } · продавец { $seller } · платёж { $payment }
operator-order-claims = Претензии
operator-order-decide-claims = Рассмотреть претензии, ждущие решения
operator-order-search-again = Новый поиск

## Деньги продавцов

operator-sellers-title = Балансы продавцов
operator-sellers-intro = Сколько платформа должна каждому продавцу (ожидающие и доступные средства вместе). Отрицательный баланс — это возврат или претензия, оплаченные после выплаты; его погасят следующие продажи продавца.
operator-sellers-none = Ни один продавец пока ничего не продал.
operator-seller-title = Продавец { $name }
operator-seller-seller = Продавец
operator-seller-available = Доступно
operator-seller-pending = В ожидании
operator-seller-reserved = В резерве
operator-seller-payouts = Выплаты
operator-seller-schedule = График
operator-interval-daily = ежедневно
operator-interval-weekly = еженедельно
operator-interval-manual = вручную
operator-seller-pause = Приостановить выплаты
operator-seller-resume = Возобновить выплаты
operator-fees-heading = Комиссия
operator-fees-default = Действует комиссия платформы по умолчанию.
operator-fees-own = Действует собственная комиссия этого продавца.
operator-fees-percent = Комиссия (процент от каждой продажи)
operator-fees-percent-invalid = Введите комиссию в процентах, например 5 или 2.9.
operator-fees-fixed = Фиксированная часть с продажи ({ $currency })
operator-fees-fixed-invalid = Введите фиксированную часть в валюте { $currency }, например 0.30.
operator-fees-save = Сохранить комиссию
operator-payouts-heading = Выплаты
operator-payouts-none = Выплат пока нет.

## Контрольные вопросы покупателя

verification-questions-title = Контрольные вопросы
verification-questions-intro = Если платёж нужно подтвердить, а получить наш код не получается (телефона нет под рукой, нет доступа к почте), вместо кода можно ответить на эти вопросы. Ответы сравниваются без учёта регистра, пробелов и диакритических знаков, и мы храним их только в необратимо преобразованном виде: никто в Pocketpay не может их прочитать.
verification-questions-none = Вы ещё не задали контрольные вопросы.
verification-questions-yours = Ваши вопросы
verification-questions-change = Изменить вопросы
verification-questions-hint = Задайте 2 или 3 вопроса. Ответы не должны совпадать.
verification-question-number = Вопрос { $number }
verification-question-number-optional = Вопрос { $number } (необязательно)
verification-question-choose = Выберите вопрос
verification-question-write-own = Написать свой вопрос
verification-question-own = Или свой вопрос
verification-question-own-hint = Используется, если выбран вариант «Написать свой вопрос».
verification-answer-number = Ответ { $number }
verification-your-password = Ваш пароль
verification-questions-save = Сохранить вопросы
verification-preset-first-school = Как называлась ваша первая школа?
verification-preset-childhood-street = На какой улице вы жили в детстве?
verification-preset-first-pet = Как звали вашего первого питомца?
verification-preset-parents-meeting-city = В каком городе познакомились ваши родители?
verification-preset-childhood-friend = Как зовут вашего лучшего друга детства?
verification-preset-first-job = Где была ваша первая работа?
verification-answers-heading = Нет кода? Ответьте на контрольные вопросы
verification-answers-confirm = Подтвердить ответами

## Документ для платежа

verification-document-title = Подтвердите свою личность
verification-document-why = Прежде чем этот платёж на { $amount } пройдёт, нам нужно убедиться, что это действительно вы ({ $why }).
verification-document-in-review-title = Ваш документ на проверке
verification-document-in-review = Ваш документ на проверке.
verification-document-in-review-answer = Обычно наша команда отвечает в течение дня; в любом случае мы напишем вам на почту.
verification-document-in-review-meanwhile = Пока ничего не списывается. Если мы не примем решение до { $expires }, платёж будет отменён и вы сможете оплатить заново.
verification-back-to-order = Вернуться к заказу
verification-document-upload = Загрузите фото или скан документа с вашим именем: паспорта, удостоверения личности или водительского удостоверения. JPEG, PNG или PDF, не больше 5 МБ.
verification-document-kept = Его видит только наша команда проверки, и мы удаляем его через 30 дней после решения.
verification-document-label = Ваш документ
verification-document-send = Отправить документ
verification-pay-another-way = Или { $link }, например с помощью Pocket.
verification-pay-another-way-link = оплатите другим способом
verification-reason-document-amount = сумма выше нашего порога проверки
verification-reason-code-tries-used = код слишком много раз введён неверно
verification-reason-new-card = карта, которой здесь ещё не платили
verification-reason-large-amount = крупная сумма
verification-reason-foreign-card = карта из другой страны
verification-reason-velocity = много платежей за короткое время
verification-reason-issuer-demand = этого потребовал ваш банк
verification-form-other-site = Эта форма отправлена с другого сайта, поэтому она отклонена.
verification-form-bad-title = Ошибка в форме
verification-form-unreadable = Не удалось прочитать эту форму.
verification-form-expired-title = Срок действия формы истёк
verification-form-expired = В целях безопасности форму не удалось отправить. Вернитесь назад, обновите страницу и попробуйте снова.
verification-file-too-large = Файл больше 5 МБ.
verification-file-too-large-advice = Отправьте фото или скан меньшего размера.
verification-file-missing = Выберите файл с документом.

## Операторы: проверка документов

verification-reviews-title = Проверка документов
verification-reviews-to-decide = Ждут решения
verification-reviews-none-waiting = Нет документов, ожидающих решения.
verification-reviews-all = Все проверки
verification-col-review = Проверка
verification-col-buyer = Покупатель
verification-col-amount = Сумма
verification-col-why = Причина
verification-col-status = Статус
verification-col-sent = Отправлен
verification-review-title = Проверка документа
verification-review-order = Заказ
verification-review-payment = Платёж
verification-review-decide-by = Решить до
verification-review-document-deleted = Документ удалён { $date }, через 30 дней после решения.
verification-review-document-pdf = Документ покупателя (PDF)
verification-review-open-pdf = Открыть PDF
verification-review-document = Документ покупателя
verification-review-no-document = Покупатель ещё не отправил документ.
verification-review-note = Комментарий (обязателен при отклонении)
verification-review-decide-hint = Одобрение авторизует платёж. При отклонении платёж не проходит; покупатель увидит комментарий.
verification-review-approve = Одобрить
verification-review-reject = Отклонить
verification-review-decided-on = Решение принято { $date }.
