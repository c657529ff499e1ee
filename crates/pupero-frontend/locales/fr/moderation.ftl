# Signalements, sanctions et recours : le formulaire de signalement, la liste du
# signaleur, la page des sanctions de l'utilisateur et l'avis affiché là où une sanction
# bloque quelque chose ; puis la console des modérateurs.

## Ce que visent signalements et sanctions, et leurs états

moderation-category-scam = Arnaque
moderation-category-payment-fraud = Fraude au paiement
moderation-category-harassment = Harcèlement
moderation-category-spam = Spam
moderation-category-illegal = Contenu ou activité illégale
moderation-category-other = Autre chose

moderation-sanction-warn = Avertissement
moderation-sanction-mute = Réduit au silence (plus de discussion dans les échanges)
moderation-sanction-trade-ban = Interdiction d'échanger (ni nouvelles offres ni nouveaux échanges)
moderation-sanction-withdrawal-hold = Retraits bloqués
moderation-sanction-suspend = Suspension
moderation-sanction-ban = Bannissement

moderation-case-open = En attente d'un modérateur
moderation-case-claimed = Un modérateur s'en occupe
moderation-case-actioned = Traité : des mesures ont été prises
moderation-case-dismissed = Traité : rien de contraire aux règles
moderation-case-resolved = Traité

moderation-appeal-pending = En attente de la décision d'un modérateur
moderation-appeal-upheld = Rejeté : la sanction est maintenue
moderation-appeal-lifted = Accepté : la sanction a été levée

moderation-target-user = l'utilisateur { $name }
moderation-target-offer = l'offre n° { $id }
moderation-target-trade = l'échange n° { $id }
moderation-target-message = le message n° { $id }

moderation-about-user = utilisateur
moderation-about-offer = offre
moderation-about-trade = échange
moderation-about-message = message de discussion

moderation-age-seconds = { $n } s
moderation-age-minutes = { $n } min
moderation-age-hours = { $n } h
moderation-age-days = { $n } j

moderation-until-lifted = jusqu'à sa levée
moderation-lifted-at = Levée le { $when }
moderation-lifted-because = Levée le { $when } : { $reason }

## Mots communs à ces pages

