# El historial de un comerciante junto a sus ofertas, y los filtros y el orden de la lista.

record-column = Historial
record-heading = El historial del comerciante
record-trades = { $count ->
    [one] { $count } operación
   *[other] { $count } operaciones
}
record-rating = ★ { $score } ({ $reviews ->
    [one] { $reviews } reseña
   *[other] { $reviews } reseñas
})
record-joined-today = se unió hoy
record-age = { $days ->
    [one] { $days } día en Pupero
   *[other] { $days } días en Pupero
}
record-seen-today = visto hoy
record-seen-this-week = visto esta semana
record-seen-this-month = visto este mes
record-seen-long-ago = visto hace más de un mes
record-marks = { $cancelled } canceladas · { $lost ->
    [one] { $lost } disputa perdida
   *[other] { $lost } disputas perdidas
}
record-profile = Perfil y reseñas de { $name }

filter-trades = Operaciones
filter-any = cualquiera
filter-rating = Valoración
filter-seen = Visto
filter-seen-any = cuando sea
filter-seen-today = hoy
filter-seen-week = esta semana
filter-seen-month = este mes
filter-age = Antigüedad de la cuenta
filter-age-days = { $days }+ días
filter-age-year = un año o más
filter-sort = Ordenar
sort-best-price = mejor precio
sort-rating = mejor valorados
sort-trades = más operaciones
sort-seen = vistos recientemente
sort-newest = más recientes
sort-price-asc = precio: de menor a mayor
sort-price-desc = precio: de mayor a menor
