# The frame of every page: menu, footer, language picker, error pages, pager, and the
# words for states that many pages show.

site-name = Pupero
nav-main = Main
nav-offers = Offers
nav-my-trades = My trades
nav-my-offers = My offers
nav-balances = Balances
nav-inbox = Inbox
nav-unread = { $n } unread
nav-moderation = Moderation
nav-admin = Admin
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-create-account = Create account
footer-about = Pupero — peer-to-peer Monero. The platform holds the seller's XMR in escrow; fiat goes directly between traders.
language-label = Language
language-choose = Change language
language-saved = The site now speaks English.

error-form-refused = This form was refused
error-form-expired = It has expired or was sent from another site. Go back, reload the page and try again.
error-not-found = Not found
error-not-found-detail = There is nothing here, or it is not yours to see.
error-unavailable = Temporarily unavailable
error-unavailable-detail = The platform cannot be reached right now. Nothing was changed; try again in a moment.
error-something-wrong = Something went wrong
error-back-to-offers = Back to the offers

pager-label = Pages
pager-previous = ← Previous
pager-next = Next →
pager-position = Page { $page } of { $pages }

trade-state-awaiting-payment = Awaiting payment
trade-state-paid = Paid — waiting for release
trade-state-completed = Completed
trade-state-cancelled = Cancelled
trade-state-disputed = In dispute

withdrawal-status-queued = Queued
withdrawal-status-sending = Being sent
withdrawal-status-relayed = Sent, confirming
withdrawal-status-confirmed = Confirmed
withdrawal-status-failed = Failed (refunded)
withdrawal-status-cancelled = Cancelled (refunded)
