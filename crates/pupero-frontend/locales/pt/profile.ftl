profile-a-trader = um negociante
profile-report = Denunciar { $name }
profile-member-since = Membro desde
profile-completed = Negociações concluídas
profile-rating = Nota
profile-reviews-count = { $n ->
    [one] { $n } avaliação
   *[other] { $n } avaliações
}
profile-reviews = Avaliações
profile-no-reviews = Ainda não há avaliações.
profile-stars = { $n } de 5
