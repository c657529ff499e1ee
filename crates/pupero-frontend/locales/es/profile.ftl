profile-a-trader = un operador
profile-report = Denunciar a { $name }
profile-member-since = Miembro desde
profile-completed = Operaciones completadas
profile-rating = Valoración
profile-reviews-count = { $n ->
    [one] { $n } valoración
   *[other] { $n } valoraciones
}
profile-reviews = Valoraciones
profile-no-reviews = Todavía no hay valoraciones.
profile-stars = { $n } de 5
