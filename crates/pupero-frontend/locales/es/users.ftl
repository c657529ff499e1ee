# El personal busca a una persona por su nombre y ve todo sobre una cuenta en una página.

users-search-title = Buscar un usuario
users-search-label = Nombre de usuario (o parte de él)
users-search-count =
    { $n ->
        [one] { $n } coincidencia con «{ $search }», primero los nombres que empiezan así.
       *[other] { $n } coincidencias con «{ $search }», primero los nombres que empiezan así.
    }
users-search-none = Ningún nombre de usuario contiene eso.
users-since = Desde

users-page-title = Usuario { $name }
users-public-profile = Perfil público
users-find-another = Buscar otro
users-member-since = Miembro desde
users-manage = Rol, desactivar, cerrar sesión en todas partes
users-balances = Saldos
users-available = Disponible
users-in-escrow = En garantía
users-withdrawing = En retiro
users-history = Historial
users-none = Ninguno.
users-reports-about = Denuncias sobre esta persona
users-case-reporters =
    { $n ->
        [one] { $n } denunciante
       *[other] { $n } denunciantes
    }
users-case-since = desde el { $when }
users-case-open = abierto
users-case-claimed = asignado
users-case-resolved = resuelto
users-trades = Operaciones
users-as = Como
users-with = Con
users-trade-as-buyer = comprador
users-trade-as-seller = vendedor
users-offers = Ofertas publicadas
users-offers-none = Ninguna publicada.
users-offer-link = Oferta n.º { $id }
users-offer-buys-at = compra a { $price } { $currency }
users-offer-sells-at = vende a { $price } { $currency }
users-audit-trail = Rastro de auditoría
users-audit-hint = Los últimos registros de auditoría hechos por esta cuenta o sobre ella.
users-audit-none = Nada reciente.
