# A trader's public profile.

profile-a-trader = a trader
profile-report = Report { $name }
profile-member-since = Member since
profile-completed = Completed trades
profile-rating = Rating
profile-reviews-count = { $n ->
    [one] { $n } review
   *[other] { $n } reviews
}
profile-reviews = Reviews
profile-no-reviews = No reviews yet.
profile-stars = { $n } of 5
