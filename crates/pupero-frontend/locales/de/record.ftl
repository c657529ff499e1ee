# Die Bilanz eines Händlers neben seinen Angeboten, und Filter und Reihenfolge der Liste.

record-column = Bilanz
record-heading = Die Bilanz des Händlers
record-trades = { $count ->
    [one] { $count } Abschluss
   *[other] { $count } Abschlüsse
}
record-rating = ★ { $score } ({ $reviews ->
    [one] { $reviews } Bewertung
   *[other] { $reviews } Bewertungen
})
record-joined-today = heute beigetreten
record-age = { $days ->
    [one] { $days } Tag bei Pupero
   *[other] { $days } Tage bei Pupero
}
record-seen-today = heute gesehen
record-seen-this-week = diese Woche gesehen
record-seen-this-month = diesen Monat gesehen
record-seen-long-ago = vor über einem Monat gesehen
record-marks = { $cancelled } storniert · { $lost ->
    [one] { $lost } Streitfall verloren
   *[other] { $lost } Streitfälle verloren
}
record-profile = Profil und Bewertungen von { $name }

filter-trades = Abschlüsse
filter-any = alle
filter-rating = Bewertung
filter-seen = Gesehen
filter-seen-any = jederzeit
filter-seen-today = heute
filter-seen-week = diese Woche
filter-seen-month = diesen Monat
filter-age = Kontoalter
filter-age-days = ab { $days } Tagen
filter-age-year = ein Jahr oder mehr
filter-sort = Sortieren
sort-best-price = bester Preis
sort-rating = am besten bewertet
sort-trades = meiste Abschlüsse
sort-seen = zuletzt gesehen
sort-newest = neueste
sort-price-asc = Preis: aufsteigend
sort-price-desc = Preis: absteigend
