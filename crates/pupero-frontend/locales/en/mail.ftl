# Mail from the visitor's side: forgotten password, the reset and verification links'
# pages, and the mail section of the settings page.

mail-forgot-title = Forgot your password?
mail-forgot-intro = Type the email address of your account. If it has one, we send a link to choose a new password.
mail-email = Email
mail-send-link = Send the link
mail-reset-title = Choose a new password
mail-new-password = New password
mail-new-password-again = New password again
mail-set-password = Set the new password
mail-reset-signs-out = This signs you out everywhere else.
mail-passwords-differ = The two passwords are not the same.
mail-password-reset = Your password was changed. Sign in with it.
mail-verify-title = Confirm your email address
mail-verify-submit = Confirm my address

mail-heading = Mail
mail-disabled = This platform does not send mail.
mail-verified = Your address is verified: the events you choose below are mailed to it.
mail-unverified = Your address is not verified yet, so nothing is mailed to it.
mail-send-verification = Send me a verification link
mail-verification-sent = We sent you a link: open it to confirm your address.
mail-phrase = Anti-phishing phrase
mail-phrase-hint = Every mail from us starts with this phrase. A mail without it is not from us.
mail-events-legend = Mail me when
mail-save = Save mail settings
mail-saved = Mail settings saved.
mail-unreadable = Mail settings cannot be read right now.

mail-event-trade-opened = Someone opens a trade on my offer
mail-event-trade-paid = My buyer marks a trade as paid
mail-event-trade-released = XMR is released to me
mail-event-trade-cancelled = A trade of mine is cancelled
mail-event-trade-expiring = An unpaid trade is about to expire
mail-event-dispute-opened = A dispute is opened on my trade
mail-event-dispute-resolved = A dispute of mine is decided
mail-event-message-received = A new chat message
mail-event-deposit-credited = A deposit is credited
mail-event-withdrawal-sent = A withdrawal is sent
