auth-register-title = Konto erstellen
auth-register-heading = Konto erstellen
auth-username = Benutzername
auth-email = E-Mail
auth-password = Passwort
auth-password-hint = Mindestens 12 Zeichen. Ein paar Wörter, die nichts miteinander zu tun haben, ergeben ein starkes Passwort, das man sich merken kann.
auth-register-submit = Konto erstellen
auth-already-registered = Schon registriert?
auth-sign-in-link = Anmelden
auth-welcome = Willkommen bei Pupero! Ihr Konto ist bereit.
auth-created-sign-in = Konto erstellt. Bitte melden Sie sich an.

auth-login-title = Anmelden
auth-username-or-email = Benutzername oder E-Mail
auth-remember-me = { $days ->
    [one] { $days } Tag angemeldet bleiben
   *[other] { $days } Tage angemeldet bleiben
}
auth-login-submit = Anmelden
auth-new-here = Neu hier?
auth-create-account-link = Konto erstellen
auth-forgot-link = Passwort vergessen?
auth-sign-in-to-continue = Bitte melden Sie sich an, um fortzufahren.
auth-sign-in-to-see = Bitte melden Sie sich an, um diese Seite zu sehen.
auth-signed-in = Angemeldet.
auth-signed-out = Abgemeldet.

auth-code-title = Zwei-Faktor-Code
auth-code-intro = Ihr Passwort war richtig. Geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein.
auth-code-label = Code
auth-code-hint = Der sechsstellige Code aus Ihrer App oder einer Ihrer Wiederherstellungscodes.
auth-code-submit = Bestätigen
auth-start-again = Neu beginnen
auth-password-first = Bitte geben Sie zuerst Ihr Passwort ein.
auth-step-expired = Dieser Anmeldeschritt ist abgelaufen. Bitte geben Sie Ihr Passwort erneut ein.
