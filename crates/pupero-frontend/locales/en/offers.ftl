# The market: the list of offers, one offer and its trade form, the offer form, the
# owner's list of offers.

offers-title = Offers
offers-hero-title = Trade Monero with people, not exchanges
offers-hero-text = Pick an offer, pay the seller directly in your currency, and the platform releases the XMR it holds in escrow once the seller confirms your payment.
offers-want = I want to
offers-want-any = buy or sell
offers-want-buy = buy XMR
offers-want-sell = sell XMR
offers-field-currency = Currency
offers-payment-any = any
offers-field-amount-xmr = Amount (XMR)
offers-search = Search
offers-count = { $n ->
    [one] { $n } offer
   *[other] { $n } offers
}
offers-post = Post an offer
offers-none = No offers match.
offers-post-first = Post the first one
offers-create-account = Create an account
offers-create-account-to-post = to post one.
offers-col-trader = Trader
offers-col-price = Price
offers-col-limits-xmr = Limits (XMR)
offers-col-limits = Limits
offers-col-payment = Payment
offers-col-window = Window
offers-col-status = Status
offers-col-manage = Manage
offers-selling = selling
offers-buying = buying
offers-window-short = { $n } min
offers-unfunded = unfunded
offers-unfunded-why = The seller's balance does not cover the minimum
offers-action-buy = Buy
offers-action-sell = Sell
offers-pricing-above = market +{ $margin } %
offers-pricing-below = market -{ $margin } %
offers-halted-stale = paused: there is no fresh market price right now
offers-halted-below-min = paused: the market is below the owner's minimum price
offers-halted-above-max = paused: the market is above the owner's maximum price
offers-status-open = open
offers-status-paused = paused
offers-status-closed = closed
offers-condition-amounts = Only these amounts: { $amounts } XMR
offers-condition-first-trade = A first trade with this trader: at most { $amount } XMR
offers-condition-min-trades = { $n ->
    [one] You need { $n } completed trade
   *[other] You need { $n } completed trades
}
offers-condition-trusted-only = Only for traders the owner trusts

offers-offer-title = Offer #{ $id }
offers-selling-xmr = selling XMR
offers-buying-xmr = buying XMR
offers-per-xmr = per XMR
offers-pricing-now = { $pricing }, now
offers-sign-in-to-see = sign in to see
offers-report = Report this offer
offers-fiat-limits-now = ({ $limits } now)
offers-payment-window = Payment window
offers-window-long = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
offers-condition = Condition
offers-yours = Your offer
offers-edit = Edit
offers-manage-yours = Manage your offers
offers-trade = Trade
offers-sign-in-to-trade = Sign in to trade
offers-not-open = This offer is { $status }; no new trades can start on it.
offers-halted-sentence = This offer is { $why }.
offers-take-buy = Buy XMR
offers-take-sell = Sell XMR
offers-or-in-currency = or in { $currency }
offers-trade-between = Between { $min } and { $max } XMR at { $price } { $currency } each.
offers-trade-sell-escrow = { $n ->
    [one] The seller's XMR is locked in escrow as soon as you start; you then have { $n } minute to pay.
   *[other] The seller's XMR is locked in escrow as soon as you start; you then have { $n } minutes to pay.
}
offers-trade-buy-escrow = Your XMR is locked in escrow as soon as you start, until you confirm the buyer's payment.
offers-start-trade = Start trade
offers-fiat-error = Amount in fiat: { $why }.
offers-fiat-not-positive = must be a positive amount with at most two decimals
offers-fiat-price-unreadable = cannot be converted: the offer's price is unreadable
offers-fiat-too-large = is too large
offers-amount-both = Give the amount in XMR or in the offer's currency, not both.
offers-trade-opened = Trade opened. The seller's XMR is now held in escrow.

offers-new-title = New offer
offers-edit-title = Edit offer #{ $id }
offers-label-side = Side
offers-label-price-mode = Price
offers-mode-fixed = a fixed price
offers-mode-margin = the market price plus a margin
offers-label-price = Fixed price per XMR
offers-label-margin = Margin over the market (%)
offers-margin-placeholder = 2.5 or -1.0
offers-margin-hint = With a margin, the price follows the market (the median of several price sources); a trade locks the price it opens at.
offers-label-pause-below = Pause below
offers-label-pause-above = Pause above
offers-pause-below-optional = Pause below (price per XMR, optional)
offers-pause-above-optional = Pause above (price per XMR, optional)
offers-label-payment-method = Payment method
offers-label-min = Minimum (XMR)
offers-label-max = Maximum (XMR)
offers-who-may-take = Who may take it (all optional)
offers-label-amounts = Only these amounts
offers-amounts-field = Only these amounts (XMR, comma-separated)
offers-label-first-trade = Most XMR for someone's first trade with you
offers-label-min-trades = Completed trades a taker needs
offers-trusted-only = only traders I trust
offers-label-window = Payment window (minutes)
offers-window-field = Payment window (minutes, 15–1440)
offers-label-terms = Terms
offers-terms-placeholder = What the counterparty should know: reference text, hours you answer...
offers-save = Save offer
offers-created = Your offer is live.
offers-updated = Offer updated.
offers-paused = Offer paused: nobody can start a trade on it until you resume it.
offers-resumed = Offer resumed.
offers-closed = Offer closed.
offers-deleted = Offer deleted.

offers-mine-title = My offers
offers-none-yet = You have no offers yet.
offers-below-minimum = (balance below the minimum)
offers-pause = Pause
offers-resume = Resume
offers-delete-confirm = Delete this offer?
offers-delete = Delete
