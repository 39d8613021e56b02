# Pocketpay — español. Mensajes de la API, las páginas, los correos y los SMS.

## Números y listas

tries-left = { $count ->
    [one] { $count } intento
   *[other] { $count } intentos
}
list-or = { $first } o { $last }

## Fechas

date-long = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## Por qué falló un pago y qué hacer

decline-incorrect-number = El número de la tarjeta es incorrecto.
    .advice = Comprueba el número de tu tarjeta, dígito por dígito.
decline-invalid-expiry = La fecha de caducidad no es válida.
    .advice = Introduce el mes y el año impresos en la tarjeta.
decline-expired-card = Tu tarjeta ha caducado.
    .advice = Usa otra tarjeta o actualiza la fecha de caducidad si tu banco te envió una nueva.
decline-incorrect-cvc = El código de seguridad es incorrecto.
    .advice = Introduce los 3 dígitos del reverso de la tarjeta (4 en el anverso para American Express).
decline-brand-not-supported = No aceptamos este tipo de tarjeta.
    .advice = Usa { $brands }, o paga con tu saldo Pocket.
    .advice-pocket-only = Paga con tu saldo Pocket.
decline-insufficient-funds = Tu tarjeta no tiene fondos suficientes.
    .advice = Paga con tu saldo Pocket o con otra tarjeta; el total incluye el envío y cualquier conversión de moneda.
    .advice-bank = Consulta con tu banco el saldo disponible y los cargos pendientes.
decline-card-velocity-exceeded = Se alcanzó el límite de gasto de tu tarjeta.
    .advice = Usa otra tarjeta o tu saldo Pocket, o pide a tu banco que aumente el límite.
decline-transaction-not-allowed = Tu banco rechazó esta compra.
    .advice = Tu banco puede bloquear las compras internacionales o en línea: llama al número del reverso de tu tarjeta, pide que la autoricen y vuelve a intentarlo.
decline-incorrect-address = La dirección de facturación no coincide con la que tiene tu banco.
    .advice = Introduce la dirección de facturación exactamente como la tiene tu banco, o actualiza la dirección de la tarjeta.
decline-incorrect-zip = El código postal de facturación no coincide con el que tiene tu banco.
    .advice = Introduce el código postal exactamente como lo tiene tu banco, o actualiza la dirección de la tarjeta.
decline-generic = Tu tarjeta fue rechazada.
    .advice = Usa otra tarjeta o tu saldo Pocket, o consulta los detalles con tu banco.
decline-processing-error = No pudimos comunicarnos con tu banco. No se te ha cobrado nada.
    .advice = Espera unos minutos y vuelve a intentarlo; si sigue fallando, usa otro método de pago.
decline-verification-failed = El código es incorrecto.
    .advice = Revisa el último mensaje que te enviamos; te quedan { $tries }.
    .advice-none-left = No te quedan intentos con este código: pide un código nuevo.
decline-verification-expired = El código ha caducado.
    .advice = Pide un código nuevo.
decline-too-many-attempts = Demasiados intentos.
    .advice = Espera antes de volver a intentarlo, o contacta con soporte si no hiciste estos intentos.
decline-insufficient-pocket-balance = Tu saldo Pocket no alcanza para este pedido.
    .advice = Paga el resto con tarjeta o recarga con una tarjeta regalo.

## Errores comunes

error-missing = Falta un parámetro obligatorio: { $param }.
error-not-found = No existe ese objeto.
error-unauthenticated = Inicia sesión o envía un token válido en la cabecera Authorization como `Bearer <token>`.
error-internal = Algo falló de nuestro lado. No se cambió nada; vuelve a intentarlo.
error-unavailable = El servicio no está disponible; vuelve a intentarlo en breve con la misma Idempotency-Key.
error-invalid-locale = El idioma debe ser en, ru o es.
error-unknown-cursor = starting_after no corresponde a ningún objeto de esta lista.
error-invalid-time-zone = La zona horaria debe ser un nombre IANA, como Europe/Madrid o UTC.

