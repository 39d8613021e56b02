# API error messages (part b): see src/i18n/mod.rs for which files use them

## Pago (routes/shop/paying.rs, errors.rs, payment_method.rs)

err-pay-part-of-checkout = Este pedido forma parte de la compra { $checkout }: paga la compra, que paga todos sus pedidos a la vez.
err-pay-fx-card-only = Un pago en otra moneda solo se puede pagar con tarjeta.
err-pay-total-not-positive = El total del pedido debe ser mayor que cero.
err-pay-pocket-not-positive = El importe de Pocket debe ser mayor que cero.
err-pay-pocket-above-total = El importe de Pocket no puede superar el total del pedido.
err-pay-pocket-covers-all = El importe de Pocket cubre todo el pedido: elige Pocket como método de pago.
err-pay-pocket-must-cover-all = Un pago con Pocket cubre todo el pedido: omite el importe de Pocket o paga el resto con tarjeta.
err-pay-checkout-changed = Lo que paga esta compra ha cambiado (se canceló un pedido): revísala de nuevo y paga.
err-pay-no-quote = No existe esa cotización.
err-pay-quote-mismatch = Esta cotización es para otro importe u otra moneda: pide una cotización para este pedido.
err-pay-fx-expired = El tipo de cambio fijado ha caducado. No se te ha cobrado nada.
err-pay-fx-expired-advice = Pide una nueva cotización y vuelve a pagar.
err-pay-attempt-in-progress = Hay un intento de pago de este pedido en curso; espera su respuesta.
err-pay-attempt-closed = Este intento de pago ya no está abierto.
err-pay-channel = channel debe ser "sms" o "email".
err-pay-no-phone = Tu cuenta no tiene número de teléfono, así que solo podemos enviarte el código por correo electrónico.
err-pay-no-phone-advice = Elige el correo electrónico o añade un número de teléfono a tu cuenta para recibir los códigos por SMS.
err-pay-not-awaiting-code = Este pago no está esperando un código.
err-pay-awaiting-document = Este pago está esperando un documento, no un código.
err-pay-codes-used-up = Ya te enviamos todos los códigos que permite este pago.
err-pay-codes-used-up-advice-last = Usa el último código que te enviamos mientras siga siendo válido.
err-pay-codes-used-up-advice-new = O vuelve a pagar, o elige otra forma de pago, para recibir un código nuevo.
err-pay-resend-wait = Espera un minuto antes de pedir otro código.
err-pay-order-not-awaiting = Este pedido no está pendiente de pago.
err-pay-settling-advice = Vuelve a intentarlo en un minuto: estamos confirmando con el banco el resultado del pago.
err-pay-method-type = payment_method.type debe ser "card" o "pocket".
err-pay-save-new-card-only = save solo se aplica a una tarjeta nueva.
err-pay-card-or-new-card = Indica card o new_card, pero no ambos.

## Revisión de documentos (routes/shop/reviewing.rs)

err-review-already-submitted = Ya se subió un documento para este pago; se está revisando.
err-review-no-document = Esta revisión aún no tiene ningún documento.
err-review-already-decided = Esta revisión ya está resuelta.
err-review-file-empty = El archivo está vacío.
err-review-file-too-large = El archivo pesa más de 5 MB.
err-review-file-type = Sube una foto JPEG o PNG, o un PDF.
err-review-file-advice = Sube una foto (JPEG o PNG) o un PDF de tu documento de identidad, de 5 MB como máximo.
err-review-multipart = Envía el documento como multipart/form-data, en un campo llamado file.
err-review-upload-unreadable = No se pudo leer el archivo subido: vuelve a enviarlo.
err-review-one-file = Envía un solo archivo.
err-review-not-awaiting-document = Este pago no está esperando un documento.
err-review-document-deleted = Este documento se eliminó 30 días después de su resolución.
err-review-no-upload = No se subió ningún documento para esta revisión.
err-review-outcome = outcome debe ser "approve" o "reject".
err-review-note-too-long = La nota puede tener como máximo { $max } { $max ->
        [one] carácter
       *[other] caracteres
    }.
err-review-note-missing = Indica por qué se rechaza el documento: se lo comunicaremos al comprador.

## Códigos de un solo uso y preguntas de seguridad (routes/shop/verifying.rs)

err-verify-no-questions = No has configurado preguntas de seguridad: usa el código que te enviamos.
err-verify-answers-shape = Responde una vez a cada una de tus preguntas de seguridad ({ $count }), indicando su id.
err-verify-code-shape = El código son los 6 dígitos que te enviamos.
err-verify-code-or-answers = Envía el código o las respuestas, pero no ambos.
err-verify-not-awaiting-code = Este pago no está esperando un código.
err-verify-awaiting-document = Este pago está esperando un documento, no un código.
err-verify-upload-id-advice = Para completar este pago, sube una foto o un escaneo de tu documento de identidad para que nuestro equipo lo revise.
err-verify-card-again-advice = Vuelve a introducir tu tarjeta y paga.

