offers-title = Ofertas
offers-hero-title = Negocie Monero com pessoas, não com corretoras
offers-hero-text = Escolha uma oferta, pague o vendedor diretamente na sua moeda, e a plataforma libera os XMR que mantém em custódia assim que o vendedor confirmar o seu pagamento.
offers-want = Quero
offers-want-any = comprar ou vender
offers-want-buy = comprar XMR
offers-want-sell = vender XMR
offers-field-currency = Moeda
offers-payment-any = qualquer
offers-field-amount-xmr = Quantia (XMR)
offers-search = Pesquisar
offers-count = { $n ->
    [one] { $n } oferta
   *[other] { $n } ofertas
}
offers-post = Publicar uma oferta
offers-none = Nenhuma oferta corresponde.
offers-post-first = Publique a primeira
offers-create-account = Crie uma conta
offers-create-account-to-post = para publicar uma.
offers-col-trader = Negociante
offers-col-price = Preço
offers-col-limits-xmr = Limites (XMR)
offers-col-limits = Limites
offers-col-payment = Pagamento
offers-col-window = Prazo
offers-col-status = Status
offers-col-manage = Gerenciar
offers-selling = vende
offers-buying = compra
offers-window-short = { $n } min
offers-unfunded = sem saldo
offers-unfunded-why = O saldo do vendedor não cobre o mínimo
offers-action-buy = Comprar
offers-action-sell = Vender
offers-pricing-above = mercado +{ $margin } %
offers-pricing-below = mercado -{ $margin } %
offers-halted-stale = pausada: não há um preço de mercado recente no momento
offers-halted-below-min = pausada: o mercado está abaixo do preço mínimo do dono
offers-halted-above-max = pausada: o mercado está acima do preço máximo do dono
offers-status-open = aberta
offers-status-paused = pausada
offers-status-closed = fechada
offers-condition-amounts = Somente estas quantias: { $amounts } XMR
offers-condition-first-trade = Uma primeira negociação com este negociante: no máximo { $amount } XMR
offers-condition-min-trades = { $n ->
    [one] Você precisa de { $n } negociação concluída
   *[other] Você precisa de { $n } negociações concluídas
}
offers-condition-trusted-only = Somente para negociantes da confiança do dono

offers-offer-title = Oferta nº { $id }
offers-selling-xmr = vende XMR
offers-buying-xmr = compra XMR
offers-per-xmr = por XMR
offers-pricing-now = { $pricing }, agora
offers-sign-in-to-see = entre para ver
offers-report = Denunciar esta oferta
offers-fiat-limits-now = ({ $limits } agora)
offers-payment-window = Prazo de pagamento
offers-window-long = { $n ->
    [one] { $n } minuto
   *[other] { $n } minutos
}
offers-condition = Condição
offers-yours = Sua oferta
offers-edit = Editar
offers-manage-yours = Gerenciar suas ofertas
offers-trade = Negociar
offers-sign-in-to-trade = Entre para negociar
offers-not-open = Esta oferta está { $status }; nenhuma nova negociação pode começar nela.
offers-halted-sentence = Esta oferta está { $why }.
offers-take-buy = Comprar XMR
offers-take-sell = Vender XMR
offers-or-in-currency = ou em { $currency }
offers-trade-between = Entre { $min } e { $max } XMR a { $price } { $currency } cada.
offers-trade-sell-escrow = { $n ->
    [one] Os XMR do vendedor ficam bloqueados em custódia assim que você começa; depois você tem { $n } minuto para pagar.
   *[other] Os XMR do vendedor ficam bloqueados em custódia assim que você começa; depois você tem { $n } minutos para pagar.
}
offers-trade-buy-escrow = Seus XMR ficam bloqueados em custódia assim que você começa, até você confirmar o pagamento do comprador.
offers-start-trade = Iniciar negociação
offers-fiat-error = Quantia em moeda fiduciária: { $why }.
offers-fiat-not-positive = deve ser uma quantia positiva com no máximo duas casas decimais
offers-fiat-price-unreadable = não pode ser convertida: o preço da oferta está ilegível
offers-fiat-too-large = é grande demais
offers-amount-both = Informe a quantia em XMR ou na moeda da oferta, não as duas.
offers-trade-opened = Negociação aberta. Os XMR do vendedor agora estão em custódia.

offers-new-title = Nova oferta
offers-edit-title = Editar a oferta nº { $id }
offers-label-side = Lado
offers-label-price-mode = Preço
offers-mode-fixed = um preço fixo
offers-mode-margin = o preço de mercado mais uma margem
offers-label-price = Preço fixo por XMR
offers-label-margin = Margem sobre o mercado (%)
offers-margin-placeholder = 2,5 ou -1,0
offers-margin-hint = Com uma margem, o preço acompanha o mercado (a mediana de várias fontes de preço); uma negociação trava o preço com que é aberta.
offers-label-pause-below = Pausar abaixo de
offers-label-pause-above = Pausar acima de
offers-pause-below-optional = Pausar abaixo de (preço por XMR, opcional)
offers-pause-above-optional = Pausar acima de (preço por XMR, opcional)
offers-label-payment-method = Forma de pagamento
offers-label-min = Mínimo (XMR)
offers-label-max = Máximo (XMR)
offers-who-may-take = Quem pode aceitá-la (tudo opcional)
offers-label-amounts = Somente estas quantias
offers-amounts-field = Somente estas quantias (XMR, separadas por vírgulas)
offers-label-first-trade = Máximo de XMR na primeira negociação de alguém com você
offers-label-min-trades = Negociações concluídas exigidas de quem aceita
offers-trusted-only = somente negociantes em quem confio
offers-label-window = Prazo de pagamento (minutos)
offers-window-field = Prazo de pagamento (minutos, 15–1440)
offers-label-terms = Condições
offers-terms-placeholder = O que a outra parte deve saber: texto de referência, horários em que você responde...
offers-save = Salvar oferta
offers-created = Sua oferta está no ar.
offers-updated = Oferta atualizada.
offers-paused = Oferta pausada: ninguém pode iniciar uma negociação nela até você retomá-la.
offers-resumed = Oferta retomada.
offers-closed = Oferta fechada.
offers-deleted = Oferta excluída.

offers-mine-title = Minhas ofertas
offers-none-yet = Você ainda não tem ofertas.
offers-below-minimum = (saldo abaixo do mínimo)
offers-pause = Pausar
offers-resume = Retomar
offers-delete-confirm = Excluir esta oferta?
offers-delete = Excluir
