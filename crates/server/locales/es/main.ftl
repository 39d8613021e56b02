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
error-forbidden = No tienes permiso para hacer esto.
error-too-many-attempts = Demasiados intentos.
error-invalid-locale = El idioma debe ser en, ru o es.
error-invalid-time-zone = La zona horaria debe ser un nombre IANA, como Europe/Madrid o UTC.

## Correos y SMS

email-code-subject = Tu código de verificación de Pocketpay
email-code-body = Tu código de Pocketpay es { $code }. Caduca en 30 minutos. Si no te registraste, ignora este correo.
