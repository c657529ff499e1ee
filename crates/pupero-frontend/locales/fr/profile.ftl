profile-a-trader = un négociant
profile-report = Signaler { $name }
profile-member-since = Membre depuis
profile-completed = Échanges terminés
profile-rating = Note
profile-reviews-count = { $n ->
    [one] { $n } évaluation
   *[other] { $n } évaluations
}
profile-reviews = Évaluations
profile-no-reviews = Pas encore d'évaluation.
profile-stars = { $n } sur 5
