# Buyer shopping pages (web/buyer/shop.rs, cart.rs, checkout.rs, card_form.rs, orders.rs)

## La tienda y un producto

shop-title = Tienda
shop-empty = Todavía no hay nada a la venta. Los vendedores añaden productos desde su página «Vender».
shop-sold-out = Agotado
shop-only-left = { $count ->
    [one] Solo queda { $count }
   *[other] Solo quedan { $count }
}
shop-sold-by = Vendido por { $seller }
shop-buy = Comprar
shop-add-to-cart = Añadir al carrito
shop-product = Producto
shop-quantity = Cantidad
shop-quantity-invalid = Indica cuántos quieres con un número entero a partir de 1.
shop-shipping-address = Dirección de envío
shop-continue-to-payment = Continuar al pago
shop-cart-quantity-label = Cuántos añadir al carrito
shop-cart-hint = Compra a varios vendedores y paga una sola vez.

## El carrito

shop-cart-title = Carrito
shop-cart-empty = Tu carrito está vacío.
# $shop es un enlace con el texto de shop-cart-empty-browse-link.
shop-cart-empty-browse = { $shop } y añade productos de cualquier vendedor: los pagas todos de una vez.
shop-cart-empty-browse-link = Explora la tienda
shop-cart-quantity-of = Cantidad de { $name }
shop-cart-update = Actualizar
shop-cart-remove = Quitar
shop-cart-from-seller = De { $seller }
shop-cart-seller-note = { $seller } envía y cobra estos productos por separado.
shop-cart-mixed-currencies = Estos productos tienen precios en monedas distintas: cada compra se paga en una sola moneda, así que quita los demás y cómpralos por separado.
shop-cart-total = Total: { $total } de { $count ->
    [one] { $count } vendedor
   *[other] { $count } vendedores
}, en un solo pago.
shop-cart-check-out = Finalizar compra

## Columnas de las tablas

shop-col-product = Producto
shop-col-price = Precio
shop-col-total = Total
shop-col-order = Pedido
shop-col-seller = Vendedor
shop-col-amount = Importe
shop-col-status = Estado
shop-col-item = Artículo
shop-col-qty = Cant.
shop-col-date = Fecha
shop-col-refund = Reembolso
shop-col-refund-to = Destino

## Los pedidos de un carrito tras la compra

shop-summary-title = Los pedidos de tu carrito
shop-summary-intro = Un solo pago de { $total } por { $count ->
    [one] { $count } pedido
   *[other] { $count } pedidos
}, uno por vendedor. Cada vendedor envía su propio pedido y cobra por él.
shop-summary-payment = Pago: { $status }
shop-pay-amount = Pagar { $amount }

## El pago

shop-checkout-title = Pago
shop-order-number = Pedido { $number }
shop-order-from-seller = de { $seller }
shop-pay-cart-heading = Tu carrito: { $count ->
    [one] { $count } pedido
   *[other] { $count } pedidos
}, un solo pago
shop-pay-total = Total: { $total }
shop-ships-to = Se envía a { $address }
shop-pay-authorize-note = Al pagar solo se autoriza el importe; se te cobra cuando el vendedor hace el envío.
shop-pay-with = Pagar con
shop-method-pocket = Mi Pocket
shop-method-pocket-available = (disponible: { $amount })
shop-method-card-expires = caduca { $expiry }
shop-method-card-expires-default = caduca { $expiry }, predeterminada
shop-method-new-card = Otra tarjeta
shop-new-card-hint = Rellena esto si elegiste «Otra tarjeta».
shop-split-legend = Pocket y tarjeta
shop-split-label = Pagar esta cantidad con mi Pocket y el resto con tarjeta (opcional)
shop-split-hint = Tienes { $amount } disponible. Elige arriba una tarjeta para el resto; déjalo vacío para pagar con un solo método.
shop-fx-legend = Moneda
shop-fx-pay-in = Pagar en { $currency }
shop-fx-rate = { $from } = { $to } a 1 { $currency } = { $rate } { $my_currency }. Este tipo de cambio está garantizado hasta { $until }. Solo para pagos con tarjeta.
shop-back-to-order = Volver al pedido
shop-back-to-cart-orders = Volver a los pedidos del carrito
shop-billing-same-as-shipping = la misma que la de envío
shop-save-card = Guardar esta tarjeta para la próxima vez
shop-choose-method = Elige cómo pagar.
shop-amount-invalid = Introduce un importe en { $currency }, por ejemplo 20.00.

## El código de un solo uso

