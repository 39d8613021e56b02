# API error messages (part c): see src/i18n/mod.rs for which files use them

## Quién puede llamar (auth.rs y las llamadas de los vendedores)

err-auth-buyers-only = Esta llamada es para compradores que han iniciado sesión.
err-auth-operators-only = Esta llamada es solo para operadores.
err-auth-sellers-api-key = Esta llamada es para vendedores, con su clave secreta de API.
err-auth-session-needed = Esta llamada necesita la sesión de un comprador o de un operador, no una clave de API.
err-auth-sellers-only = Esta llamada es para vendedores: usa la clave secreta de tu tienda.

## Idempotency-Key (idempotency.rs)

err-idempotency-in-flight = Todavía se está procesando una solicitud con esta Idempotency-Key. Vuelve a intentarlo cuando termine.
err-idempotency-mismatch = Esta Idempotency-Key ya se usó con otros parámetros. Usa una clave nueva para una solicitud nueva.
err-idempotency-key-invalid = El encabezado Idempotency-Key debe tener entre 1 y { $max ->
        [one] { $max } carácter ASCII visible
       *[other] { $max } caracteres ASCII visibles
    }.

## Cuerpos y parámetros de las solicitudes (extract.rs); $why y $what son el texto en inglés del lector de JSON

err-request-body-unreadable = No se pudo leer el cuerpo de la solicitud.
err-request-json-content-type = Envía el cuerpo como JSON con `Content-Type: application/json`.
err-request-query-invalid = Un parámetro de la consulta no es válido: { $why }.
err-request-body-too-large = El cuerpo de la solicitud supera { $max ->
        [one] { $max } byte
       *[other] los { $max } bytes
    }.
err-request-json-trailing = El cuerpo no es JSON válido: sigue después del objeto.
err-request-json-invalid = El cuerpo no es JSON válido.
err-request-param-unknown = Se recibió un parámetro desconocido: { $param }.
err-request-value-invalid = Valor no válido para { $param }: { $what }.
err-request-method-not-allowed = { $method } no está permitido en { $path }.
err-request-text-length = { $param } debe tener entre 1 y { $max ->
        [one] { $max } carácter imprimible
       *[other] { $max } caracteres imprimibles
    }.
err-request-text-length-one-line = { $param } debe tener entre 1 y { $max ->
        [one] { $max } carácter imprimible
       *[other] { $max } caracteres imprimibles
    } en una sola línea.

## Listas (routes/list.rs)

err-list-limit = limit debe estar entre 1 y { $max }.
err-list-param-repeated = { $param } aparece más de una vez.
err-list-cursor-both = Indica starting_after o ending_before, pero no ambos.
err-list-status = { $status } no es un estado de esta lista: usa uno de estos: { $allowed }.
err-list-param-unknown = { $param } no es un parámetro de esta llamada.
err-list-time = { $param } debe ser un instante en segundos desde 1970 (por ejemplo, 1767225600).

## Retiros y cuentas bancarias (routes/payouts.rs, balance.rs)

err-payout-currency-unsupported = { $code } no es una moneda admitida.
err-payout-weekly-anchor = Los retiros semanales necesitan weekly_anchor: de monday a sunday.
err-payout-interval = interval puede ser daily, weekly o manual.
err-payout-pause-operators-only = Solo los operadores de la plataforma pausan y reanudan los retiros de un vendedor.
err-payout-routing-number-invalid = El número de ruta bancaria (routing number) debe tener 9 dígitos con un dígito de control válido.
err-payout-account-number-invalid = El número de cuenta debe tener entre 4 y 17 dígitos.
err-payout-iban-invalid = El IBAN no es válido: revisa su código de país, su longitud y sus dígitos de control.
err-payout-country = country es un código ISO 3166 de dos letras, como US o DE.
err-payout-iban-no-routing = Un IBAN no necesita número de ruta bancaria.
err-payout-routing-number-missing = Una cuenta de EE. UU. necesita su número de ruta bancaria (routing number).
err-payout-account-or-iban = Indica account_number y routing_number (una cuenta de EE. UU.) o bien iban.
err-payout-bank-account-exists = Esta cuenta bancaria ya está añadida.
err-payout-destination-in-use = Hay un retiro en camino a esta cuenta bancaria; elimínala cuando el retiro haya llegado.
err-payout-destination-disabled = Un retiro a esta cuenta bancaria falló definitivamente.
err-payout-paused = La plataforma ha pausado los retiros de este vendedor; contacta con soporte.
err-payout-no-destination = Primero añade una cuenta bancaria para recibir retiros.
err-payout-destination-disabled-add-another = Un retiro a esta cuenta bancaria falló definitivamente; añade otra cuenta bancaria.
err-payout-currency-mismatch = Esta cuenta bancaria recibe { $currency }; haz el retiro en esa moneda.
err-payout-insufficient-available = El importe es mayor que el saldo disponible ({ $available }).
err-payout-amount-invalid = El importe debe ser positivo.
err-payout-amount-over-available = El importe es mayor que el saldo disponible.
err-payout-minimum-invalid = El importe mínimo debe estar entre 0 y 10000000000 unidades menores de la moneda.
# $status es el estado del retiro (pending, in_transit, paid, failed, canceled); $action, el paso
# rechazado (send, pay, fail, cancel).
err-payout-transition = Un retiro que { $status ->
        [pending] está pendiente
        [in_transit] está en camino
        [paid] ya se pagó
        [failed] falló
       *[canceled] se canceló
    } no se puede { $action ->
        [send] enviar
        [pay] marcar como pagado
        [fail] marcar como fallido
       *[cancel] cancelar
    }.