moderation-about = Objet
moderation-reason = Motif
moderation-reason-user-sees = Motif (l'utilisateur le voit)
moderation-status = Statut
moderation-state = État
moderation-sent = Envoyé
moderation-user = Utilisateur
moderation-sanction = Sanction
moderation-by = Par
moderation-since = Depuis
moderation-ends = Fin
moderation-lifted = Levée
moderation-state-in-force = en vigueur
moderation-state-lifted = levée
moderation-state-ended = terminée
moderation-decided-by = par { $name }

## Signaler

moderation-report-title = Signaler
moderation-report-heading = Signaler { $what }
moderation-report-what = choisissez ce que vous signalez : un utilisateur, une offre, un échange ou un message
moderation-report-hint-read = Les modérateurs lisent chaque signalement.
moderation-report-hint-follow = Les signalements répétés d'une même chose sont réunis en un seul dossier ; vous pouvez suivre les vôtres dans
moderation-report-hint-anonymous = La personne signalée ne sait pas qui l'a signalée.
moderation-report-what-happened = Ce qui s'est passé
moderation-report-placeholder = Décrivez ce qui s'est passé, avec le numéro de l'échange ou les dates si vous les avez.
moderation-report-submit = Envoyer le signalement
moderation-report-no-reason = Choisissez un motif pour le signalement.
moderation-report-sent = Merci : le signalement n° { $id } est entre les mains des modérateurs. Son statut s'affiche ici.

moderation-my-reports-title = Mes signalements
moderation-my-reports-count =
    { $n ->
        [one] { $n } signalement, du plus récent au plus ancien.
       *[other] { $n } signalements, du plus récent au plus ancien.
    }
moderation-my-reports-notes-hidden = Les notes privées des modérateurs ne sont pas affichées ; la décision l'est.
moderation-my-reports-none = Vous n'avez rien signalé. Un lien « Signaler » figure sur chaque profil, offre, échange et message.
moderation-what-you-said = Ce que vous avez écrit

## Les sanctions de l'utilisateur et ses recours

moderation-my-sanctions-title = Sanctions et recours
moderation-my-sanctions-intro = Ce que les modérateurs ont décidé au sujet de votre compte, pourquoi, jusqu'à quand, et comment faire appel.
moderation-appeal-other-moderator = Un recours est tranché par un autre modérateur que celui qui a imposé la sanction.
moderation-my-sanctions-none = Votre compte n'a aucune sanction.
moderation-your-appeal = Votre recours
moderation-appeal-label = Recours (jusqu'au { $until })
moderation-appeal-placeholder = Pourquoi cette sanction devrait être levée.
moderation-appeal-submit = Envoyer le recours
moderation-appeal-sent = Votre recours est envoyé. Un autre modérateur que celui qui a imposé la sanction le tranchera.

moderation-blocked-until-lifted = jusqu'à sa levée
moderation-blocked-until = jusqu'au { $when }
moderation-blocked-link = Voir vos sanctions et comment faire appel

## La console des modérateurs

moderation-nav-label = Modération
moderation-nav-disputes = Litiges
moderation-nav-resolved = Dossiers traités
moderation-nav-find-placeholder = nom d'utilisateur
moderation-nav-find-label = Trouver un utilisateur par son nom
moderation-nav-find-submit = Trouver

moderation-queue-title = File des signalements
moderation-filter-open-claimed = ouverts et pris en charge
moderation-filter-open = ouverts
moderation-filter-claimed = pris en charge
moderation-filter-resolved = traités
moderation-filter-any = tous
moderation-filter-anything = tout
moderation-filter-assigned-to = Attribué à
moderation-filter-anyone = n'importe qui
moderation-filter-me = moi
moderation-filter-submit = Afficher
moderation-queue-count =
    { $n ->
        [one] { $n } dossier : les plus signalés d'abord, puis les plus anciens.
       *[other] { $n } dossiers : les plus signalés d'abord, puis les plus anciens.
    }
moderation-queue-merged = Chaque dossier réunit tous les signalements d'une même chose.
moderation-queue-none = Aucun dossier ici.
moderation-case = Dossier
moderation-reporters = Signaleurs
moderation-waiting = En attente depuis
moderation-assigned = Attribué à
moderation-escalated = escaladé
moderation-nobody = personne

moderation-case-title = Dossier n° { $id }
moderation-opened = Ouvert
moderation-opened-ago = { $when } (il y a { $age })
moderation-decided = Décision
moderation-claim = Prendre ce dossier
moderation-claimed = Ce dossier est à vous. Il apparaît comme le vôtre dans la file.
moderation-case-reports = Signalements ({ $n })
moderation-case-sanctions = Sanctions des personnes concernées
moderation-user-number = Utilisateur n°
moderation-who = Qui
moderation-candidate-owner = { $name } (propriétaire de l'offre)
moderation-candidate-seller = { $name } (le vendeur)
moderation-candidate-buyer = { $name } (l'acheteur)
moderation-candidate-reported = { $name } (l'utilisateur signalé)
moderation-days = Jours (vide : jusqu'à levée)
moderation-impose = Imposer
moderation-sanction-no-user = Choisissez qui sanctionner (son numéro d'utilisateur).
moderation-sanction-bad-days = La durée est un nombre entier de jours de 1 à 3650, ou vide pour « jusqu'à levée ».
moderation-sanction-imposed = Sanction « { $kind } » imposée à l'utilisateur n° { $user } (sanction n° { $id }). Il la voit avec votre motif.
moderation-remove-offer-heading = Retirer l'offre
moderation-remove-offer-confirm = Retirer l'offre n° { $id } ? Les échanges déjà ouverts sur elle continuent.
moderation-remove-offer = Retirer l'offre n° { $id }
moderation-not-an-offer = Ce dossier ne concerne pas une offre.
moderation-offer-removed = L'offre n° { $id } est retirée ; les échanges déjà ouverts sur elle continuent.
moderation-decide = Décider
moderation-resolve-actioned = Traiter : mesures prises
moderation-resolve-dismissed = Classer sans suite
moderation-case-dismissed-done = Dossier classé sans suite. Les signaleurs le voient traité.
moderation-case-actioned-done = Dossier traité, mesures prises. Les signaleurs le voient traité.
moderation-notes = Notes privées
moderation-notes-hint = Seuls les modérateurs les voient.
moderation-notes-none = Pas encore de notes.
moderation-note = Note
moderation-note-placeholder = Une note pour les autres modérateurs
moderation-note-submit = Ajouter la note
moderation-note-added = Note ajoutée (seuls les modérateurs la voient).

moderation-history-title = Sanctions
moderation-history-of-user = Sanctions de l'utilisateur n° { $id }
moderation-history-count =
    { $n ->
        [one] { $n } sanction, de la plus récente à la plus ancienne.
       *[other] { $n } sanctions, de la plus récente à la plus ancienne.
    }
moderation-history-lift-note = Une levée prend effet partout à la fois ; seul un administrateur lève un blocage des retraits.
moderation-history-none = Aucune sanction.
moderation-row-appeal = recours : { $status }
moderation-lift = Lever
moderation-lift-why = motif
moderation-lift-why-label = Motif de la levée de la sanction { $id }
moderation-sanction-lifted = La sanction n° { $id } est levée, partout où elle s'appliquait.

moderation-appeals-title = Recours
moderation-appeals-filter-pending = à trancher
moderation-appeals-filter-upheld = rejetés
moderation-appeals-filter-lifted = acceptés
moderation-appeals-count-pending =
    { $n ->
        [one] { $n } recours en attente, du plus ancien au plus récent.
       *[other] { $n } recours en attente, du plus ancien au plus récent.
    }
moderation-appeals-count-upheld =
    { $n ->
        [one] { $n } recours rejeté, du plus ancien au plus récent.
       *[other] { $n } recours rejetés, du plus ancien au plus récent.
    }
moderation-appeals-count-lifted =
    { $n ->
        [one] { $n } recours accepté, du plus ancien au plus récent.
       *[other] { $n } recours acceptés, du plus ancien au plus récent.
    }
moderation-appeals-not-yours = Vous ne pouvez pas trancher le recours contre une sanction que vous avez imposée, ni un recours qui vous concerne.
moderation-appeals-none-pending = Aucun recours en attente.
moderation-appeals-none-upheld = Aucun recours rejeté.
moderation-appeals-none-lifted = Aucun recours accepté.
moderation-appeal-heading = Recours n° { $id } de
moderation-its-reason = Son motif
moderation-imposed-by = Imposée par
moderation-appeal-text-heading = Le recours ({ $when })
moderation-decide-lift = Lever la sanction
moderation-decide-uphold = La maintenir
moderation-appeal-accepted = Recours n° { $id } accepté : la sanction est levée.
moderation-appeal-upheld-done = Recours n° { $id } tranché : la sanction est maintenue.
