# Die Streitfallliste der Moderatoren und die Verwaltungskonsole: Nutzer (Rolle, sperren,
# überall abmelden), Guthabenkorrekturen und die Audit-Protokolle.

## Wörter, die die Seiten des Teams teilen

staff-user = Nutzer
staff-user-number = Nutzer Nr.
staff-role = Rolle
staff-state = Zustand
staff-state-active = aktiv
staff-state-disabled = gesperrt
staff-reason = Grund
staff-amount = Betrag
staff-amount-xmr = Betrag (XMR)
staff-trade = Trade
staff-seller = Verkäufer
staff-buyer = Käufer
staff-search = Suchen
staff-when = Wann
staff-who = Wer
staff-action = Aktion
staff-on = Betrifft
staff-details = Details
staff-back = Zurück

staff-role-user = Nutzer
staff-role-moderator = Moderator
staff-role-admin = Administrator

## Streitfälle

staff-disputes-title = Streitfälle
staff-disputes-count =
    { $n ->
        [one] { $n } offener Streitfall, der älteste zuerst. Öffnen Sie einen, um seinen Chat zu lesen und ihn zu entscheiden.
       *[other] { $n } offene Streitfälle, die ältesten zuerst. Öffnen Sie einen, um seinen Chat zu lesen und ihn zu entscheiden.
    }
staff-disputes-none = Keine offenen Streitfälle.
staff-fiat = Fiat
staff-statement = Stellungnahme
staff-paid = Bezahlt

## Die Verwaltungskonsole

staff-admin-title = Verwaltung
staff-find-user = Nutzer suchen
staff-sanction-history = Sanktionsverlauf
staff-appeals = Einsprüche
staff-adjust-heading = Guthabenkorrektur
staff-adjust-hint-confirm = Die nächste Seite zeigt, wessen Guthaben es ist, und bittet Sie um Bestätigung.
staff-adjust-hint-confirm-totp = Die nächste Seite zeigt, wessen Guthaben es ist, und bittet Sie um Bestätigung mit Ihrem Zwei-Faktor-Code.
staff-adjust-hint-ledger = Jede Korrektur ist eine Buchung gegen das Korrekturkonto der Plattform, mit Ihrer Begründung im Audit-Protokoll.
staff-direction = Richtung
staff-direction-credit = Gutschrift
staff-direction-debit = Belastung
staff-adjust-review = Korrektur prüfen
staff-users = Nutzer
staff-search-placeholder = Name oder E-Mail
staff-search-label = Nutzer suchen
staff-manage = Verwalten
staff-since = seit { $day }
staff-you = Sie
staff-role-of = Rolle von { $name }
staff-totp-placeholder = Ihr 2FA-Code
staff-totp-label = Ihr Zwei-Faktor-Code
staff-set-role = Rolle setzen
staff-enable = Entsperren
staff-disable = Sperren
staff-sign-out-everywhere = Überall abmelden

staff-role-set = Nutzer Nr. { $id } ist jetzt { $role }. Eine Beförderung wirkt ab der nächsten Erneuerung seines Tokens.
staff-user-disabled = Nutzer Nr. { $id } ist gesperrt und überall abgemeldet.
staff-user-enabled = Nutzer Nr. { $id } ist wieder entsperrt.
staff-sessions-ended =
    { $n ->
        [one] { $n } Sitzung von Nutzer Nr. { $id } beendet.
       *[other] { $n } Sitzungen von Nutzer Nr. { $id } beendet.
    }

## Guthabenkorrekturen

staff-adjust-no-user = Wählen Sie den Nutzer (seine Nummer), dessen Guthaben korrigiert wird.
staff-adjust-no-direction = Wählen Sie Gutschrift oder Belastung.
staff-adjust-unknown-user = Es gibt keinen Nutzer Nr. { $id }.
staff-adjust-confirm-title = Korrektur bestätigen
staff-adjust-confirm-intro = Noch wurde nichts bewegt. Prüfen Sie, wessen Guthaben das ist, und den Betrag: Die Buchung geht mit Ihrem Namen und Ihrer Begründung ins Hauptbuch und ins Audit-Protokoll und lässt sich nur durch eine weitere Korrektur rückgängig machen.
staff-credit = Gutschrift
staff-debit = Belastung
staff-available-now = Jetzt verfügbar
staff-totp-code = Zwei-Faktor-Code
staff-adjust-credit-button = { $name } { $amount } XMR gutschreiben
staff-adjust-debit-button = { $name } mit { $amount } XMR belasten
staff-adjust-credited = Gutschrift von { $amount } XMR für Nutzer Nr. { $id } verbucht; sein verfügbares Guthaben beträgt jetzt { $available } XMR.
staff-adjust-debited = Belastung von { $amount } XMR für Nutzer Nr. { $id } verbucht; sein verfügbares Guthaben beträgt jetzt { $available } XMR.

## Die Audit-Protokolle

staff-audit-title = Audit-Protokoll
staff-back-to-console = Zurück zur Konsole
staff-audit-intro = Jeder Eintrag verpflichtet sich über seinen Hash auf den vorigen, und der Kopf der Kette wird alle paar Minuten signiert;
staff-audit-verify = prüft beides.
staff-audit-empty = Noch nichts aufgezeichnet.
staff-audit-accounts = Konten
staff-audit-money = Geld
staff-audit-moderation = Moderation
staff-hash = Hash { $hash }…
staff-actor-platform = Plattform

staff-action-set-role = änderte die Rolle von
staff-action-set-disabled = sperrte oder entsperrte
staff-action-force-logout = beendete alle Sitzungen von
staff-action-adjust = korrigierte das Guthaben von
staff-action-transfer = bewegte Geld für
staff-action-resolve-for-buyer = entschied einen Streitfall für den Käufer von
staff-action-resolve-for-seller = entschied einen Streitfall für den Verkäufer von
staff-action-resolve-split = teilte die Treuhand von
staff-action-claim-case = übernahm
staff-action-add-note = schrieb eine Notiz zu
staff-action-resolve-case = entschied
staff-action-sanction = sanktionierte
staff-action-lift-sanction = beendete eine Sanktion von
staff-action-decide-appeal = entschied einen Einspruch von
staff-action-remove-offer = entfernte
staff-action-execute-withdrawal = sendete sofort
staff-action-ledger-entry = Buchung

staff-target-user = Nutzer { $name }
staff-target-trade = Trade Nr. { $id }
staff-target-offer = Angebot Nr. { $id }
staff-target-case = Fall Nr. { $id }
staff-target-entry = Buchung Nr. { $id }
