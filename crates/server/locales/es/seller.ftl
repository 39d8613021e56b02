# Seller pages (web/seller.rs, seller_money.rs, webhooks.rs, api_keys.rs)

## Inicio del vendedor

seller-home-title = Vendes como { $name }
seller-home-todo = Pendientes
seller-home-nothing-to-ship = No hay pedidos esperando envío.
seller-home-orders-to-ship = Pedidos por enviar: { $count }
seller-home-all-to-ship = Todos los pedidos por enviar
seller-home-no-claims = No hay reclamaciones esperando tu respuesta.
seller-home-claims-to-answer = Reclamaciones por responder: { $count }
seller-home-claimed = Reclamación de { $amount }
seller-home-claim-answer-by = { $claim }, responde a más tardar el { $time }
seller-home-balance = Saldo
seller-home-pending = Disponible para retirar; { $pending } pendiente hasta que los compradores ya no puedan reclamar.
seller-count-or-more = { $count } o más

## Empezar a vender

seller-start-title = Empieza a vender
seller-start-intro = Vende en el mercado: cobras cuando envías, menos los reembolsos.
seller-start-shop-name = Nombre de la tienda
seller-country-label = País (dos letras)
seller-start-currency = Moneda en la que vendes
seller-start-button = Empezar a vender
seller-opened-title = Tu tienda está abierta
seller-opened-add-products = Tu tienda está abierta. Añade productos desde la página { $products }.
seller-opened-products-link = Productos
seller-opened-secret-key = Esta es tu clave secreta de API para tus propios sistemas. Solo se muestra esta vez; guárdala en un lugar seguro:
seller-opened-go-to-shop = Ir a mi tienda

## Productos

seller-products-title = Productos
seller-products-empty = Aún no hay productos.
seller-products-product = Producto
seller-products-price = Precio
seller-products-stock = Existencias
seller-products-no-limit = sin límite
seller-products-new = Nuevo producto
seller-products-name = Nombre
seller-products-description = Descripción (opcional)
seller-products-price-in = Precio ({ $currency })
seller-products-price-hint = Por ejemplo, 24.99.
seller-products-stock-optional = Existencias (opcional)
seller-products-stock-hint = Déjalo vacío para no poner límite.
seller-products-put-on-sale = Poner a la venta
seller-products-price-invalid = Introduce el precio en { $currency }, por ejemplo 24.99.
seller-products-stock-invalid = Introduce las existencias como un número entero, o deja el campo vacío.

## Pedidos

seller-orders-title = Pedidos
seller-orders-empty = Aún no hay pedidos.
seller-orders-empty-here = No hay pedidos aquí.
seller-tabs-filter = Filtro
seller-tab-all-orders = Todos
seller-tab-to-ship = Por enviar
seller-tab-shipped = Enviados
seller-tab-delivered = Entregados
seller-tab-completed = Completados
seller-tab-awaiting-payment = Pendientes de pago
seller-tab-canceled = Cancelados
seller-tab-all-claims = Todas
seller-tab-to-answer = Por responder
seller-tab-under-review = En manos de Pocketpay
seller-order-title = Pedido { $number }
seller-order-ship = Envío
seller-order-carrier = Transportista
seller-order-tracking-number = Número de seguimiento
seller-order-mark-shipped = Marcar como enviado
seller-order-why-cancel = ¿Por qué lo cancelas?
seller-order-cancel = Cancelar pedido
seller-order-mark-delivered = Marcar como entregado
seller-refund-heading = Reembolso
seller-amount-in = Importe ({ $currency })
seller-refund-hint = Aún puedes reembolsar hasta { $amount }.
seller-refund-reason = Motivo
seller-refund-to = Reembolsar a
seller-refund-to-original = El método con el que pagó el comprador (Pocket al instante, tarjeta en unos días)
seller-refund-to-pocket = El Pocket del comprador, al instante
seller-refund-button = Reembolsar
seller-refund-amount-invalid = Introduce un importe en { $currency }, por ejemplo 10.00.

## Reclamaciones

seller-claims-title = Reclamaciones
seller-claims-empty = No hay reclamaciones.
seller-claims-the-order = El pedido
seller-claims-answer-by = Responde a más tardar el { $time }.
seller-claims-your-answer = Tu respuesta
seller-claims-choose = Elige tu respuesta
seller-claims-accept = Aceptar: reembolsar al comprador ahora
seller-claims-reject = Rechazar
seller-claims-message = Mensaje para el comprador
seller-claims-send = Enviar respuesta

## Saldo y retiros

seller-balance-title = Saldo y retiros
seller-balance-heading = Saldo
seller-balance-available = Disponible para retirar
seller-balance-pending = Pendiente
seller-balance-reserved = Reservado para reclamaciones abiertas
seller-balance-note = Una venta es tuya, menos la comisión de la plataforma, cuando el comprador confirma que la recibió o 20 días después de la entrega (como máximo 90 días después del pago). Hasta entonces queda pendiente.
seller-payouts-paused = La plataforma ha pausado tus retiros. Contacta con soporte.
seller-pay-out-now = Retirar ahora
seller-pay-out-hint = Tienes hasta { $amount } disponible. Se envía a tu cuenta bancaria predeterminada.
seller-pay-out-button = Retirar
seller-pay-out-amount-invalid = Introduce el importe en { $currency }, por ejemplo 120.50.
seller-payouts-heading = Retiros
seller-payouts-empty = Aún no hay retiros.
seller-payouts-created = Creado
seller-column-amount = Importe
seller-column-status = Estado
seller-payouts-arrives = Llega
seller-payouts-bank-account = Cuenta bancaria
seller-payouts-account-ending = terminada en { $last4 }
seller-payouts-removed-account = una cuenta eliminada
seller-transactions-heading = Movimientos
seller-transactions-download = Descargar todos los movimientos (CSV)
seller-transactions-empty = Aún no hay movimientos. Las ventas aparecen aquí cuando envías.
seller-transactions-date = Fecha
seller-transactions-what = Concepto
seller-transactions-fee = Comisión
seller-transactions-net = Neto
seller-report-failed-title = Vuelve a intentarlo
seller-report-failed = No se pudo generar el informe ahora mismo. Vuelve a intentarlo en un momento.

