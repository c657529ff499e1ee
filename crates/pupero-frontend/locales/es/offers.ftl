offers-title = Ofertas
offers-hero-title = Opere con Monero entre personas, no con casas de cambio
offers-hero-text = Elija una oferta, pague al vendedor directamente en su moneda y la plataforma libera los XMR que retiene en custodia en cuanto el vendedor confirma su pago.
offers-want = Quiero
offers-want-any = comprar o vender
offers-want-buy = comprar XMR
offers-want-sell = vender XMR
offers-field-currency = Moneda
offers-payment-any = cualquiera
offers-field-amount-xmr = Cantidad (XMR)
offers-search = Buscar
offers-count = { $n ->
    [one] { $n } oferta
   *[other] { $n } ofertas
}
offers-post = Publicar una oferta
offers-none = Ninguna oferta coincide.
offers-post-first = Publique la primera
offers-create-account = Cree una cuenta
offers-create-account-to-post = para publicar una.
offers-col-trader = Operador
offers-col-price = Precio
offers-col-limits-xmr = Límites (XMR)
offers-col-limits = Límites
offers-col-payment = Pago
offers-col-window = Plazo
offers-col-status = Estado
offers-col-manage = Gestionar
offers-selling = vende
offers-buying = compra
offers-window-short = { $n } min
offers-unfunded = sin fondos
offers-unfunded-why = El saldo del vendedor no cubre el mínimo
offers-action-buy = Comprar
offers-action-sell = Vender
offers-pricing-above = mercado +{ $margin } %
offers-pricing-below = mercado -{ $margin } %
offers-halted-stale = en pausa: ahora mismo no hay un precio de mercado reciente
offers-halted-below-min = en pausa: el mercado está por debajo del precio mínimo del propietario
offers-halted-above-max = en pausa: el mercado está por encima del precio máximo del propietario
offers-status-open = abierta
offers-status-paused = en pausa
offers-status-closed = cerrada
offers-condition-amounts = Solo estas cantidades: { $amounts } XMR
offers-condition-first-trade = Una primera operación con este operador: como máximo { $amount } XMR
offers-condition-min-trades = { $n ->
    [one] Necesita { $n } operación completada
   *[other] Necesita { $n } operaciones completadas
}
offers-condition-trusted-only = Solo para operadores de confianza del propietario

offers-offer-title = Oferta n.º { $id }
offers-selling-xmr = vende XMR
offers-buying-xmr = compra XMR
offers-per-xmr = por XMR
offers-pricing-now = { $pricing }, ahora
offers-sign-in-to-see = inicie sesión para verlo
offers-report = Denunciar esta oferta
offers-fiat-limits-now = ({ $limits } ahora)
offers-payment-window = Plazo de pago
offers-window-long = { $n ->
    [one] { $n } minuto
   *[other] { $n } minutos
}
offers-condition = Condición
offers-yours = Su oferta
offers-edit = Editar
offers-manage-yours = Gestionar sus ofertas
offers-trade = Operar
offers-sign-in-to-trade = Inicie sesión para operar
offers-not-open = Esta oferta está { $status }; no se pueden iniciar nuevas operaciones en ella.
offers-halted-sentence = Esta oferta está { $why }.
offers-take-buy = Comprar XMR
offers-take-sell = Vender XMR
offers-or-in-currency = o en { $currency }
offers-trade-between = Entre { $min } y { $max } XMR a { $price } { $currency } cada uno.
offers-trade-sell-escrow = { $n ->
    [one] Los XMR del vendedor quedan bloqueados en custodia en cuanto empieza; después tiene { $n } minuto para pagar.
   *[other] Los XMR del vendedor quedan bloqueados en custodia en cuanto empieza; después tiene { $n } minutos para pagar.
}
offers-trade-buy-escrow = Sus XMR quedan bloqueados en custodia en cuanto empieza, hasta que confirme el pago del comprador.
offers-start-trade = Iniciar la operación
offers-fiat-error = Cantidad en moneda fiat: { $why }.
offers-fiat-not-positive = debe ser una cantidad positiva con dos decimales como máximo
offers-fiat-price-unreadable = no se puede convertir: el precio de la oferta es ilegible
offers-fiat-too-large = es demasiado grande
offers-amount-both = Indique la cantidad en XMR o en la moneda de la oferta, no ambas.
offers-trade-opened = Operación abierta. Los XMR del vendedor están ahora en custodia.

offers-new-title = Nueva oferta
offers-edit-title = Editar la oferta n.º { $id }
offers-label-side = Lado
offers-label-price-mode = Precio
offers-mode-fixed = un precio fijo
offers-mode-margin = el precio de mercado más un margen
offers-label-price = Precio fijo por XMR
offers-label-margin = Margen sobre el mercado (%)
offers-margin-placeholder = 2,5 o -1,0
offers-margin-hint = Con un margen, el precio sigue al mercado (la mediana de varias fuentes de precios); una operación fija el precio con el que se abre.
offers-label-pause-below = Pausar por debajo de
offers-label-pause-above = Pausar por encima de
offers-pause-below-optional = Pausar por debajo de (precio por XMR, opcional)
offers-pause-above-optional = Pausar por encima de (precio por XMR, opcional)
offers-label-payment-method = Método de pago
offers-label-min = Mínimo (XMR)
offers-label-max = Máximo (XMR)
offers-who-may-take = Quién puede aceptarla (todo opcional)
offers-label-amounts = Solo estas cantidades
offers-amounts-field = Solo estas cantidades (XMR, separadas por comas)
offers-label-first-trade = Máximo de XMR en la primera operación de alguien con usted
offers-label-min-trades = Operaciones completadas que necesita quien acepta
offers-trusted-only = solo operadores de mi confianza
offers-label-window = Plazo de pago (minutos)
offers-window-field = Plazo de pago (minutos, 15–1440)
offers-label-terms = Condiciones
offers-terms-placeholder = Lo que la contraparte debe saber: texto de referencia, horario en que responde...
offers-save = Guardar la oferta
offers-created = Su oferta está publicada.
offers-updated = Oferta actualizada.
offers-paused = Oferta en pausa: nadie puede iniciar una operación en ella hasta que la reanude.
offers-resumed = Oferta reanudada.
offers-closed = Oferta cerrada.
offers-deleted = Oferta eliminada.

offers-mine-title = Mis ofertas
offers-none-yet = Todavía no tiene ofertas.
offers-below-minimum = (saldo por debajo del mínimo)
offers-pause = Pausar
offers-resume = Reanudar
offers-delete-confirm = ¿Eliminar esta oferta?
offers-delete = Eliminar
