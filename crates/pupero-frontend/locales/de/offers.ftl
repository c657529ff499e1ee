offers-title = Angebote
offers-hero-title = Monero mit Menschen handeln, nicht mit Börsen
offers-hero-text = Wählen Sie ein Angebot, bezahlen Sie den Verkäufer direkt in Ihrer Währung, und die Plattform gibt die treuhänderisch verwahrten XMR frei, sobald der Verkäufer Ihre Zahlung bestätigt.
offers-want = Ich möchte
offers-want-any = kaufen oder verkaufen
offers-want-buy = XMR kaufen
offers-want-sell = XMR verkaufen
offers-field-currency = Währung
offers-payment-any = alle
offers-field-amount-xmr = Betrag (XMR)
offers-search = Suchen
offers-count = { $n ->
    [one] { $n } Angebot
   *[other] { $n } Angebote
}
offers-post = Angebot einstellen
offers-none = Keine passenden Angebote.
offers-post-first = Stellen Sie das erste ein
offers-create-account = Erstellen Sie ein Konto
offers-create-account-to-post = um eines einzustellen.
offers-col-trader = Händler
offers-col-price = Preis
offers-col-limits-xmr = Grenzen (XMR)
offers-col-limits = Grenzen
offers-col-payment = Zahlung
offers-col-window = Frist
offers-col-status = Status
offers-col-manage = Verwalten
offers-selling = verkauft
offers-buying = kauft
offers-window-short = { $n } Min.
offers-unfunded = nicht gedeckt
offers-unfunded-why = Das Guthaben des Verkäufers deckt das Minimum nicht
offers-action-buy = Kaufen
offers-action-sell = Verkaufen
offers-pricing-above = Markt +{ $margin } %
offers-pricing-below = Markt -{ $margin } %
offers-halted-stale = pausiert: Derzeit gibt es keinen aktuellen Marktpreis
offers-halted-below-min = pausiert: Der Markt liegt unter dem Mindestpreis des Anbieters
offers-halted-above-max = pausiert: Der Markt liegt über dem Höchstpreis des Anbieters
offers-status-open = offen
offers-status-paused = pausiert
offers-status-closed = geschlossen
offers-condition-amounts = Nur diese Beträge: { $amounts } XMR
offers-condition-first-trade = Ein erster Trade mit diesem Händler: höchstens { $amount } XMR
offers-condition-min-trades = { $n ->
    [one] Sie brauchen { $n } abgeschlossenen Trade
   *[other] Sie brauchen { $n } abgeschlossene Trades
}
offers-condition-trusted-only = Nur für Händler, denen der Anbieter vertraut

offers-offer-title = Angebot Nr. { $id }
offers-selling-xmr = verkauft XMR
offers-buying-xmr = kauft XMR
offers-per-xmr = pro XMR
offers-pricing-now = { $pricing }, aktuell
offers-sign-in-to-see = zum Ansehen anmelden
offers-report = Dieses Angebot melden
offers-fiat-limits-now = ({ $limits } aktuell)
offers-payment-window = Zahlungsfrist
offers-window-long = { $n ->
    [one] { $n } Minute
   *[other] { $n } Minuten
}
offers-condition = Bedingung
offers-yours = Ihr Angebot
offers-edit = Bearbeiten
offers-manage-yours = Ihre Angebote verwalten
offers-trade = Handeln
offers-sign-in-to-trade = Zum Handeln anmelden
offers-not-open = Dieses Angebot ist { $status }; darauf kann kein neuer Trade beginnen.
offers-halted-sentence = Dieses Angebot ist { $why }.
offers-take-buy = XMR kaufen
offers-take-sell = XMR verkaufen
offers-or-in-currency = oder in { $currency }
offers-trade-between = Zwischen { $min } und { $max } XMR zu je { $price } { $currency }.
offers-trade-sell-escrow = { $n ->
    [one] Die XMR des Verkäufers werden beim Start treuhänderisch gesperrt; danach haben Sie { $n } Minute Zeit zum Bezahlen.
   *[other] Die XMR des Verkäufers werden beim Start treuhänderisch gesperrt; danach haben Sie { $n } Minuten Zeit zum Bezahlen.
}
offers-trade-buy-escrow = Ihre XMR werden beim Start treuhänderisch gesperrt, bis Sie die Zahlung des Käufers bestätigen.
offers-start-trade = Trade starten
offers-fiat-error = Betrag in Fiatgeld: { $why }.
offers-fiat-not-positive = muss ein positiver Betrag mit höchstens zwei Nachkommastellen sein
offers-fiat-price-unreadable = kann nicht umgerechnet werden: Der Preis des Angebots ist unlesbar
offers-fiat-too-large = ist zu groß
offers-amount-both = Geben Sie den Betrag in XMR oder in der Währung des Angebots an, nicht beides.
offers-trade-opened = Trade eröffnet. Die XMR des Verkäufers werden jetzt treuhänderisch verwahrt.

offers-new-title = Neues Angebot
offers-edit-title = Angebot Nr. { $id } bearbeiten
offers-label-side = Seite
offers-label-price-mode = Preis
offers-mode-fixed = ein fester Preis
offers-mode-margin = der Marktpreis plus eine Marge
offers-label-price = Fester Preis pro XMR
offers-label-margin = Marge über dem Markt (%)
offers-margin-placeholder = 2,5 oder -1,0
offers-margin-hint = Mit einer Marge folgt der Preis dem Markt (dem Median mehrerer Preisquellen); ein Trade legt den Preis fest, zu dem er eröffnet wird.
offers-label-pause-below = Pausieren unter
offers-label-pause-above = Pausieren über
offers-pause-below-optional = Pausieren unter (Preis pro XMR, optional)
offers-pause-above-optional = Pausieren über (Preis pro XMR, optional)
offers-label-payment-method = Zahlungsmethode
offers-label-min = Minimum (XMR)
offers-label-max = Maximum (XMR)
offers-who-may-take = Wer es annehmen darf (alles optional)
offers-label-amounts = Nur diese Beträge
offers-amounts-field = Nur diese Beträge (XMR, durch Kommas getrennt)
offers-label-first-trade = Höchstens so viele XMR beim ersten Trade mit Ihnen
offers-label-min-trades = Abgeschlossene Trades, die ein Annehmender braucht
offers-trusted-only = nur Händler, denen ich vertraue
offers-label-window = Zahlungsfrist (Minuten)
offers-window-field = Zahlungsfrist (Minuten, 15–1440)
offers-label-terms = Bedingungen
offers-terms-placeholder = Was die Gegenseite wissen sollte: Verwendungszweck, Zeiten, zu denen Sie antworten...
offers-save = Angebot speichern
offers-created = Ihr Angebot ist online.
offers-updated = Angebot aktualisiert.
offers-paused = Angebot pausiert: Niemand kann darauf einen Trade beginnen, bis Sie es fortsetzen.
offers-resumed = Angebot fortgesetzt.
offers-closed = Angebot geschlossen.
offers-deleted = Angebot gelöscht.

offers-mine-title = Meine Angebote
offers-none-yet = Sie haben noch keine Angebote.
offers-below-minimum = (Guthaben unter dem Minimum)
offers-pause = Pausieren
offers-resume = Fortsetzen
offers-delete-confirm = Dieses Angebot löschen?
offers-delete = Löschen
