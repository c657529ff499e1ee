# The settings page (username, email, password, sessions, two-factor authentication,
# language, account deletion) and the two-factor set-up and recovery-code pages.

account-title = Settings
account-signed-in-as = Signed in as
account-member-since = member since { $date }
account-public-profile = your public profile
account-role-user = user
account-role-moderator = moderator
account-role-admin = admin

account-username-heading = Username
account-username = Username
account-change-username = Change username
account-username-changed = Username changed.

account-email-heading = Email
account-email = Email
account-current-password = Current password
account-change-email = Change email
account-email-changed = Email changed.

account-password-heading = Password
account-new-password = New password
account-new-password-again = New password again
account-change-password = Change password
account-password-hint = Changing the password signs you out everywhere.
account-passwords-differ = The two new passwords differ.
account-password-changed = Password changed. Please sign in with your new password.
account-sign-out-everywhere = Sign out everywhere
account-sign-out-everywhere-hint = Ends every session of your account, on every device, this one included.
account-signed-out-everywhere = You are signed out everywhere.

account-2fa-heading = Two-factor authentication
account-2fa-on = On. Sign-ins and releasing escrow ask for a code from your app.
account-recovery-left = Recovery codes left:
account-recovery-of = of { $total }.
account-password = Password
account-current-code = Current code
account-new-recovery-codes = New recovery codes
account-new-recovery-codes-hint = New codes replace the old ones, which stop working.
account-2fa-turn-off = Turn off
account-2fa-off = Off. Turn it on to protect your sign-ins and the release of your escrow.
account-2fa-set-up = Set up two-factor authentication
account-2fa-enabled = Two-factor authentication is on. Sign-ins and releases now ask for a code.
account-2fa-disabled = Two-factor authentication is off.

account-language-heading = Language
account-language-hint = The language of the site, on this device and wherever you sign in.
account-language-save = Save language

account-delete-heading = Delete account
account-delete-intro = Your personal data is erased. Withdraw your balance and finish your trades first.
account-delete-confirm = Delete your account for good?
account-two-factor-code = Two-factor code
account-delete-submit = Delete my account
account-deleted = Your account is deleted. Goodbye.

account-moderation-heading = Reports and sanctions
account-my-reports = My reports
account-my-reports-after = and where each stands
account-my-sanctions = Sanctions and appeals
account-my-sanctions-after = on your account

account-2fa-title = Two-factor authentication
account-2fa-setup-heading = Set up two-factor authentication
account-2fa-same-key = The key below is the same one: no need to scan it again.
account-2fa-step-scan = Scan this code with an authenticator app (Aegis, andOTP, Google Authenticator...).
account-2fa-step-type = Or type the key by hand:
account-2fa-step-enter = Enter the six-digit code the app shows.
account-2fa-qr-alt = QR code for your authenticator app
account-2fa-key-once = This key is shown only now. Keep a copy somewhere safe: without it, a lost phone locks you out.
account-2fa-code = Code
account-2fa-turn-on = Turn on

account-recovery-heading = Recovery codes
account-recovery-intro = Each of these works once instead of a code from your app: at sign-in, to release escrow, to withdraw. Write them down or print them now; they are shown only this once.
account-recovery-title = Recovery codes
account-recovery-new-heading = New recovery codes
account-recovery-old-void = The previous recovery codes no longer work.
account-back-to-settings = Back to settings
