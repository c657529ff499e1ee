# Meldungen, Sanktionen und Einsprüche: das Meldeformular, die Liste der eigenen
# Meldungen, die Sanktionsseite und der Hinweis dort, wo eine Sanktion etwas sperrt;
# danach die Konsole der Moderatoren.

## Worauf sich Meldungen und Sanktionen beziehen, und ihre Zustände

moderation-category-scam = Betrug
moderation-category-payment-fraud = Zahlungsbetrug
moderation-category-harassment = Belästigung
moderation-category-spam = Spam
moderation-category-illegal = Illegale Inhalte oder Aktivitäten
moderation-category-other = Etwas anderes

moderation-sanction-warn = Verwarnung
moderation-sanction-mute = Stummgeschaltet (kein Trade-Chat)
moderation-sanction-trade-ban = Handelssperre (keine neuen Angebote oder Trades)
moderation-sanction-withdrawal-hold = Auszahlungssperre
moderation-sanction-suspend = Vorübergehende Sperrung
moderation-sanction-ban = Dauerhafte Sperre

moderation-case-open = Wartet auf einen Moderator
moderation-case-claimed = Ein Moderator kümmert sich darum
moderation-case-actioned = Erledigt: Maßnahmen wurden ergriffen
moderation-case-dismissed = Erledigt: kein Regelverstoß
moderation-case-resolved = Erledigt

moderation-appeal-pending = Wartet auf die Entscheidung eines Moderators
moderation-appeal-upheld = Abgelehnt: Die Sanktion bleibt bestehen
moderation-appeal-lifted = Angenommen: Die Sanktion wurde aufgehoben

moderation-target-user = Nutzer { $name }
moderation-target-offer = Angebot Nr. { $id }
moderation-target-trade = Trade Nr. { $id }
moderation-target-message = Chatnachricht Nr. { $id }

moderation-about-user = Nutzer
moderation-about-offer = Angebot
moderation-about-trade = Trade
moderation-about-message = Chatnachricht

moderation-age-seconds = { $n } s
moderation-age-minutes = { $n } min
moderation-age-hours = { $n } h
moderation-age-days = { $n } T

moderation-until-lifted = bis zur Aufhebung
moderation-lifted-at = Aufgehoben am { $when }
moderation-lifted-because = Aufgehoben am { $when }: { $reason }

## Wörter, die diese Seiten teilen

moderation-about = Betrifft
moderation-reason = Grund
moderation-reason-user-sees = Grund (der Nutzer sieht ihn)
moderation-status = Status
moderation-state = Zustand
moderation-sent = Gesendet
moderation-user = Nutzer
moderation-sanction = Sanktion
moderation-by = Von
moderation-since = Seit
moderation-ends = Endet
moderation-lifted = Aufgehoben
moderation-state-in-force = in Kraft
moderation-state-lifted = aufgehoben
moderation-state-ended = abgelaufen
moderation-decided-by = von { $name }

## Melden

moderation-report-title = Melden
moderation-report-heading = { $what } melden
moderation-report-what = Wählen Sie, was Sie melden: einen Nutzer, ein Angebot, einen Trade oder eine Chatnachricht
moderation-report-hint-read = Moderatoren lesen jede Meldung.
moderation-report-hint-follow = Wiederholte Meldungen derselben Sache werden zu einem Fall zusammengeführt; Ihre eigenen verfolgen Sie unter
moderation-report-hint-anonymous = Die gemeldete Person erfährt nicht, wer sie gemeldet hat.
moderation-report-what-happened = Was ist passiert
moderation-report-placeholder = Beschreiben Sie, was passiert ist, mit der Trade-Nummer oder den Daten, falls Sie sie haben.
moderation-report-submit = Meldung senden
moderation-report-no-reason = Wählen Sie einen Grund für die Meldung.
moderation-report-sent = Danke: Meldung Nr. { $id } liegt bei den Moderatoren. Ihr Status wird hier angezeigt.

moderation-my-reports-title = Meine Meldungen
moderation-my-reports-count =
    { $n ->
        [one] { $n } Meldung, die neueste zuerst.
       *[other] { $n } Meldungen, die neuesten zuerst.
    }
