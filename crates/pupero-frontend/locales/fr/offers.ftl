offers-title = Offres
offers-hero-title = Échangez des Monero avec des personnes, pas avec des plateformes d'échange
offers-hero-text = Choisissez une offre, payez le vendeur directement dans votre monnaie, et la plateforme libère les XMR qu'elle garde sous séquestre dès que le vendeur confirme votre paiement.
offers-want = Je veux
offers-want-any = acheter ou vendre
offers-want-buy = acheter des XMR
offers-want-sell = vendre des XMR
offers-field-currency = Devise
offers-payment-any = tous
offers-field-amount-xmr = Montant (XMR)
offers-search = Rechercher
offers-count = { $n ->
    [one] { $n } offre
   *[other] { $n } offres
}
offers-post = Publier une offre
offers-none = Aucune offre ne correspond.
offers-post-first = Publiez la première
offers-create-account = Créez un compte
offers-create-account-to-post = pour en publier une.
offers-col-trader = Négociant
offers-col-price = Prix
offers-col-limits-xmr = Limites (XMR)
offers-col-limits = Limites
offers-col-payment = Paiement
offers-col-window = Délai
offers-col-status = Statut
offers-col-manage = Gérer
offers-selling = vend
offers-buying = achète
offers-window-short = { $n } min
offers-unfunded = non approvisionnée
offers-unfunded-why = Le solde du vendeur ne couvre pas le minimum
offers-action-buy = Acheter
offers-action-sell = Vendre
offers-pricing-above = marché +{ $margin } %
offers-pricing-below = marché -{ $margin } %
offers-halted-stale = en pause : aucun prix du marché récent pour le moment
offers-halted-below-min = en pause : le marché est sous le prix minimum du propriétaire
offers-halted-above-max = en pause : le marché est au-dessus du prix maximum du propriétaire
offers-status-open = ouverte
offers-status-paused = en pause
offers-status-closed = fermée
offers-condition-amounts = Uniquement ces montants : { $amounts } XMR
offers-condition-first-trade = Un premier échange avec ce négociant : au plus { $amount } XMR
offers-condition-min-trades = { $n ->
    [one] Il vous faut { $n } échange terminé
   *[other] Il vous faut { $n } échanges terminés
}
offers-condition-trusted-only = Réservée aux négociants en qui le propriétaire a confiance

offers-offer-title = Offre nº { $id }
offers-selling-xmr = vend des XMR
offers-buying-xmr = achète des XMR
offers-per-xmr = par XMR
offers-pricing-now = { $pricing }, actuellement
offers-sign-in-to-see = connectez-vous pour le voir
offers-report = Signaler cette offre
offers-fiat-limits-now = ({ $limits } actuellement)
offers-payment-window = Délai de paiement
offers-window-long = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
offers-condition = Condition
offers-yours = Votre offre
offers-edit = Modifier
offers-manage-yours = Gérer vos offres
offers-trade = Échanger
offers-sign-in-to-trade = Se connecter pour échanger
offers-not-open = Cette offre est { $status } ; aucun nouvel échange ne peut y commencer.
offers-halted-sentence = Cette offre est { $why }.
offers-take-buy = Acheter des XMR
offers-take-sell = Vendre des XMR
offers-or-in-currency = ou en { $currency }
offers-trade-between = Entre { $min } et { $max } XMR à { $price } { $currency } l'unité.
offers-trade-sell-escrow = { $n ->
    [one] Les XMR du vendeur sont bloqués sous séquestre dès que vous commencez ; vous avez ensuite { $n } minute pour payer.
   *[other] Les XMR du vendeur sont bloqués sous séquestre dès que vous commencez ; vous avez ensuite { $n } minutes pour payer.
}
offers-trade-buy-escrow = Vos XMR sont bloqués sous séquestre dès que vous commencez, jusqu'à ce que vous confirmiez le paiement de l'acheteur.
offers-start-trade = Commencer l'échange
offers-fiat-error = Montant en monnaie fiduciaire : { $why }.
offers-fiat-not-positive = doit être un montant positif avec au plus deux décimales
offers-fiat-price-unreadable = conversion impossible : le prix de l'offre est illisible
offers-fiat-too-large = est trop élevé
offers-amount-both = Indiquez le montant en XMR ou dans la devise de l'offre, pas les deux.
offers-trade-opened = Échange ouvert. Les XMR du vendeur sont maintenant sous séquestre.

offers-new-title = Nouvelle offre
offers-edit-title = Modifier l'offre nº { $id }
offers-label-side = Sens
offers-label-price-mode = Prix
offers-mode-fixed = un prix fixe
offers-mode-margin = le prix du marché plus une marge
offers-label-price = Prix fixe par XMR
offers-label-margin = Marge sur le marché (%)
offers-margin-placeholder = 2,5 ou -1,0
offers-margin-hint = Avec une marge, le prix suit le marché (la médiane de plusieurs sources de prix) ; un échange fige le prix auquel il s'ouvre.
offers-label-pause-below = Pause en dessous de
offers-label-pause-above = Pause au-dessus de
offers-pause-below-optional = Pause en dessous de (prix par XMR, facultatif)
offers-pause-above-optional = Pause au-dessus de (prix par XMR, facultatif)
offers-label-payment-method = Moyen de paiement
offers-label-min = Minimum (XMR)
offers-label-max = Maximum (XMR)
offers-who-may-take = Qui peut la prendre (tout est facultatif)
offers-label-amounts = Uniquement ces montants
offers-amounts-field = Uniquement ces montants (XMR, séparés par des virgules)
offers-label-first-trade = Maximum de XMR pour un premier échange avec vous
offers-label-min-trades = Échanges terminés exigés du preneur
offers-trusted-only = uniquement les négociants en qui j'ai confiance
offers-label-window = Délai de paiement (minutes)
offers-window-field = Délai de paiement (minutes, 15–1440)
offers-label-terms = Conditions
offers-terms-placeholder = Ce que la contrepartie doit savoir : texte de référence, heures où vous répondez...
offers-save = Enregistrer l'offre
offers-created = Votre offre est en ligne.
offers-updated = Offre mise à jour.
offers-paused = Offre en pause : personne ne peut y commencer un échange avant que vous la repreniez.
offers-resumed = Offre reprise.
offers-closed = Offre fermée.
offers-deleted = Offre supprimée.

offers-mine-title = Mes offres
offers-none-yet = Vous n'avez encore aucune offre.
offers-below-minimum = (solde inférieur au minimum)
offers-pause = Mettre en pause
offers-resume = Reprendre
offers-delete-confirm = Supprimer cette offre ?
offers-delete = Supprimer