shop-verify-title = Introduce tu código
shop-verify-why-bank = Tu banco pide un código de un solo uso para este pago
shop-verify-why-safety = Para proteger tu cuenta comprobamos que este pago es tuyo ({ $reasons })
shop-step-up-new-card = una tarjeta que no se ha usado aquí antes
shop-step-up-large-amount = un importe elevado
shop-step-up-foreign-card = una tarjeta de un país distinto al tuyo
shop-step-up-velocity = varios pagos en poco tiempo
shop-step-up-issuer-demand = tu banco también lo ha pedido
shop-verify-intro = { $why }: un pago de { $amount }.
# $channel es el código del canal: email o sms.
shop-verify-sent = Te enviamos un código de 6 dígitos { $channel ->
    [sms] por SMS
   *[other] por correo electrónico
} a { $sent_to }. Caduca el { $expires }. Intentos restantes: { $left }.
shop-verify-code = Código
shop-verify-confirm = Confirmar pago
shop-verify-send-by = Enviarlo por
shop-channel-email = Correo electrónico
shop-channel-sms = SMS
shop-verify-resend = Enviar un código nuevo

## Una tarjeta escrita en un formulario

shop-card-number = Número de tarjeta
shop-card-exp-month = Mes de caducidad (MM)
shop-card-exp-year = Año de caducidad (AAAA)
shop-card-cvc = Código de seguridad (CVC)
shop-card-cvc-hint = 3 o 4 dígitos de la tarjeta.
shop-card-holder-name = Nombre en la tarjeta
shop-card-exp-month-invalid = Introduce el mes de caducidad como un número del 1 al 12.
shop-card-exp-year-invalid = Introduce el año de caducidad con 4 dígitos.
shop-billing-address = Dirección de facturación
# $label dice qué dirección es, como shop-billing-same-as-shipping.
shop-billing-address-is = Dirección de facturación: { $label }: { $address }
shop-billing-use-other = Usar otra dirección
shop-billing-bill-below = Facturar a la dirección de abajo

## Mis pedidos y un pedido

shop-orders-title = Mis pedidos
# $shop es un enlace con el texto de shop-orders-empty-link.
shop-orders-empty = Todavía no tienes pedidos. { $shop }.
shop-orders-empty-link = Visita la tienda
shop-orders-cart-group = Un solo pago, pedidos de { $count ->
    [one] { $count } vendedor
   *[other] { $count } vendedores
}
shop-facts-status = Estado
shop-facts-total = Total
shop-facts-ordered = Fecha del pedido
shop-facts-ships-to = Envío a
shop-facts-tracking = Seguimiento
shop-facts-payment = Pago
shop-facts-captured = Cobrado
shop-facts-refunded = Reembolsado
shop-facts-paid-pocket = Pocket { $amount }
shop-facts-paid-as = pagado como { $amount } a { $rate }
shop-items = Artículos
shop-refunds = Reembolsos
shop-refund-expected-by = (previsto para el { $date })
shop-claim = Reclamación
shop-claim-seller-message = Vendedor: { $message }
# $outcome es el código de a favor de quién se resolvió: buyer o seller.
shop-claim-decided = Resuelta a favor { $outcome ->
    [buyer] del comprador
    [seller] del vendedor
   *[other] de { $outcome }
}
shop-claim-decided-refund = Resuelta a favor { $outcome ->
    [buyer] del comprador
    [seller] del vendedor
   *[other] de { $outcome }
}, reembolso de { $amount }
shop-claim-escalate = Pedir a Pocketpay que decida
shop-order-pay-cart = Pagar el carrito
shop-order-pay = Pagar
shop-order-cancel = Cancelar pedido
shop-order-cancel-reason = ¿Por qué lo cancelas?
shop-order-received = Lo he recibido
shop-claim-open-summary = Abrir una reclamación
shop-claim-open = Abrir reclamación
shop-claim-reason = ¿Qué salió mal?
shop-claim-reason-not-received = No lo he recibido
shop-claim-reason-not-as-described = No es como se describía
shop-claim-reason-damaged = Llegó dañado
shop-claim-reason-other = Otro motivo
shop-claim-amount = Importe a reclamar ({ $currency })
shop-claim-description = Describe el problema
shop-unauthorized-summary = Yo no hice este pago
shop-unauthorized-explain = Te devolvemos el pago completo a tu Pocket de inmediato y bloqueamos la tarjeta utilizada.
shop-unauthorized-report = Informar de un pago no autorizado
shop-unauthorized-description = ¿Qué ocurrió?
shop-order-ask-support = Consultar a soporte sobre este pedido