err-payout-already-sent = Este retiro ya va camino del banco.
err-payout-changed = Este retiro cambió mientras tanto; vuelve a consultarlo.

## Comisiones y saldos (routes/balance.rs)

err-fees-percent-invalid = El porcentaje debe estar entre 0 y 10000 puntos básicos.
err-fees-fixed-invalid = La comisión fija debe estar entre 0 y 100000000 unidades menores de la moneda.
err-balance-merchant-required = Los operadores indican el vendedor: ?merchant=mer_…
err-balance-type-unknown = { $kind } no es un tipo de transacción de saldo.

## Eventos y puntos de conexión de webhooks (routes/events.rs)

err-webhook-event-type-unknown = { $kind } no es un tipo de evento.
err-webhook-events-required = Indica los tipos de evento que quieres recibir, o ["*"] para recibirlos todos.
err-webhook-no-tls = Esta compilación de Pocketpay no tiene cliente TLS, así que no puede enviar a URL https://: compílala con --features tls.
err-webhook-too-many = Como máximo { $max ->
        [one] { $max } punto de conexión de webhook
       *[other] { $max } puntos de conexión de webhook
    }.
err-webhook-status = status puede ser "enabled" o "disabled".
err-webhook-endpoint-disabled = Activa el punto de conexión antes de volver a enviarle eventos.
err-webhook-url-invalid = La URL no es válida.
err-webhook-url-https = Usa una URL https://.
err-webhook-url-http-or-https = Usa una URL http:// o https://.
err-webhook-url-no-host = La URL no tiene host.
err-webhook-url-credentials = La URL no puede llevar nombre de usuario ni contraseña.
err-webhook-url-too-long = La URL tiene más de 2048 caracteres.
err-webhook-url-unresolved = El nombre de host no se puede resolver.
err-webhook-url-private = La URL lleva a una dirección privada, de loopback o de enlace local; los webhooks solo van a direcciones públicas.
err-webhook-url-private-test = La URL lleva a una dirección privada o de enlace local; el modo de prueba admite direcciones públicas y de loopback.

## Claves de API (routes/api_keys.rs)

err-key-limit = Una tienda tiene como máximo { $max ->
        [one] { $max } clave activa
       *[other] { $max } claves activas
    }: primero revoca una que ya no uses.
err-key-grace-hours = La clave antigua puede seguir funcionando de 0 a { $max ->
        [one] { $max } hora
       *[other] { $max } horas
    }.
err-key-inactive = Esta clave ya no funciona: crea una nueva.
err-key-rolled = Esta clave ya se renovó y dejará de funcionar antes; crea una nueva.
err-key-already-inactive = Esta clave ya había dejado de funcionar.

## Metadatos (routes/metadata.rs)

err-metadata-object = metadata es un objeto de claves con valores de texto.
err-metadata-value-text = Un valor de metadata es texto (un número va entre comillas).
err-metadata-too-many-keys = metadata admite como máximo { $max ->
        [one] { $max } clave
       *[other] { $max } claves
    }.
err-metadata-bad-key = Una clave de metadata tiene entre 1 y { $max ->
        [one] { $max } carácter
       *[other] { $max } caracteres
    }, sin corchetes ni caracteres de control.
err-metadata-bad-value = Un valor de metadata es un texto de como máximo { $max ->
        [one] { $max } carácter
       *[other] { $max } caracteres
    }, sin caracteres de control.

## Modo de prueba y el libro mayor en bruto (routes/system.rs)

err-system-currency = No aceptamos esta moneda.
err-system-insufficient-funds = El saldo de la cuenta de débito es demasiado bajo.
err-system-transfer-exists = Otra transferencia ya tiene este id.
err-system-ledger-invalid-id = los id de transferencia deben ser positivos (los vencimientos propios del libro mayor usan el id negado de la retención)
err-system-ledger-amount-not-positive = el importe debe ser positivo
err-system-ledger-same-account = las cuentas de débito y de crédito son la misma
err-system-ledger-account-exists = la cuenta { $account } ya existe con otros campos
err-system-ledger-currency-mismatch = la moneda de la transferencia no coincide con la de sus cuentas
err-system-ledger-overflow = un importe se desbordó
err-system-account-id = Los id de cuenta son positivos.
err-system-account-taken = Este id pertenece a una cuenta de otro tipo.
err-system-clock-advance = advance_seconds debe estar entre 0 y { $max }.
