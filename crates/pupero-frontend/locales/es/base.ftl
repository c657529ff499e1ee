site-name = Pupero
nav-main = Principal
nav-offers = Ofertas
nav-my-trades = Mis operaciones
nav-my-offers = Mis ofertas
nav-balances = Saldos
nav-inbox = Bandeja
nav-unread = { $n ->
    [one] { $n } sin leer
   *[other] { $n } sin leer
}
nav-moderation = Moderación
nav-admin = Administración
nav-sign-out = Cerrar sesión
nav-sign-in = Iniciar sesión
nav-create-account = Crear cuenta
footer-about = Pupero — Monero entre pares. La plataforma retiene en custodia los XMR del vendedor; el dinero fiat va directamente entre las partes.
language-label = Idioma
language-choose = Cambiar idioma
language-saved = El sitio ahora está en español.

error-form-refused = Este formulario fue rechazado
error-form-expired = Ha caducado o se envió desde otro sitio. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-not-found = No encontrado
error-not-found-detail = Aquí no hay nada, o no le corresponde verlo.
error-unavailable = No disponible temporalmente
error-unavailable-detail = No se puede acceder a la plataforma en este momento. No se ha cambiado nada; inténtelo de nuevo en un momento.
error-something-wrong = Algo salió mal
error-back-to-offers = Volver a las ofertas

pager-label = Páginas
pager-previous = ← Anterior
pager-next = Siguiente →
pager-position = Página { $page } de { $pages }

trade-state-awaiting-payment = Esperando el pago
trade-state-paid = Pagado — esperando la liberación
trade-state-completed = Completada
trade-state-cancelled = Cancelada
trade-state-disputed = En disputa

withdrawal-status-queued = En cola
withdrawal-status-sending = Enviándose
withdrawal-status-relayed = Enviado, confirmando
withdrawal-status-confirmed = Confirmado
withdrawal-status-failed = Fallido (reembolsado)
withdrawal-status-cancelled = Cancelado (reembolsado)