## Tarjetas y bóveda de claves (routes/cards.rs, payment_method.rs)

err-card-blocked-advice = Esta tarjeta se bloqueó después de que un pago con ella se denunciara como no autorizado. Paga con otra tarjeta o con tu saldo Pocket.
err-card-blocked-advice-support = Si la tarjeta vuelve a ser segura, pide a soporte que la desbloquee.
err-card-holder-name = Introduce el nombre que figura en la tarjeta, en una sola línea (100 caracteres como máximo).
err-card-text-too-long = { $param } puede tener como máximo { $max } { $max ->
        [one] carácter imprimible
       *[other] caracteres imprimibles
    }.
err-card-country = Introduce un código de país de dos letras, como US.
err-card-too-many = Puedes guardar como máximo { $max } { $max ->
        [one] tarjeta
       *[other] tarjetas
    }. Elimina alguna que ya no uses.
err-card-key-in-use = { $count } { $count ->
        [one] tarjeta sigue cifrada
       *[other] tarjetas siguen cifradas
    } con la clave { $key }; primero rota las claves.
err-card-vault-missing-keys = No hay claves de la bóveda: define POCKETPAY_VAULT_KEYS o crea { $path } con permisos 0600 y las líneas `fingerprint <64 hex>`, `key 1 <64 hex>` y `active 1` (`openssl rand -hex 32` genera una clave); el modo real nunca genera claves.
err-card-vault-insecure-file = El archivo de claves de la bóveda { $path } lo pueden leer el grupo u otros usuarios (permisos { $mode }): ejecuta `chmod 600 { $path }`.
err-card-vault-invalid-ring = Conjunto de claves de la bóveda no válido en { $origin }: { $reason }
err-card-vault-keys-from-environment = Las claves de la bóveda vienen del entorno, así que la bóveda no puede rotarlas: cambia POCKETPAY_VAULT_KEYS en su lugar (añade una línea `key` y reinicia; luego apunta `active` a ella y vuelve a reiniciar).
err-card-vault-file-changed = El archivo de claves de la bóveda { $path } cambió desde que este proceso lo leyó: vuelve a abrir la bóveda y reinténtalo.
err-card-vault-unknown-key = No hay ninguna clave de la bóveda con el id { $key }.
err-card-vault-active-key = La clave { $key } de la bóveda es la activa y no se puede eliminar: primero rota las claves.
err-card-vault-ring-full = El conjunto de claves de la bóveda está lleno ({ $max } { $max ->
        [one] clave
       *[other] claves
    } como máximo, ids hasta 4294967295): elimina primero las claves retiradas.
err-card-vault-invalid-number = El número de tarjeta que se va a cifrar debe tener de 12 a 19 dígitos (0-9) sin espacios.
err-card-vault-decrypt = No se pudo descifrar el número de tarjeta cifrado (datos alterados o id de clave incorrecto).
err-card-vault-encrypt = No se pudo cifrar el número de tarjeta.
err-card-vault-random = Falló el generador de números aleatorios del sistema operativo.
err-card-vault-io = Error con el archivo de claves ({ $action } { $path }): { $source }

## Retenciones de Pocket (pocket.rs)

err-pocket-amount-not-positive = El importe debe ser positivo.
err-pocket-hold-closed = Esta retención ya está en estado { $state }.
err-pocket-nothing-captured = No se cobró nada de esta retención.
err-pocket-refund-exceeds = El reembolso supera lo que queda del importe cobrado.

## Tarjetas regalo (routes/gift_cards/*.rs)

err-gift-coupon = No se pueden usar cupones ni descuentos para comprar tarjetas regalo.
err-gift-currency = No se pueden comprar tarjetas regalo en { $currency }; se venden en { $supported }.
err-gift-no-items = Elige al menos una tarjeta regalo.
err-gift-quantity = La cantidad de cada tarjeta regalo debe ser al menos 1.
err-gift-denomination = Las tarjetas regalo tienen un importe de { $amount } { $currency }.
err-gift-denominations = Las tarjetas regalo tienen importes de { $first } y { $last } { $currency }.
err-gift-load-limit = Una compra puede cargar como máximo { $cap } en tarjetas regalo; esta suma { $total }.
err-gift-too-many-cards = Una compra puede incluir como máximo { $max } { $max ->
        [one] tarjeta regalo
       *[other] tarjetas regalo
    }.
err-gift-usd-only = Las tarjetas regalo se venden en USD.
err-gift-recipient-email = Introduce el correo electrónico del destinatario.
err-gift-message-too-long = El mensaje puede tener como máximo { $max } { $max ->
        [one] carácter
       *[other] caracteres
    }.
