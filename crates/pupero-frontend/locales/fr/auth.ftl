auth-register-title = Créer un compte
auth-register-heading = Créer un compte
auth-username = Nom d'utilisateur
auth-email = E-mail
auth-password = Mot de passe
auth-password-hint = Au moins 12 caractères. Quelques mots sans rapport entre eux font un mot de passe solide et facile à retenir.
auth-register-submit = Créer le compte
auth-already-registered = Déjà inscrit ?
auth-sign-in-link = Se connecter
auth-welcome = Bienvenue sur Pupero ! Votre compte est prêt.
auth-created-sign-in = Compte créé. Veuillez vous connecter.

auth-login-title = Connexion
auth-username-or-email = Nom d'utilisateur ou e-mail
auth-remember-me = Rester connecté pendant { $days ->
    [one] { $days } jour
   *[other] { $days } jours
}
auth-login-submit = Se connecter
auth-new-here = Nouveau venu ?
auth-create-account-link = Créer un compte
auth-forgot-link = Mot de passe oublié ?
auth-sign-in-to-continue = Veuillez vous connecter pour continuer.
auth-sign-in-to-see = Veuillez vous connecter pour voir cette page.
auth-signed-in = Vous êtes connecté.
auth-signed-out = Vous êtes déconnecté.

auth-code-title = Code à deux facteurs
auth-code-intro = Votre mot de passe est correct. Saisissez le code à six chiffres de votre application d'authentification.
auth-code-label = Code
auth-code-hint = Le code à six chiffres de votre application, ou l'un de vos codes de secours.
auth-code-submit = Vérifier
auth-start-again = Recommencer
auth-password-first = Veuillez d'abord saisir votre mot de passe.
auth-step-expired = Cette étape de connexion a expiré. Veuillez saisir à nouveau votre mot de passe.
