# Buyer pages: My Pocket, gift cards, the card manager, support tickets (web/buyer/pocket.rs, cards.rs, tickets.rs)

## Mi Pocket (web/buyer/pocket.rs)
pocket-title = Mi Pocket
pocket-empty = Tu Pocket está vacío. Compra una tarjeta regalo para recargarlo.
pocket-balance-in = Saldo en { $currency }
pocket-available-held = Disponible para gastar. Retenido para pedidos aún no enviados: { $held }.
pocket-expiring-title = Qué vence y cuándo
pocket-expiring-on = { $amount } vence el { $date }
pocket-buy-gift-cards = Comprar tarjetas regalo
pocket-redeem-code = Canjear un código
pocket-history = Historial
pocket-history-empty = Todavía no hay nada.
pocket-col-date = Fecha
pocket-col-what = Concepto
pocket-col-amount = Importe
pocket-col-balance-after = Saldo posterior
pocket-col-expires = Vence
pocket-history-order = { $what } · pedido { $number }

## Comprar tarjetas regalo
pocket-another-card = Otra tarjeta
pocket-billing-same-as-saved = la misma que la de tu tarjeta guardada
pocket-denomination-cards = Tarjetas de { $amount }
pocket-gift-cards-intro = Las tarjetas regalo recargan tu Pocket o se envían a otra persona como un código por correo electrónico. Se venden en dólares estadounidenses, hasta { $cap } por compra, vencen 3 años después de la compra y no se pueden reembolsar.
pocket-how-many = Cuántas de cada valor
pocket-for-whom = Para quién
pocket-pay-by-card = Pagar con tarjeta
pocket-another-card-hint = Rellena esto si elegiste «Otra tarjeta».
pocket-for-me = Recargar mi Pocket
pocket-for-gift = Enviar como regalo
pocket-recipient-email = Correo electrónico del destinatario (para un regalo)
pocket-recipient-message = Mensaje para el destinatario (opcional)
pocket-save-card = Guardar esta tarjeta para la próxima vez
pocket-bought-title = Tarjetas regalo que compraste
pocket-bought-col-bought = Fecha de compra
pocket-bought-col-value = Valor
pocket-bought-col-code = Código
pocket-bought-col-state = Estado
pocket-bought-loaded = cargada en tu Pocket
pocket-error-quantities = Indica cuántas tarjetas quieres de cada valor con números enteros.
pocket-error-no-items = Elige al menos una tarjeta regalo.
pocket-gift-sent-title = Regalo enviado
pocket-gift-emailed = Enviamos por correo electrónico tarjetas regalo por valor de { $amount } a { $email }.
pocket-gift-code-once = El código, que se muestra solo esta vez (también está en el correo):
pocket-buy-more = Comprar más

## Canjear un código
pocket-redeem-title = Canjear una tarjeta regalo
pocket-redeem-code-label = Código de la tarjeta regalo
pocket-redeem-code-hint = 16 letras y dígitos, como en el correo.
pocket-redeem-submit = Cargar en mi Pocket

## Mis tarjetas (web/buyer/cards.rs)
cards-title = Mis tarjetas
cards-empty = Todavía no tienes tarjetas guardadas.
cards-default-badge = predeterminada
cards-facts = Vence { $month }/{ $year } · { $funding } · dirección de facturación: { $address }
cards-update-expiry = Actualizar vencimiento
cards-save-expiry = Guardar vencimiento
cards-make-default = Hacer predeterminada
cards-remove = Eliminar
cards-exp-month = Mes (MM)
cards-exp-year = Año (AAAA)
cards-add-title = Añadir una tarjeta
cards-save-card = Guardar tarjeta
cards-check-note = Verificamos la tarjeta con tu banco sin hacerte ningún cargo. El código de seguridad nunca se guarda.
cards-billing-same-as-default = la misma que la de tu tarjeta predeterminada
cards-make-default-check = Usar esta tarjeta como predeterminada
cards-error-expiry = Indica el mes (del 1 al 12) y el año (4 dígitos) con números.

## Consultas al soporte (web/buyer/tickets.rs)
tickets-title = Soporte
tickets-empty = No hay consultas.
tickets-subject = Asunto
tickets-col-status = Estado
tickets-col-updated = Actualizada
tickets-write-title = Escribir al soporte
tickets-order-number = Número de pedido (opcional)
tickets-message = Mensaje
tickets-send = Enviar
tickets-your-reply = Tu respuesta
tickets-reply = Responder
tickets-ticket = Consulta
