# Le bilan d'un échangeur à côté de ses offres, et les filtres et l'ordre de la liste.

record-column = Bilan
record-heading = Le bilan de l'échangeur
record-trades = { $count ->
    [one] { $count } échange
   *[other] { $count } échanges
}
record-rating = ★ { $score } ({ $reviews ->
    [one] { $reviews } avis
   *[other] { $reviews } avis
})
record-joined-today = inscrit aujourd'hui
record-age = { $days ->
    [one] { $days } jour sur Pupero
   *[other] { $days } jours sur Pupero
}
record-seen-today = vu aujourd'hui
record-seen-this-week = vu cette semaine
record-seen-this-month = vu ce mois-ci
record-seen-long-ago = vu il y a plus d'un mois
record-marks = { $cancelled } annulé(s) · { $lost ->
    [one] { $lost } litige perdu
   *[other] { $lost } litiges perdus
}
record-profile = Profil et avis de { $name }

filter-trades = Échanges
filter-any = tous
filter-rating = Note
filter-seen = Vu
filter-seen-any = n'importe quand
filter-seen-today = aujourd'hui
filter-seen-week = cette semaine
filter-seen-month = ce mois-ci
filter-age = Ancienneté du compte
filter-age-days = { $days } jours et plus
filter-age-year = un an ou plus
filter-sort = Trier
sort-best-price = meilleur prix
sort-rating = mieux notés
sort-trades = plus d'échanges
sort-seen = vus récemment
sort-newest = plus récentes
sort-price-asc = prix croissant
sort-price-desc = prix décroissant