## Correos y SMS

email-code-subject = Tu código de verificación de Pocketpay
email-code-body = Tu código de Pocketpay es { $code }. Caduca en 30 minutos. Si no te registraste, ignora este correo.

## Reglas de la cuenta

error-email-invalid = Escribe una dirección de correo válida.
error-password-too-short = La contraseña debe tener al menos { $count } caracteres.
error-password-too-long = La contraseña debe tener como máximo { $count } caracteres.
error-phone-invalid = Escribe un teléfono en formato internacional, como +34612345678.
error-country-invalid = Escribe un código de país ISO 3166 de dos letras, como ES.

## Mensajes generales por código de error

code-parameter-invalid = El valor de { $param } no es válido: revísalo y vuelve a intentarlo.
code-parameter-unknown = Esta solicitud no admite { $param }.
code-request-malformed = No se pudo leer la solicitud.
code-amount-invalid = El importe no es válido.
code-currency-not-supported = No se acepta esta moneda.
code-out-of-stock = No hay suficiente existencia de este producto.
    .advice = Reduce la cantidad o vuelve más tarde.
code-order-not-payable = Este pedido no se puede pagar ahora.
code-order-not-paid = Este pedido no está pagado.
code-order-not-cancelable = Este pedido ya no se puede cancelar.
code-order-already-shipped = Este pedido ya se envió.
code-email-taken = Ya existe una cuenta con este correo. Inicia sesión.
code-invalid-credentials = El correo o la contraseña son incorrectos.
    .advice = Revísalos y vuelve a intentarlo, o restablece tu contraseña.
code-email-not-verified = Primero confirma tu correo con el código que te enviamos.
code-verification-failed =
    .advice = Revisa el último mensaje que te enviamos o pide un código nuevo.
code-invalid-denomination = Las tarjetas regalo son de 10, 20, 50, 100 y 150 USD.
code-load-limit-exceeded = Una compra de tarjetas regalo puede ser de 700 USD como máximo.
code-coupon-not-allowed = No se pueden usar cupones en tarjetas regalo.
code-gift-card-invalid = Este código de tarjeta regalo no es válido o ya se usó.
code-gift-card-not-refundable = Las tarjetas regalo no son reembolsables.
code-claim-window-closed = Ya pasó el plazo para abrir una reclamación sobre este pedido.
code-protection-expired = La protección de compra de este pedido terminó.
code-claim-exists = Este pedido ya tiene una reclamación.
code-claim-not-open = Esta reclamación ya no está abierta.
code-already-reported = Este pago ya se denunció.
code-payment-busy = Este pago se está procesando. Espera un momento y vuelve a intentarlo.
code-refund-exceeds-captured = El reembolso supera lo cobrado.
code-fx-quote-expired = La cotización del tipo de cambio caducó. Pide una nueva.
code-forbidden = No tienes permiso para hacer esto.
code-idempotency-error = Esta solicitud repite una anterior con otros datos, o la anterior aún está en curso.
code-document-too-large = El documento es demasiado grande.
code-document-type-unsupported = No se acepta este tipo de documento. Envía un PDF, JPEG o PNG.
code-document-already-submitted = Ya se envió un documento para este pago.
code-payment-not-awaiting-code = Este pago no está esperando un código.
code-payment-not-awaiting-document = Este pago no está esperando un documento.

## Correos y SMS a compradores

