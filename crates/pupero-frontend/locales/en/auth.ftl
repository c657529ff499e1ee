# Creating an account, signing in (with the two-factor step) and signing out.

auth-register-title = Create an account
auth-register-heading = Create an account
auth-username = Username
auth-email = Email
auth-password = Password
auth-password-hint = At least 12 characters. A few unrelated words make a strong, memorable password.
auth-register-submit = Create account
auth-already-registered = Already registered?
auth-sign-in-link = Sign in
auth-welcome = Welcome to Pupero! Your account is ready.
auth-created-sign-in = Account created. Please sign in.

auth-login-title = Sign in
auth-username-or-email = Username or email
auth-remember-me = Keep me signed in for { $days ->
    [one] { $days } day
   *[other] { $days } days
}
auth-login-submit = Sign in
auth-new-here = New here?
auth-create-account-link = Create an account
auth-forgot-link = Forgot your password?
auth-sign-in-to-continue = Please sign in to continue.
auth-sign-in-to-see = Please sign in to see that page.
auth-signed-in = Signed in.
auth-signed-out = Signed out.

auth-code-title = Two-factor code
auth-code-intro = Your password was right. Enter the six-digit code from your authenticator app.
auth-code-label = Code
auth-code-hint = The six-digit code from your app, or one of your recovery codes.
auth-code-submit = Verify
auth-start-again = Start again
auth-password-first = Please enter your password first.
auth-step-expired = That sign-in step has expired. Please enter your password again.
