# O histórico de um negociante ao lado das suas ofertas, e os filtros e a ordem da lista.

record-column = Histórico
record-heading = O histórico do negociante
record-trades = { $count ->
    [one] { $count } negociação
   *[other] { $count } negociações
}
record-rating = ★ { $score } ({ $reviews ->
    [one] { $reviews } avaliação
   *[other] { $reviews } avaliações
})
record-joined-today = entrou hoje
record-age = { $days ->
    [one] { $days } dia no Pupero
   *[other] { $days } dias no Pupero
}
record-seen-today = visto hoje
record-seen-this-week = visto esta semana
record-seen-this-month = visto este mês
record-seen-long-ago = visto há mais de um mês
record-marks = { $cancelled } canceladas · { $lost ->
    [one] { $lost } disputa perdida
   *[other] { $lost } disputas perdidas
}
record-profile = Perfil e avaliações de { $name }

filter-trades = Negociações
filter-any = qualquer
filter-rating = Avaliação
filter-seen = Visto
filter-seen-any = a qualquer momento
filter-seen-today = hoje
filter-seen-week = esta semana
filter-seen-month = este mês
filter-age = Idade da conta
filter-age-days = { $days }+ dias
filter-age-year = um ano ou mais
filter-sort = Ordenar
sort-best-price = melhor preço
sort-rating = mais bem avaliados
sort-trades = mais negociações
sort-seen = vistos recentemente
sort-newest = mais recentes
sort-price-asc = preço: do menor ao maior
sort-price-desc = preço: do maior ao menor