message-payment-code-subject = Aprueba tu pago
message-payment-code-body = Pocketpay: tu código para aprobar un pago de { $amount } es { $code }. Caduca en 10 minutos. No lo compartas nunca.
message-reset-code-subject = Restablece tu contraseña de Pocketpay
message-reset-code-body = Tu código de Pocketpay para restablecer la contraseña es { $code }. Caduca en 30 minutos. Si no lo pediste, ignora este correo: tu contraseña no cambia.
message-password-changed-subject = Tu contraseña de Pocketpay cambió
message-password-changed-body = Tu contraseña de Pocketpay se acaba de cambiar con un código enviado a esta dirección y se cerró la sesión en todos los dispositivos. Si no fuiste tú, restablécela de nuevo ahora y contacta con soporte.
message-gift-subject = Recibiste una tarjeta regalo de Pocketpay
message-gift-intro = Has recibido una tarjeta regalo de Pocketpay.
message-gift-redeem = Canjea cada código en tu Pocket (Mi Pocket → Canjear). Los códigos valen hasta su caducidad, tres años después de la compra.
message-gift-note = Mensaje del remitente:

## Preguntas de seguridad en lugar de un código

error-answers-incorrect = Una o más respuestas son incorrectas.
    .advice = Revisa tus respuestas (no importan las mayúsculas, los espacios ni los acentos); te quedan { tries-left }.
    .advice-none-left = No te quedan intentos: pide un código nuevo o paga de otra forma.

## Reclamaciones y reembolsos, al comprador y al vendedor

message-claim-opened-subject = Se abrió una reclamación
message-claim-opened-body = Se abrió una reclamación sobre el pedido { $order }. El vendedor responde en un plazo de 3 días.
message-claim-for-buyer-subject = Una reclamación se resolvió a favor del comprador
message-claim-for-buyer-body = La reclamación { $claim } se resolvió a favor del comprador; el reembolso va en camino.
message-claim-redecide-subject = Una reclamación necesita una nueva decisión
message-claim-redecide-body = No se pudo hacer el reembolso de la reclamación { $claim } ({ $code }). Nuestro equipo decidirá de nuevo.
message-claim-rejected-subject = El vendedor rechazó una reclamación
message-claim-rejected-body = El vendedor rechazó la reclamación { $claim }. El comprador puede pedirnos que decidamos.
message-claim-escalated-subject = Una reclamación está en revisión
message-claim-escalated-body = La reclamación { $claim } está ahora con nuestro equipo, que decidirá.
message-claim-for-seller-subject = Una reclamación se resolvió a favor del vendedor
message-claim-for-seller-body = La reclamación { $claim } se resolvió a favor del vendedor.
message-reimbursed-subject = Te reembolsamos un pago no autorizado
message-reimbursed-body = { $amount } ya está de vuelta en tu Pocket. La tarjeta usada se bloqueó y se cerraron tus otras sesiones. Nuestro equipo lo investigará.

## Pedidos, reembolsos, consultas y preguntas de seguridad, al comprador

message-shipped-subject = Tu pedido se envió
message-shipped-body = El pedido { $order } va en camino.
message-canceled-subject = Tu pedido se canceló
message-canceled-body = El pedido { $order } se canceló.
message-canceled-reason = Motivo: { $reason }.
message-canceled-not-charged = No se te ha cobrado nada.
message-canceled-order-again = No se te ha cobrado nada; puedes volver a pedirlo y pagar con otra tarjeta o con tu Pocket.
message-refund-subject = Tu reembolso
message-refund-pocket = { $amount } del pedido { $order } ya está de vuelta en tu Pocket.
message-refund-card = { $amount } del pedido { $order } está volviendo a tu tarjeta.
message-refund-rerouted-subject = Tu reembolso fue a tu Pocket
message-refund-rerouted = No pudimos reembolsar { $amount } del pedido { $order } a tu tarjeta, así que ya está en tu Pocket, listo para gastar. No caduca.
message-ticket-answered-subject = Soporte respondió a tu consulta
message-ticket-answered-body = Hay una respuesta a «{ $subject }» en tus consultas de soporte.
message-questions-subject = Tus preguntas de seguridad cambiaron
message-questions-changed-body = Tus preguntas de seguridad de Pocketpay cambiaron. Si no las cambiaste tú, cambia tu contraseña ahora y contacta con soporte.
message-questions-set-body = Configuraste preguntas de seguridad en Pocketpay. Puedes responderlas en lugar de escribir un código cuando un pago necesite una comprobación. Si no fuiste tú, cambia tu contraseña ahora y contacta con soporte.