moderation-my-reports-notes-hidden = Die privaten Notizen der Moderatoren werden nicht angezeigt, das Ergebnis schon.
moderation-my-reports-none = Sie haben nichts gemeldet. Ein „Melden“-Link steht bei jedem Profil, Angebot, Trade und jeder Chatnachricht.
moderation-what-you-said = Ihre Angaben

## Die Sanktionen des Nutzers und seine Einsprüche

moderation-my-sanctions-title = Sanktionen und Einsprüche
moderation-my-sanctions-intro = Was Moderatoren über Ihr Konto entschieden haben, warum, bis wann und wie Sie Einspruch einlegen.
moderation-appeal-other-moderator = Über einen Einspruch entscheidet ein anderer Moderator als der, der die Sanktion verhängt hat.
moderation-my-sanctions-none = Für Ihr Konto gibt es keine Sanktionen.
moderation-your-appeal = Ihr Einspruch
moderation-appeal-label = Einspruch (bis { $until })
moderation-appeal-placeholder = Warum diese Sanktion aufgehoben werden sollte.
moderation-appeal-submit = Einspruch senden
moderation-appeal-sent = Ihr Einspruch ist gesendet. Darüber entscheidet ein anderer Moderator als der, der die Sanktion verhängt hat.

moderation-blocked-until-lifted = bis zur Aufhebung
moderation-blocked-until = bis { $when }
moderation-blocked-link = Ihre Sanktionen ansehen und erfahren, wie Sie Einspruch einlegen

## Die Konsole der Moderatoren

moderation-nav-label = Moderation
moderation-nav-disputes = Streitfälle
moderation-nav-resolved = Erledigte Fälle
moderation-nav-find-placeholder = Nutzername
moderation-nav-find-label = Nutzer nach Namen suchen
moderation-nav-find-submit = Nutzer suchen

moderation-queue-title = Meldungswarteschlange
moderation-filter-open-claimed = offen und übernommen
moderation-filter-open = offen
moderation-filter-claimed = übernommen
moderation-filter-resolved = erledigt
moderation-filter-any = beliebig
moderation-filter-anything = alles
moderation-filter-assigned-to = Zugewiesen an
moderation-filter-anyone = beliebig
moderation-filter-me = mich
moderation-filter-submit = Anzeigen
moderation-queue-count =
    { $n ->
        [one] { $n } Fall: die am häufigsten gemeldeten zuerst, dann die ältesten.
       *[other] { $n } Fälle: die am häufigsten gemeldeten zuerst, dann die ältesten.
    }
moderation-queue-merged = Jeder Fall führt alle Meldungen derselben Sache zusammen.
moderation-queue-none = Hier gibt es keine Fälle.
moderation-case = Fall
moderation-reporters = Meldende
moderation-waiting = Wartet seit
moderation-assigned = Zugewiesen
moderation-escalated = eskaliert
moderation-nobody = niemand

