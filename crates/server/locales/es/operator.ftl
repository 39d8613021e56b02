# Páginas de operadores (web/operator.rs, operator_search.rs, operator_sellers.rs, verification.rs)

## Encabezados de tablas

operator-col-claim = Reclamación
operator-col-reason = Motivo
operator-col-status = Estado
operator-col-opened = Abierta
operator-col-from = De
operator-col-to = A
operator-col-rate = Tipo
operator-col-updated = Actualizado
operator-col-order = Pedido
operator-col-date = Fecha
operator-col-total = Total
operator-col-email = Correo electrónico
operator-col-id = ID
operator-col-role = Rol
operator-col-country = País
operator-col-seller = Vendedor
operator-col-balance = Saldo
operator-col-created = Creada
operator-col-amount = Importe

## Reclamaciones

operator-claims-title = Reclamaciones
operator-claims-to-decide = Por decidir
operator-claims-nothing-to-decide = No hay nada que decidir.
operator-claims-all = Todas las reclamaciones
operator-claims-none = Ninguna.
operator-claim-order-line = Pedido { $number }: { $total }, capturado { $captured }, reembolsado { $refunded }.
operator-decision = Decisión
operator-decision-choose = Elige una decisión
operator-decision-buyer = A favor del comprador: reembolso
operator-decision-seller = A favor del vendedor: sin reembolso
operator-refund-amount = Importe del reembolso ({ $currency })
operator-refund-amount-invalid = Introduce el reembolso en { $currency }, por ejemplo 10.00.
operator-decide = Decidir

## Tipos de cambio

operator-fx-title = Tipos de cambio
operator-fx-none = Todavía no hay tipos de cambio: los compradores pagan en la moneda del vendedor.
operator-fx-set-heading = Fijar un tipo de cambio
operator-fx-from-currency = Moneda de origen
operator-fx-to-currency = Moneda de destino
operator-fx-rate = Unidades de la moneda de destino por una de origen
operator-fx-rate-hint = Un número decimal, como 0.9215.
operator-fx-save = Guardar tipo de cambio

## Tarjetas regalo

operator-gift-title = Tarjetas regalo
operator-gift-code = Código de la tarjeta regalo
operator-gift-look-up = Buscar
operator-gift-heading = Tarjeta regalo •••• { $last4 }
operator-gift-state = Estado
operator-gift-value = Valor
operator-gift-bought = Comprada
operator-gift-bought-by = { $date } por { $buyer }
operator-gift-expires = Caduca
operator-gift-redeemed-by = Canjeada por
operator-gift-block-why = ¿Por qué?
operator-gift-block = Bloquear este código
operator-gift-unblock = Desbloquear

## Comprobación del libro mayor

operator-ledger-title = Comprobación del libro mayor
operator-ledger-balanced = Cuadrado
operator-ledger-problems-found = Se encontraron problemas
operator-ledger-checked = { $accounts ->
    [one] { $accounts } cuenta
   *[other] { $accounts } cuentas
} y { $transactions ->
    [one] { $transactions } transacción
   *[other] { $transactions } transacciones
} comprobadas: el saldo de cada cuenta es la suma de sus asientos, cada moneda suma cero, ninguna cuenta protegida está por debajo de cero, capturado ≤ autorizado, reembolsado ≤ capturado, los lotes de Pocket coinciden con sus cuentas.
operator-ledger-problems = Problemas

## Búsqueda y un pedido visto por los operadores

operator-search-title = Búsqueda
operator-search-label = Número de pedido, ID (ord_, pay_, clm_, chk_) o correo electrónico
operator-search-button = Buscar
operator-search-nothing-found = No se encontró nada para { $query }.
operator-search-orders = Pedidos
operator-search-people = Personas
operator-role-buyer = comprador
operator-role-operator = operador
operator-order-title = Pedido { $number }
operator-order-ids = ID del pedido { $order } · comprador { $buyer } · vendedor { $seller }
operator-order-ids-paid = ID del pedido { $order } · comprador { $buyer } · vendedor { $seller } · pago { $payment }
operator-order-claims = Reclamaciones
operator-order-decide-claims = Decidir las reclamaciones en revisión
operator-order-search-again = Buscar de nuevo

## El dinero de los vendedores

operator-sellers-title = Saldos de los vendedores
operator-sellers-intro = Lo que la plataforma debe a cada vendedor (lo pendiente y lo disponible juntos). Un saldo por debajo de cero es un reembolso o una reclamación pagados después de una transferencia; las próximas ventas del vendedor lo compensan.
operator-sellers-none = Ningún vendedor ha vendido todavía.
operator-seller-title = Vendedor { $name }
operator-seller-seller = Vendedor
operator-seller-available = Disponible
operator-seller-pending = Pendiente
operator-seller-reserved = Reservado
operator-seller-payouts = Transferencias
operator-seller-schedule = Calendario
operator-interval-daily = diario
operator-interval-weekly = semanal
operator-interval-manual = manual
operator-seller-pause = Pausar las transferencias
operator-seller-resume = Reanudar las transferencias
operator-fees-heading = Comisiones
operator-fees-default = Se aplican las comisiones predeterminadas de la plataforma.
operator-fees-own = Se aplican las comisiones propias de este vendedor.
operator-fees-percent = Comisión (porcentaje de cada venta)
operator-fees-percent-invalid = Introduce la comisión como porcentaje, por ejemplo 5 o 2.9.
operator-fees-fixed = Parte fija por venta ({ $currency })
operator-fees-fixed-invalid = Introduce la parte fija en { $currency }, por ejemplo 0.30.
operator-fees-save = Guardar comisiones
operator-payouts-heading = Transferencias
operator-payouts-none = Ninguna todavía.

