site-name = Pupero
nav-main = Principal
nav-offers = Offres
nav-my-trades = Mes échanges
nav-my-offers = Mes offres
nav-balances = Soldes
nav-inbox = Messages
nav-unread = { $n ->
    [one] { $n } non lu
   *[other] { $n } non lus
}
nav-moderation = Modération
nav-admin = Administration
nav-sign-out = Se déconnecter
nav-sign-in = Se connecter
nav-create-account = Créer un compte
footer-about = Pupero — Monero de pair à pair. La plateforme garde les XMR du vendeur sous séquestre ; la monnaie fiduciaire passe directement entre les parties.
language-label = Langue
language-choose = Changer de langue
language-saved = Le site est désormais en français.

error-form-refused = Ce formulaire a été refusé
error-form-expired = Il a expiré ou a été envoyé depuis un autre site. Revenez en arrière, rechargez la page et réessayez.
error-not-found = Introuvable
error-not-found-detail = Il n'y a rien ici, ou ce n'est pas à vous de le voir.
error-unavailable = Momentanément indisponible
error-unavailable-detail = La plateforme est injoignable pour le moment. Rien n'a été modifié ; réessayez dans un instant.
error-something-wrong = Une erreur s'est produite
error-back-to-offers = Retour aux offres

pager-label = Pages
pager-previous = ← Précédente
pager-next = Suivante →
pager-position = Page { $page } sur { $pages }

trade-state-awaiting-payment = En attente du paiement
trade-state-paid = Payé — en attente de libération
trade-state-completed = Terminé
trade-state-cancelled = Annulé
trade-state-disputed = En litige

withdrawal-status-queued = En file d'attente
withdrawal-status-sending = En cours d'envoi
withdrawal-status-relayed = Envoyé, en confirmation
withdrawal-status-confirmed = Confirmé
withdrawal-status-failed = Échoué (remboursé)
withdrawal-status-cancelled = Annulé (remboursé)