moderation-case-title = Fall Nr. { $id }
moderation-opened = Eröffnet
moderation-opened-ago = { $when } (vor { $age })
moderation-decided = Entschieden
moderation-claim = Diesen Fall übernehmen
moderation-claimed = Dieser Fall gehört jetzt Ihnen. In der Warteschlange erscheint er als Ihrer.
moderation-case-reports = Meldungen ({ $n })
moderation-case-sanctions = Sanktionen der Beteiligten
moderation-user-number = Nutzer Nr.
moderation-who = Wer
moderation-candidate-owner = { $name } (Inhaber des Angebots)
moderation-candidate-seller = { $name } (Verkäufer)
moderation-candidate-buyer = { $name } (Käufer)
moderation-candidate-reported = { $name } (gemeldeter Nutzer)
moderation-days = Tage (leer: bis zur Aufhebung)
moderation-impose = Verhängen
moderation-sanction-no-user = Wählen Sie, wen Sie sanktionieren (die Nutzernummer).
moderation-sanction-bad-days = Die Dauer ist eine ganze Zahl von Tagen zwischen 1 und 3650, oder leer für „bis zur Aufhebung“.
moderation-sanction-imposed = Sanktion „{ $kind }“ gegen Nutzer Nr. { $user } verhängt (Sanktion Nr. { $id }). Der Nutzer sieht sie mit Ihrer Begründung.
moderation-remove-offer-heading = Angebot entfernen
moderation-remove-offer-confirm = Angebot Nr. { $id } entfernen? Bereits laufende Trades darauf laufen weiter.
moderation-remove-offer = Angebot Nr. { $id } entfernen
moderation-not-an-offer = Dieser Fall betrifft kein Angebot.
moderation-offer-removed = Angebot Nr. { $id } ist entfernt; bereits laufende Trades darauf laufen weiter.
moderation-decide = Entscheiden
moderation-resolve-actioned = Erledigen: Maßnahmen ergriffen
moderation-resolve-dismissed = Abweisen
moderation-case-dismissed-done = Fall abgewiesen. Die Meldenden sehen ihn als erledigt.
moderation-case-actioned-done = Fall mit Maßnahmen erledigt. Die Meldenden sehen ihn als erledigt.
moderation-notes = Private Notizen
moderation-notes-hint = Nur Moderatoren sehen sie.
moderation-notes-none = Noch keine Notizen.
moderation-note = Notiz
moderation-note-placeholder = Eine Notiz für die anderen Moderatoren
moderation-note-submit = Notiz hinzufügen
moderation-note-added = Notiz hinzugefügt (nur Moderatoren sehen sie).

moderation-history-title = Sanktionen
moderation-history-of-user = Sanktionen von Nutzer Nr. { $id }
moderation-history-count =
    { $n ->
        [one] { $n } Sanktion, die neueste zuerst.
       *[other] { $n } Sanktionen, die neuesten zuerst.
    }
moderation-history-lift-note = Eine Aufhebung wirkt sofort überall; eine Auszahlungssperre hebt nur ein Administrator auf.
moderation-history-none = Keine Sanktionen.
moderation-row-appeal = Einspruch: { $status }
moderation-lift = Aufheben
moderation-lift-why = Grund
moderation-lift-why-label = Grund für die Aufhebung von Sanktion { $id }
moderation-sanction-lifted = Sanktion Nr. { $id } ist aufgehoben, überall, wo sie galt.

moderation-appeals-title = Einsprüche
moderation-appeals-filter-pending = zu entscheiden
moderation-appeals-filter-upheld = abgelehnt
moderation-appeals-filter-lifted = angenommen
moderation-appeals-count-pending =
    { $n ->
        [one] { $n } offener Einspruch, der älteste zuerst.
       *[other] { $n } offene Einsprüche, die ältesten zuerst.
    }
moderation-appeals-count-upheld =
    { $n ->
        [one] { $n } abgelehnter Einspruch, der älteste zuerst.
       *[other] { $n } abgelehnte Einsprüche, die ältesten zuerst.
    }
moderation-appeals-count-lifted =
    { $n ->
        [one] { $n } angenommener Einspruch, der älteste zuerst.
       *[other] { $n } angenommene Einsprüche, die ältesten zuerst.
    }
moderation-appeals-not-yours = Über den Einspruch gegen eine Sanktion, die Sie selbst verhängt haben, oder einen, der Sie betrifft, können Sie nicht entscheiden.
moderation-appeals-none-pending = Keine offenen Einsprüche.
moderation-appeals-none-upheld = Keine abgelehnten Einsprüche.
moderation-appeals-none-lifted = Keine angenommenen Einsprüche.
moderation-appeal-heading = Einspruch Nr. { $id } von
moderation-its-reason = Begründung der Sanktion
moderation-imposed-by = Verhängt von
moderation-appeal-text-heading = Der Einspruch ({ $when })
moderation-decide-lift = Sanktion aufheben
moderation-decide-uphold = Bestehen lassen
moderation-appeal-accepted = Einspruch Nr. { $id } angenommen: Die Sanktion ist aufgehoben.
moderation-appeal-upheld-done = Einspruch Nr. { $id } entschieden: Die Sanktion bleibt bestehen.
