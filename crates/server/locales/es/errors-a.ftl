# API error messages (part a): see src/i18n/mod.rs for which files use them

## Claims and unauthorized-payment reports (routes/claims.rs)
err-claim-reason-invalid = reason debe ser not_received, not_as_described, damaged u other.
err-claim-amount-not-positive = El importe debe ser positivo.
err-claim-not-shipped = Puedes abrir una reclamación cuando se envíe el pedido; antes de eso, cancela el pedido.
err-claim-order-cancelled = Este pedido se canceló.
err-claim-protection-expired = La protección al comprador termina 90 días después del pago.
err-claim-window-closed = Las reclamaciones se pueden abrir hasta 20 días después de la entrega.
# $from is a Unix time.
err-claim-parcel-in-transit = El paquete aún está dentro de su plazo de entrega; puedes reportarlo como perdido a partir de { $from } (tiempo Unix).
err-claim-exists = Este pedido ya tiene una reclamación abierta.
err-claim-being-decided = Esta reclamación se está resolviendo en este momento.
err-claim-not-awaiting-decision = Esta reclamación no está esperando esta decisión.
err-claim-not-awaiting-seller = Esta reclamación no está esperando la respuesta del vendedor.
err-claim-action-invalid = action debe ser "accept" o "reject".
err-claim-not-rejected = Solo se puede escalar una reclamación que el vendedor rechazó.
err-claim-refund-not-positive = El reembolso debe ser positivo.
err-claim-not-under-review = Un operador solo decide las reclamaciones que están en revisión.
err-claim-outcome-invalid = outcome debe ser "buyer" o "seller".
err-claim-payment-not-captured = Este pago no se ha cobrado: cancela el pedido y no se cobrará nada.
err-claim-payment-of-several-orders = Este pago cubrió pedidos de varios vendedores: denuncia el pago que aparece en el pedido en cuestión.
err-claim-payment-of-several-orders-advice = Abre Mis pedidos, elige el pedido y denuncia su pago.
err-claim-already-reported = Este pago ya se denunció y se reembolsó.

## Refunds (routes/refunds.rs)
err-refund-amount-not-positive = El importe debe ser positivo.
err-refund-already-reimbursed = Este pago se reembolsó como no autorizado: no queda nada por reembolsar.
# $left is an amount with its currency, such as "15.00 USD".
err-refund-exceeds-captured = De este pago quedan como máximo { $left } por reembolsar.
# $left is a number of the currency's minor units (cents).
err-refund-exceeds-captured-minor = De este pago quedan como máximo { $left } (en unidades menores) por reembolsar.
err-refund-forbidden = El reembolso de un pedido lo hace el vendedor o un operador.
err-refund-reason-invalid = { $max ->
    [one] Indica un motivo de 1 a { $max } carácter imprimible.
   *[other] Indica un motivo de 1 a { $max } caracteres imprimibles.
}
err-refund-destination-invalid = destination debe ser "original" o "pocket".
err-refund-payment-busy = El pago se está modificando; vuelve a intentarlo en un momento.

## Support tickets and the operators' search (routes/tickets.rs, routes/search.rs)
err-ticket-order-number-invalid = Esto no es un número de pedido (tienen este formato: PP-000000422).
err-search-query-invalid = Busca un número de pedido (PP-…), un id (ord_, pay_, clm_, chk_) o un correo.

## Orders: their steps, creation and cancelling (routes/shop/fulfilment.rs, routes/shop/orders.rs)
err-order-not-payable = Este pedido no se puede pagar: ya está pagado o cancelado.
err-order-not-paid = Este pedido aún no se ha pagado.
err-order-already-shipped = Este pedido ya se envió.
err-order-not-shipped = Este pedido aún no se ha enviado.
err-order-already-delivered = Este pedido ya se entregó.
err-order-already-completed = Este pedido ya está completado.
err-order-canceled = Este pedido se canceló.
err-order-not-cancelable = Este pedido ya está cancelado.
err-order-no-payment = Este pedido no está pagado.
err-order-payment-busy = El pago se está modificando; vuelve a intentarlo en un momento.
err-order-authorization-expired = La autorización de la tarjeta caducó; el comprador debe volver a pagar antes de que envíes el pedido.
err-order-cancel-forbidden = Un pedido lo cancela el comprador o el vendedor.
err-order-changed-meanwhile = Este pedido cambió mientras tanto; vuelve a revisarlo.
err-order-coupon-invalid = Este cupón no es válido.
err-order-items-count = { $max ->
    [one] Un pedido tiene de 1 a { $max } artículo.
   *[other] Un pedido tiene de 1 a { $max } artículos.
}
err-order-quantity-invalid = quantity debe ser de 1 a { $max }.
err-order-country-invalid = Escribe un código de país de dos letras, como ES.
err-order-product-repeated = Incluye cada producto una sola vez, con su cantidad.
err-order-one-seller = Todos los productos de un pedido deben ser del mismo vendedor.
# $name is the product's name.
err-order-out-of-stock = No quedan suficientes unidades de { $name }.
err-order-total-too-large = El total del pedido es demasiado grande.

## Products (routes/shop/products.rs)
# $param is the parameter's name, such as name or shipping_address.city.
err-product-text-too-long = { $max ->
    [one] { $param } debe tener como máximo { $max } carácter imprimible.
   *[other] { $param } debe tener como máximo { $max } caracteres imprimibles.
}
err-product-price-invalid = El precio debe ser un importe positivo en unidades menores.
# $currency is a currency code, such as USD.
err-product-currency = Los productos tienen precio en la moneda de la tienda, { $currency }.
err-product-stock-negative = stock no puede ser negativo.

## Checkouts of several sellers (routes/shop/checkouts.rs)
# $currency and $others are currency codes, such as USD and EUR.
err-checkout-mixed-currencies = Este producto tiene precio en { $currency } y los demás en { $others }: cada compra se paga en una sola moneda.
err-checkout-mixed-currencies-advice = Compra por separado los productos de cada moneda.
err-checkout-total-too-large = El total de la compra es demasiado grande.
err-checkout-nothing-due = No hay nada pendiente de pago en esta compra.
err-checkout-order-not-awaiting-payment = Este pedido no está pendiente de pago.

## Exchange rates and quotes (routes/shop/fx.rs)
err-fx-currency-unsupported = No aceptamos esta moneda.
err-fx-same-currency = Un tipo de cambio convierte entre dos monedas distintas.
err-fx-rate-invalid = El tipo de cambio es una cadena decimal positiva con 12 decimales como máximo, como "1.0845".
err-fx-amount-not-positive = El importe debe ser positivo.
err-fx-no-rate = Todavía no podemos convertir entre estas monedas.
# The money errors of a quote, as the domain writes them. $code is the code given, in quotes.
err-fx-unknown-currency = código de moneda desconocido o no admitido { $code }
err-fx-currency-mismatch = las monedas no coinciden: { $left } y { $right }
err-fx-overflow = importe fuera de rango
err-fx-invalid-amount = importe con formato incorrecto
err-fx-too-many-decimals = demasiados decimales para { $currency } (como máximo { $max })
err-fx-negative-amount = no se admite un importe negativo
err-fx-zero-amount = no se admite un importe cero
err-fx-invalid-weights = los pesos de reparto no pueden estar vacíos ni ser todos cero
err-fx-invalid-rate = tipo de cambio no válido
