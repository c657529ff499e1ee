# A equipe encontra uma pessoa pelo nome e vê tudo sobre uma conta em uma página.

users-search-title = Encontrar um usuário
users-search-label = Nome de usuário (ou parte dele)
users-search-count =
    { $n ->
        [one] { $n } resultado para "{ $search }", primeiro os nomes que começam assim.
       *[other] { $n } resultados para "{ $search }", primeiro os nomes que começam assim.
    }
users-search-none = Nenhum nome de usuário contém isso.
users-since = Desde

users-page-title = Usuário { $name }
users-public-profile = Perfil público
users-find-another = Encontrar outro
users-member-since = Membro desde
users-manage = Papel, desativar, sair de todos os lugares
users-balances = Saldos
users-available = Disponível
users-in-escrow = Em custódia
users-withdrawing = Em saque
users-history = Histórico
users-none = Nenhum.
users-reports-about = Denúncias sobre esta pessoa
users-case-reporters =
    { $n ->
        [one] { $n } denunciante
       *[other] { $n } denunciantes
    }
users-case-since = desde { $when }
users-case-open = aberto
users-case-claimed = assumido
users-case-resolved = resolvido
users-trades = Negociações
users-as = Como
users-with = Com
users-trade-as-buyer = comprador
users-trade-as-seller = vendedor
users-offers = Ofertas publicadas
users-offers-none = Nenhuma publicada.
users-offer-link = Oferta nº { $id }
users-offer-buys-at = compra por { $price } { $currency }
users-offer-sells-at = vende por { $price } { $currency }
users-audit-trail = Trilha de auditoria
users-audit-hint = Os registros mais recentes dos logs de auditoria feitos por esta conta ou sobre ela.
users-audit-none = Nada recente.
