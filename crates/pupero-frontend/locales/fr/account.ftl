account-title = Paramètres
account-signed-in-as = Connecté en tant que
account-member-since = membre depuis le { $date }
account-public-profile = votre profil public
account-role-user = utilisateur
account-role-moderator = modérateur
account-role-admin = administrateur

account-username-heading = Nom d'utilisateur
account-username = Nom d'utilisateur
account-change-username = Changer de nom d'utilisateur
account-username-changed = Nom d'utilisateur modifié.

account-email-heading = E-mail
account-email = E-mail
account-current-password = Mot de passe actuel
account-change-email = Changer d'adresse e-mail
account-email-changed = Adresse e-mail modifiée.

account-password-heading = Mot de passe
account-new-password = Nouveau mot de passe
account-new-password-again = Nouveau mot de passe (confirmation)
account-change-password = Changer de mot de passe
account-password-hint = Changer de mot de passe vous déconnecte partout.
account-passwords-differ = Les deux nouveaux mots de passe sont différents.
account-password-changed = Mot de passe modifié. Veuillez vous connecter avec votre nouveau mot de passe.
account-sign-out-everywhere = Se déconnecter partout
account-sign-out-everywhere-hint = Met fin à toutes les sessions de votre compte, sur tous les appareils, y compris celui-ci.
account-signed-out-everywhere = Vous êtes déconnecté partout.

account-2fa-heading = Authentification à deux facteurs
account-2fa-on = Activée. Les connexions et la libération du séquestre demandent un code de votre application.
account-recovery-left = Codes de secours restants :
account-recovery-of = sur { $total }.
account-password = Mot de passe
account-current-code = Code actuel
account-new-recovery-codes = Nouveaux codes de secours
account-new-recovery-codes-hint = Les nouveaux codes remplacent les anciens, qui cessent de fonctionner.
account-2fa-turn-off = Désactiver
account-2fa-off = Désactivée. Activez-la pour protéger vos connexions et la libération de votre séquestre.
account-2fa-set-up = Configurer l'authentification à deux facteurs
account-2fa-enabled = L'authentification à deux facteurs est activée. Les connexions et les libérations demandent désormais un code.
account-2fa-disabled = L'authentification à deux facteurs est désactivée.

account-language-heading = Langue
account-language-hint = La langue du site, sur cet appareil et partout où vous vous connectez.
account-language-save = Enregistrer la langue

account-delete-heading = Supprimer le compte
account-delete-intro = Vos données personnelles sont effacées. Retirez d'abord votre solde et terminez vos échanges.
account-delete-confirm = Supprimer définitivement votre compte ?
account-two-factor-code = Code à deux facteurs
account-delete-submit = Supprimer mon compte
account-deleted = Votre compte est supprimé. Au revoir.

account-moderation-heading = Signalements et sanctions
account-my-reports = Mes signalements
account-my-reports-after = et leur avancement
account-my-sanctions = Sanctions et recours
account-my-sanctions-after = concernant votre compte

account-2fa-title = Authentification à deux facteurs
account-2fa-setup-heading = Configurer l'authentification à deux facteurs
account-2fa-same-key = La clé ci-dessous est la même : inutile de la scanner à nouveau.
account-2fa-step-scan = Scannez ce code avec une application d'authentification (Aegis, andOTP, Google Authenticator…).
account-2fa-step-type = Ou saisissez la clé à la main :
account-2fa-step-enter = Saisissez le code à six chiffres affiché par l'application.
account-2fa-qr-alt = QR code pour votre application d'authentification
account-2fa-key-once = Cette clé n'est affichée que maintenant. Gardez-en une copie en lieu sûr : sans elle, la perte de votre téléphone vous bloque l'accès.
account-2fa-code = Code
account-2fa-turn-on = Activer

account-recovery-heading = Codes de secours
account-recovery-intro = Chacun de ces codes remplace une fois un code de votre application : à la connexion, pour libérer le séquestre, pour retirer. Notez-les ou imprimez-les maintenant ; ils ne sont affichés que cette fois-ci.
account-recovery-title = Codes de secours
account-recovery-new-heading = Nouveaux codes de secours
account-recovery-old-void = Les anciens codes de secours ne fonctionnent plus.
account-back-to-settings = Retour aux paramètres
