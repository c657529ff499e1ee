# A trader's record beside their offers, and the offers list's filters and order by it.
# Counts come as the API shows them: a number up to 9, else a band such as "10+".

record-column = Record
record-heading = The trader's record
record-trades = { $count ->
    [one] { $count } trade
   *[other] { $count } trades
}
record-rating = ★ { $score } ({ $reviews ->
    [one] { $reviews } review
   *[other] { $reviews } reviews
})
record-joined-today = joined today
record-age = { $days ->
    [one] { $days } day on Pupero
   *[other] { $days } days on Pupero
}
record-seen-today = seen today
record-seen-this-week = seen this week
record-seen-this-month = seen this month
record-seen-long-ago = seen over a month ago
record-marks = { $cancelled } cancelled · { $lost ->
    [one] { $lost } dispute lost
   *[other] { $lost } disputes lost
}
record-profile = { $name }'s profile and reviews

filter-trades = Trades
filter-any = any
filter-rating = Rating
filter-seen = Seen
filter-seen-any = any time
filter-seen-today = today
filter-seen-week = this week
filter-seen-month = this month
filter-age = Account age
filter-age-days = { $days }+ days
filter-age-year = a year or more
filter-sort = Sort
sort-best-price = best price
sort-rating = best rated
sort-trades = most trades
sort-seen = recently seen
sort-newest = newest
sort-price-asc = price: low to high
sort-price-desc = price: high to low
