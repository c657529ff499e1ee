# Das Team sucht eine Person nach Namen und sieht alles über ein Konto auf einer Seite.

users-search-title = Nutzer suchen
users-search-label = Nutzername (oder ein Teil davon)
users-search-count =
    { $n ->
        [one] { $n } Treffer für „{ $search }“, Namen, die damit beginnen, zuerst.
       *[other] { $n } Treffer für „{ $search }“, Namen, die damit beginnen, zuerst.
    }
users-search-none = Kein Nutzername enthält das.
users-since = Seit

users-page-title = Nutzer { $name }
users-public-profile = Öffentliches Profil
users-find-another = Anderen suchen
users-member-since = Mitglied seit
users-manage = Rolle, sperren, überall abmelden
users-balances = Guthaben
users-available = Verfügbar
users-in-escrow = In Treuhand
users-withdrawing = In Auszahlung
users-history = Verlauf
users-none = Keine.
users-reports-about = Meldungen über diese Person
users-case-reporters =
    { $n ->
        [one] { $n } Meldender
       *[other] { $n } Meldende
    }
users-case-since = seit { $when }
users-case-open = offen
users-case-claimed = übernommen
users-case-resolved = erledigt
users-trades = Trades
users-as = Als
users-with = Mit
users-trade-as-buyer = Käufer
users-trade-as-seller = Verkäufer
users-offers = Eingestellte Angebote
users-offers-none = Keine eingestellt.
users-offer-link = Angebot Nr. { $id }
users-offer-buys-at = kauft zu { $price } { $currency }
users-offer-sells-at = verkauft zu { $price } { $currency }
users-audit-trail = Audit-Spur
users-audit-hint = Die neuesten Einträge der Audit-Protokolle von diesem Konto oder über es.
users-audit-none = Nichts aus letzter Zeit.
