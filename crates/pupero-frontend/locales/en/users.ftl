# Staff find a person by name, and see everything about one account on one page.

users-search-title = Find a user
users-search-label = Username (or part of it)
users-search-count =
    { $n ->
        [one] { $n } match for “{ $search }”, names starting with it first.
       *[other] { $n } matches for “{ $search }”, names starting with it first.
    }
users-search-none = Nobody's username contains that.
users-since = Since

users-page-title = User { $name }
users-public-profile = Public profile
users-find-another = Find another
users-member-since = Member since
users-manage = Role, disable, sign out everywhere
users-balances = Balances
users-available = Available
users-in-escrow = In escrow
users-withdrawing = Withdrawing
users-history = History
users-none = None.
users-reports-about = Reports about them
users-case-reporters =
    { $n ->
        [one] { $n } reporter
       *[other] { $n } reporters
    }
users-case-since = since { $when }
users-case-open = open
users-case-claimed = claimed
users-case-resolved = resolved
users-trades = Trades
users-as = As
users-with = With
users-trade-as-buyer = buyer
users-trade-as-seller = seller
users-offers = Listed offers
users-offers-none = None listed.
users-offer-link = Offer #{ $id }
users-offer-buys-at = buy at { $price } { $currency }
users-offer-sells-at = sell at { $price } { $currency }
users-audit-trail = Audit trail
users-audit-hint = The latest records of the audit logs by or about this account.
users-audit-none = Nothing recent.