## Las preguntas de seguridad de un comprador

verification-questions-title = Preguntas de seguridad
verification-questions-intro = Cuando un pago necesite una comprobación y no puedas recibir nuestro código (sin teléfono a mano, sin correo), puedes responder estas preguntas en su lugar. Las respuestas se comparan sin tener en cuenta mayúsculas, espacios ni tildes, y solo guardamos una versión transformada de forma irreversible: nadie en Pocketpay puede leerlas.
verification-questions-none = Todavía no has configurado preguntas de seguridad.
verification-questions-yours = Tus preguntas
verification-questions-change = Cámbialas
verification-questions-hint = Elige 2 o 3 preguntas. Cada respuesta debe ser distinta.
verification-question-number = Pregunta { $number }
verification-question-number-optional = Pregunta { $number } (opcional)
verification-question-choose = Elige una pregunta
verification-question-write-own = Escribir mi propia pregunta
verification-question-own = O tu propia pregunta
verification-question-own-hint = Se usa cuando eliges «Escribir mi propia pregunta».
verification-answer-number = Respuesta { $number }
verification-your-password = Tu contraseña
verification-questions-save = Guardar mis preguntas
verification-preset-first-school = ¿Cómo se llamaba tu primera escuela?
verification-preset-childhood-street = ¿En qué calle vivías en tu infancia?
verification-preset-first-pet = ¿Cómo se llamaba tu primera mascota?
verification-preset-parents-meeting-city = ¿En qué ciudad se conocieron tus padres?
verification-preset-childhood-friend = ¿Cuál es el nombre de tu mejor amigo o amiga de la infancia?
verification-preset-first-job = ¿Dónde fue tu primer trabajo?
verification-answers-heading = ¿No tienes el código? Responde tus preguntas de seguridad
verification-answers-confirm = Confirmar con mis respuestas

## El paso del documento de un pago

verification-document-title = Verifica tu identidad
verification-document-why = Antes de que este pago de { $amount } se complete, necesitamos comprobar que de verdad eres tú ({ $why }).
verification-document-in-review-title = Estamos revisando tu documento
verification-document-in-review = Estamos revisando tu documento.
verification-document-in-review-answer = Nuestro equipo suele responder en un día; te escribiremos por correo en cualquier caso.
verification-document-in-review-meanwhile = Mientras tanto no se cobra nada. Si no hemos decidido antes del { $expires }, el pago se cancela y puedes volver a pagar.
verification-back-to-order = Volver al pedido
verification-document-upload = Sube una foto o un escaneo de un documento de identidad con tu nombre: pasaporte, documento de identidad o permiso de conducir. JPEG, PNG o PDF, de 5 MB como máximo.
verification-document-kept = Solo lo ve nuestro equipo de revisión, y lo eliminamos 30 días después de nuestra decisión.
verification-document-label = Tu documento
verification-document-send = Enviar mi documento
verification-pay-another-way = O { $link }, por ejemplo con tu Pocket.
verification-pay-another-way-link = paga de otra forma
verification-reason-document-amount = un importe superior a nuestro límite de revisión
verification-reason-code-tries-used = el código se escribió mal demasiadas veces
verification-reason-new-card = una tarjeta que no se había usado aquí antes
verification-reason-large-amount = un importe elevado
verification-reason-foreign-card = una tarjeta de otro país
verification-reason-velocity = muchos pagos en poco tiempo
verification-reason-issuer-demand = tu banco lo solicitó
verification-form-other-site = Este formulario se envió desde otro sitio, así que se rechazó.
verification-form-bad-title = Formulario no válido
verification-form-unreadable = No se pudo leer este formulario.
verification-form-expired-title = Este formulario ha caducado
verification-form-expired = Por tu seguridad, no se pudo enviar este formulario. Vuelve atrás, recarga la página e inténtalo de nuevo.
verification-file-too-large = El archivo pesa más de 5 MB.
verification-file-too-large-advice = Envía una foto o un escaneo más pequeño.
verification-file-missing = Elige el archivo de tu documento.

## Operadores: revisión de documentos

verification-reviews-title = Revisiones de documentos
verification-reviews-to-decide = Por decidir
verification-reviews-none-waiting = Ningún documento espera una decisión.
verification-reviews-all = Todas las revisiones
verification-col-review = Revisión
verification-col-buyer = Comprador
verification-col-amount = Importe
verification-col-why = Motivo
verification-col-status = Estado
verification-col-sent = Enviado
verification-review-title = Revisión de documento
verification-review-order = Pedido
verification-review-payment = Pago
verification-review-decide-by = Decidir antes del
verification-review-document-deleted = El documento se eliminó el { $date }, 30 días después de la decisión.
verification-review-document-pdf = Documento del comprador (PDF)
verification-review-open-pdf = Abrir el PDF
verification-review-document = Documento del comprador
verification-review-no-document = El comprador todavía no ha enviado ningún documento.
verification-review-note = Nota (obligatoria para rechazar)
verification-review-decide-hint = Al aprobar, el pago se autoriza. Al rechazar, el pago falla; el comprador lee la nota.
verification-review-approve = Aprobar
verification-review-reject = Rechazar
verification-review-decided-on = Decidido el { $date }.