err-gift-pocket-not-allowed = El dinero de Pocket no sirve para comprar tarjetas regalo: paga con tarjeta.
err-gift-settling-advice = Vuelve a intentarlo en un minuto: estamos confirmando con el banco el resultado de la compra.
err-gift-too-many-attempts = Demasiados intentos.
err-gift-too-many-attempts-advice = Espera antes de volver a intentarlo, o contacta con soporte si no hiciste estos intentos.
err-gift-lookup-advice = Revisa el código letra por letra; los códigos nunca contienen 0, O, 1, I ni L.
err-gift-block-reason = Indica el motivo, de 1 a { $max } { $max ->
        [one] carácter
       *[other] caracteres
    }.
err-gift-no-code = Esta tarjeta regalo se cargó en el Pocket de quien la compró; no tiene ningún código que bloquear.
err-gift-wrong-state = Esta tarjeta regalo está en estado { $state }; solo un código en estado { $from } puede pasar a { $to }.
err-gift-not-refundable = Las tarjetas regalo no son reembolsables y el dinero de Pocket no se puede retirar.
err-gift-not-refundable-advice-spend = Gasta el saldo en cualquier pedido del marketplace.
err-gift-not-refundable-advice-give = Regala un código sin usar a otra persona.
err-gift-unknown-currency = Moneda desconocida.

## Preguntas de seguridad (routes/security_questions.rs)

err-questions-shape = Configura 2 o 3 preguntas; cada pregunta y cada respuesta pueden tener como máximo 200 caracteres.
err-questions-count = Configura { $min } o { $max } { $max ->
        [one] pregunta de seguridad
       *[other] preguntas de seguridad
    }.
err-questions-question-length = Una pregunta debe tener entre { $min } y { $max } { $max ->
        [one] carácter
       *[other] caracteres
    }.
err-questions-repeated = Cada pregunta solo se puede usar una vez.
err-questions-answer-length = Una respuesta debe tener entre { $min } y { $max } { $max ->
        [one] carácter
       *[other] caracteres
    }, sin contar los espacios al principio y al final.
err-questions-answer-is-question = Una respuesta no puede repetir su pregunta.
err-questions-same-answers = Usa una respuesta distinta para cada pregunta.
err-questions-password = La contraseña no es correcta.
err-questions-password-advice = Escribe la contraseña con la que inicias sesión.

## Restablecer la contraseña (routes/password_resets.rs)

err-reset-too-many-requests = Demasiadas solicitudes de restablecimiento.
err-reset-too-many-requests-advice = Espera unos minutos y vuelve a pedirlo.
err-reset-code-shape = El código son los 6 dígitos del correo que te enviamos.
err-reset-code-incorrect = El código es incorrecto.
err-reset-code-incorrect-advice = Revisa el último correo que te enviamos o pide un código nuevo.
err-reset-too-many-attempts = Demasiados intentos con este código.
err-reset-too-many-attempts-advice = Pide un código nuevo y vuelve a intentarlo.
err-reset-code-expired = El código ha caducado.
err-reset-code-expired-advice = Pide un código nuevo.
err-reset-tries-left = Revisa el último correo que te enviamos; te { $count ->
        [one] queda { $count } intento
       *[other] quedan { $count } intentos
    }.

## Cuentas e inicio de sesión (routes/accounts.rs)

err-account-email-taken = Ya existe una cuenta con este correo electrónico. Inicia sesión.
err-account-code-shape = El código son los 6 dígitos del correo que te enviamos.
err-account-code-incorrect = El código es incorrecto.
err-account-code-incorrect-advice = Revisa el último correo que te enviamos o pide un código nuevo.
err-account-too-many-attempts = Demasiados intentos.
err-account-too-many-attempts-advice = Pide un código nuevo y vuelve a intentarlo.
err-account-code-expired = El código ha caducado.
err-account-code-expired-advice = Pide un código nuevo.
err-account-tries-left = Revisa el último correo que te enviamos; te { $count ->
        [one] queda { $count } intento
       *[other] quedan { $count } intentos
    }.
err-account-invalid-credentials = El correo electrónico o la contraseña son incorrectos.
err-account-too-many-sign-ins = Demasiados inicios de sesión fallidos. Espera antes de volver a intentarlo.
err-account-too-many-sign-ins-advice = Espera unos minutos y vuelve a intentarlo.
err-account-too-many-sign-ins-advice-reset = Si olvidaste tu contraseña, restablécela con un código que te enviaremos por correo.
err-account-email-not-verified = Primero verifica tu dirección de correo electrónico.
err-account-email-not-verified-advice = Introduce el código de 6 dígitos que te enviamos por correo.
err-account-email-not-verified-advice-expired = Pide un código nuevo si ha caducado.
err-account-merchant-name = El nombre debe tener entre 1 y { $max } { $max ->
        [one] carácter imprimible
       *[other] caracteres imprimibles
    }.
err-account-currency = No aceptamos { $currency } como moneda.