## Cuentas bancarias

seller-accounts-heading = Cuentas bancarias
seller-accounts-empty = Añade una cuenta bancaria para recibir tus retiros.
seller-accounts-iban-ending = IBAN terminado en { $last4 }
seller-accounts-us-ending = Cuenta de EE. UU. terminada en { $last4 }
seller-accounts-default = predeterminada para retiros
seller-accounts-make-default = Hacer predeterminada
seller-accounts-remove = Eliminar
seller-accounts-add-heading = Añadir una cuenta bancaria
seller-accounts-holder = Titular de la cuenta
seller-accounts-currency = Moneda
seller-accounts-number = Número de cuenta (EE. UU.)
seller-accounts-routing = Número de ruta ABA (EE. UU.)
seller-accounts-iban = IBAN (en lugar de una cuenta de EE. UU.)
seller-accounts-add-button = Añadir cuenta bancaria

## Calendario de retiros

seller-schedule-heading = Calendario de retiros
seller-schedule-interval = Retirar
seller-schedule-daily = Cada día
seller-schedule-weekly = Cada semana
seller-schedule-manual = Solo cuando lo pida
seller-schedule-anchor = Día de la semana (semanal)
seller-day-monday = Lunes
seller-day-tuesday = Martes
seller-day-wednesday = Miércoles
seller-day-thursday = Jueves
seller-day-friday = Viernes
seller-day-saturday = Sábado
seller-day-sunday = Domingo
seller-schedule-minimum = Retiro mínimo ({ $currency })
seller-schedule-minimum-hint = Los retiros programados esperan a que haya al menos esta cantidad disponible.
seller-schedule-save = Guardar calendario
seller-schedule-minimum-invalid = Introduce el mínimo en { $currency }, por ejemplo 50.00.

## Claves de API

apikeys-title = Claves de API
apikeys-new-key-heading = Tu nueva clave: { $name }
apikeys-new-key-copy = Cópiala ahora en tus sistemas. Solo se muestra esta vez; Pocketpay guarda únicamente su huella.
apikeys-intro = Tus sistemas llaman a la API con estas claves. Al rotar una clave se crea una nueva y la anterior sigue funcionando un tiempo, para que puedas cambiar sin interrupciones.
apikeys-column-name = Nombre
apikeys-column-key = Clave
apikeys-column-status = Estado
apikeys-column-created = Creada
apikeys-column-last-used = Último uso
apikeys-column-actions = Acciones
apikeys-works-until = funciona hasta el { $time }
apikeys-never = nunca
apikeys-grace-label = La clave anterior funciona durante
apikeys-grace-none = Desactivar la clave anterior ya
apikeys-grace-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}
apikeys-grace-days = { $count ->
    [one] { $count } día
   *[other] { $count } días
}
apikeys-roll = Rotar
apikeys-revoke = Revocar ya
apikeys-new-heading = Nueva clave
apikeys-name-label = Nombre (qué la usa)
apikeys-name-hint = Por ejemplo, «Sistema del almacén».
apikeys-make-key = Crear una clave

## Webhooks

webhooks-title = Webhooks
webhooks-title-operators = Webhooks (operadores)
webhooks-intro = Pocketpay envía cada evento a estas URL como una petición { $method } firmada; consulta el README para saber cómo comprobar la firma.
webhooks-empty = Aún no hay puntos de conexión de webhook.
webhooks-url = URL
webhooks-events = Eventos
webhooks-status = Estado
webhooks-events-all = todos
webhooks-add-heading = Añadir un punto de conexión
webhooks-url-hint = Por ejemplo, https://example.com/pocketpay/webhooks.
webhooks-all-events = Todos los eventos
webhooks-only-these = O solo estos eventos
webhooks-add-button = Añadir punto de conexión
webhooks-choose-events = Elige los eventos que quieres recibir, o todos.
webhooks-secret-title = Tu secreto de firma de webhooks
webhooks-secret-intro = Se añadió el punto de conexión. Este es su secreto de firma; solo se muestra esta vez, así que guárdalo ahora en tu receptor:
webhooks-go-to-endpoint = Ir al punto de conexión
webhooks-endpoint-title = Punto de conexión de webhook
webhooks-enable = Activar
webhooks-disable = Desactivar
webhooks-delete = Eliminar
webhooks-deliveries = Entregas
webhooks-deliveries-empty = Aún no se ha enviado nada.
webhooks-when = Cuándo
webhooks-event = Evento
webhooks-attempt = Intento
webhooks-answer = Respuesta
webhooks-answer-http = HTTP { $code } en { $ms } ms
webhooks-next-try = próximo intento: { $time }
webhooks-send-again = Enviar de nuevo
