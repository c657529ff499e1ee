account-title = Einstellungen
account-signed-in-as = Angemeldet als
account-member-since = Mitglied seit { $date }
account-public-profile = Ihr öffentliches Profil
account-role-user = Benutzer
account-role-moderator = Moderator
account-role-admin = Administrator

account-username-heading = Benutzername
account-username = Benutzername
account-change-username = Benutzernamen ändern
account-username-changed = Benutzername geändert.

account-email-heading = E-Mail
account-email = E-Mail
account-current-password = Aktuelles Passwort
account-change-email = E-Mail ändern
account-email-changed = E-Mail geändert.

account-password-heading = Passwort
account-new-password = Neues Passwort
account-new-password-again = Neues Passwort wiederholen
account-change-password = Passwort ändern
account-password-hint = Wenn Sie das Passwort ändern, werden Sie überall abgemeldet.
account-passwords-differ = Die beiden neuen Passwörter stimmen nicht überein.
account-password-changed = Passwort geändert. Bitte melden Sie sich mit Ihrem neuen Passwort an.
account-sign-out-everywhere = Überall abmelden
account-sign-out-everywhere-hint = Beendet alle Sitzungen Ihres Kontos auf allen Geräten, auch auf diesem.
account-signed-out-everywhere = Sie sind überall abgemeldet.

account-2fa-heading = Zwei-Faktor-Authentifizierung
account-2fa-on = Aktiv. Anmeldungen und die Freigabe der Treuhand verlangen einen Code aus Ihrer App.
account-recovery-left = Verbleibende Wiederherstellungscodes:
account-recovery-of = von { $total }.
account-password = Passwort
account-current-code = Aktueller Code
account-new-recovery-codes = Neue Wiederherstellungscodes
account-new-recovery-codes-hint = Neue Codes ersetzen die alten, die dann nicht mehr funktionieren.
account-2fa-turn-off = Ausschalten
account-2fa-off = Aus. Schalten Sie sie ein, um Ihre Anmeldungen und die Freigabe Ihrer Treuhand zu schützen.
account-2fa-set-up = Zwei-Faktor-Authentifizierung einrichten
account-2fa-enabled = Die Zwei-Faktor-Authentifizierung ist aktiv. Anmeldungen und Freigaben verlangen jetzt einen Code.
account-2fa-disabled = Die Zwei-Faktor-Authentifizierung ist ausgeschaltet.

account-language-heading = Sprache
account-language-hint = Die Sprache der Website, auf diesem Gerät und überall, wo Sie sich anmelden.
account-language-save = Sprache speichern

account-delete-heading = Konto löschen
account-delete-intro = Ihre persönlichen Daten werden gelöscht. Heben Sie vorher Ihr Guthaben ab und schließen Sie Ihre Trades ab.
account-delete-confirm = Ihr Konto endgültig löschen?
account-two-factor-code = Zwei-Faktor-Code
account-delete-submit = Mein Konto löschen
account-deleted = Ihr Konto ist gelöscht. Auf Wiedersehen.

account-moderation-heading = Meldungen und Sanktionen
account-my-reports = Meine Meldungen
account-my-reports-after = und ihr jeweiliger Stand
account-my-sanctions = Sanktionen und Einsprüche
account-my-sanctions-after = zu Ihrem Konto

account-2fa-title = Zwei-Faktor-Authentifizierung
account-2fa-setup-heading = Zwei-Faktor-Authentifizierung einrichten
account-2fa-same-key = Der Schlüssel unten ist derselbe: Sie müssen ihn nicht erneut scannen.
account-2fa-step-scan = Scannen Sie diesen Code mit einer Authenticator-App (Aegis, andOTP, Google Authenticator …).
account-2fa-step-type = Oder geben Sie den Schlüssel von Hand ein:
account-2fa-step-enter = Geben Sie den sechsstelligen Code ein, den die App anzeigt.
account-2fa-qr-alt = QR-Code für Ihre Authenticator-App
account-2fa-key-once = Dieser Schlüssel wird nur jetzt angezeigt. Bewahren Sie eine Kopie sicher auf: Ohne sie sperrt Sie ein verlorenes Handy aus.
account-2fa-code = Code
account-2fa-turn-on = Einschalten

account-recovery-heading = Wiederherstellungscodes
account-recovery-intro = Jeder dieser Codes ersetzt einmal einen Code aus Ihrer App: bei der Anmeldung, zur Freigabe der Treuhand, zum Abheben. Schreiben Sie sie jetzt auf oder drucken Sie sie aus; sie werden nur dieses eine Mal angezeigt.
account-recovery-title = Wiederherstellungscodes
account-recovery-new-heading = Neue Wiederherstellungscodes
account-recovery-old-void = Die bisherigen Wiederherstellungscodes funktionieren nicht mehr.
account-back-to-settings = Zurück zu den Einstellungen