## Revisión de documentos, al comprador

message-paid-for-order = el pedido { $order }
message-paid-for-orders = los pedidos { $orders } y { $last }
message-paid-for-your-order = tu pedido
message-document-accepted-subject = Tu documento fue aceptado
message-document-accepted-body = Revisamos tu documento: tu pago de { $amount } por { $what } se está completando.
message-document-rejected-subject = No pudimos aceptar tu documento
message-document-rejected-body = No pudimos verificar tu identidad para tu pago de { $amount } por { $what }: { $note }. No se cobró nada. Puedes pagar de nuevo con otro documento, pagar con tu Pocket u otra tarjeta, o contactar con soporte.
message-review-expired-subject = La revisión de tu pago caducó
message-review-expired-body = La revisión de tu pago de { $amount } terminó sin una decisión a tiempo. No se cobró nada: puedes volver a pagar.
error-document-rejected = No pudimos verificar tu identidad con el documento: { $note }
    .advice = Paga de nuevo y sube una foto o un escaneo nítido de un documento de identidad válido.
    .advice-other-way = O paga con tu Pocket u otra tarjeta, o contacta con soporte.
error-review-expired = La revisión del documento no se completó a tiempo.
    .advice = Vuelve a pagar; no se cobró nada.

## Límites de gasto, comprobaciones del banco, códigos de regalo

error-daily-limit-reached = Alcanzaste tu límite de gasto diario de { $limit }.
error-daily-limit-exceeded = Este pago supera tu límite de gasto diario de { $limit }; hoy puedes gastar { $remaining } más.
error-monthly-limit-reached = Alcanzaste tu límite de gasto mensual de { $limit }.
error-monthly-limit-exceeded = Este pago supera tu límite de gasto mensual de { $limit }; este mes puedes gastar { $remaining } más.
error-limit =
    .advice = Paga un importe menor o espera a que se renueve el límite.
    .advice-support = Contacta con soporte si necesitas un límite mayor.
error-authentication-required = Tu banco pide un código de un solo uso para esta tarjeta.
    .advice = Paga con otra tarjeta o con tu saldo Pocket.
error-gift-code-invalid = Este código no es válido: puede estar mal escrito, ya usado o caducado.
    .advice = Revisa el código del correo, letra por letra; los códigos nunca contienen 0, O, 1, I ni L.

## Pagos y webhooks, al vendedor

message-payout-failed-subject = Un pago no llegó a tu banco
message-payout-failed-body = El pago { $payout } de { $amount } no llegó a tu cuenta bancaria:
message-payout-money-back = El dinero volvió a tu saldo disponible.
message-payout-canceled = El pago se canceló.
message-bank-account-closed = La cuenta bancaria está cerrada. Añade otra cuenta bancaria.
message-bank-no-account = El banco no tiene ninguna cuenta con este número. Revisa el número o añade otra cuenta bancaria.
message-bank-unsupported-currency = El banco rechazó la moneda del pago. Añade una cuenta bancaria que acepte esta moneda.
message-bank-account-frozen = La cuenta bancaria está congelada. Contacta con tu banco o añade otra cuenta bancaria.
message-bank-refused = El banco lo rechazó.
message-bank-refused-payout = El banco rechazó el pago.
message-endpoint-disabled-subject = Tu webhook se desactivó
message-endpoint-disabled-operators-subject = Se desactivó un webhook
message-endpoint-disabled-body = Tu punto de conexión de webhooks { $endpoint } ({ $url }) no aceptó eventos durante 3 días, así que lo desactivamos. Corrígelo y vuelve a activarlo; puedes reenviar los eventos perdidos desde su registro.
