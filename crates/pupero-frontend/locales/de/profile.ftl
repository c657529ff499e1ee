profile-a-trader = ein Händler
profile-report = { $name } melden
profile-member-since = Mitglied seit
profile-completed = Abgeschlossene Trades
profile-rating = Bewertung
profile-reviews-count = { $n ->
    [one] { $n } Bewertung
   *[other] { $n } Bewertungen
}
profile-reviews = Bewertungen
profile-no-reviews = Noch keine Bewertungen.
profile-stars = { $n } von 5
