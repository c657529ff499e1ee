# La liste des litiges des modérateurs et la console d'administration : utilisateurs
# (rôle, désactivation, déconnexion partout), ajustements de solde et journaux d'audit.

## Mots communs aux pages du personnel

staff-user = Utilisateur
staff-user-number = Utilisateur n°
staff-role = Rôle
staff-state = État
staff-state-active = actif
staff-state-disabled = désactivé
staff-reason = Motif
staff-amount = Montant
staff-amount-xmr = Montant (XMR)
staff-trade = Échange
staff-seller = Vendeur
staff-buyer = Acheteur
staff-search = Rechercher
staff-when = Quand
staff-who = Qui
staff-action = Action
staff-on = Sur
staff-details = Détails
staff-back = Retour

staff-role-user = utilisateur
staff-role-moderator = modérateur
staff-role-admin = administrateur

## Litiges

staff-disputes-title = Litiges
staff-disputes-count =
    { $n ->
        [one] { $n } litige ouvert, du plus ancien au plus récent. Ouvrez-en un pour lire sa discussion et le trancher.
       *[other] { $n } litiges ouverts, du plus ancien au plus récent. Ouvrez-en un pour lire sa discussion et le trancher.
    }
staff-disputes-none = Aucun litige ouvert.
staff-fiat = Monnaie fiduciaire
staff-statement = Déclaration
staff-paid = Payé

## La console d'administration

staff-admin-title = Administration
staff-find-user = Trouver un utilisateur
staff-sanction-history = Historique des sanctions
staff-appeals = Recours
staff-adjust-heading = Ajustement de solde
staff-adjust-hint-confirm = La page suivante indique de qui est le solde et vous demande de confirmer.
staff-adjust-hint-confirm-totp = La page suivante indique de qui est le solde et vous demande de confirmer avec votre code à deux facteurs.
staff-adjust-hint-ledger = Chaque ajustement est une écriture comptable sur le compte d'ajustements de la plateforme, avec votre motif dans le journal d'audit.
staff-direction = Sens
staff-direction-credit = crédit
staff-direction-debit = débit
staff-adjust-review = Vérifier l'ajustement
staff-users = Utilisateurs
staff-search-placeholder = nom ou e-mail
staff-search-label = Rechercher des utilisateurs
staff-manage = Gérer
staff-since = depuis le { $day }
staff-you = vous
staff-role-of = Rôle de { $name }
staff-totp-placeholder = votre code 2FA
staff-totp-label = Votre code à deux facteurs
staff-set-role = Changer le rôle
staff-enable = Réactiver
staff-disable = Désactiver
staff-sign-out-everywhere = Déconnecter partout

staff-role-set = L'utilisateur n° { $id } est désormais { $role }. Une promotion prend effet au prochain renouvellement de son jeton.
staff-user-disabled = L'utilisateur n° { $id } est désactivé et déconnecté partout.
staff-user-enabled = L'utilisateur n° { $id } est de nouveau actif.
staff-sessions-ended =
    { $n ->
        [one] { $n } session de l'utilisateur n° { $id } fermée.
       *[other] { $n } sessions de l'utilisateur n° { $id } fermées.
    }

## Ajustements de solde

staff-adjust-no-user = Choisissez l'utilisateur (son numéro) à ajuster.
staff-adjust-no-direction = Choisissez crédit ou débit.
staff-adjust-unknown-user = Il n'y a pas d'utilisateur n° { $id }.
staff-adjust-confirm-title = Confirmer l'ajustement
staff-adjust-confirm-intro = Rien n'a encore bougé. Vérifiez de qui est ce solde et le montant : l'écriture entre dans le grand livre et dans le journal d'audit avec votre nom et votre motif, et ne s'annule que par un autre ajustement.
staff-credit = Crédit
staff-debit = Débit
staff-available-now = Disponible actuellement
staff-totp-code = Code à deux facteurs
staff-adjust-credit-button = Créditer { $amount } XMR à { $name }
staff-adjust-debit-button = Débiter { $amount } XMR à { $name }
staff-adjust-credited = Crédit de { $amount } XMR enregistré pour l'utilisateur n° { $id } ; son solde disponible est désormais de { $available } XMR.
staff-adjust-debited = Débit de { $amount } XMR enregistré pour l'utilisateur n° { $id } ; son solde disponible est désormais de { $available } XMR.

## Les journaux d'audit

staff-audit-title = Journal d'audit
staff-back-to-console = Retour à la console
staff-audit-intro = Chaque enregistrement s'engage sur le précédent par son hachage, et la tête de la chaîne est signée toutes les quelques minutes ;
staff-audit-verify = vérifie les deux.
staff-audit-empty = Rien d'enregistré pour l'instant.
staff-audit-accounts = Comptes
staff-audit-money = Argent
staff-audit-moderation = Modération
staff-hash = hachage { $hash }…
staff-actor-platform = plateforme

staff-action-set-role = a changé le rôle de
staff-action-set-disabled = a désactivé ou réactivé
staff-action-force-logout = a déconnecté partout
staff-action-adjust = a ajusté le solde de
staff-action-transfer = a déplacé des fonds pour
staff-action-resolve-for-buyer = a tranché un litige en faveur de l'acheteur de
staff-action-resolve-for-seller = a tranché un litige en faveur du vendeur de
staff-action-resolve-split = a partagé le séquestre de
staff-action-claim-case = a pris
staff-action-add-note = a écrit une note sur
staff-action-resolve-case = a tranché
staff-action-sanction = a sanctionné
staff-action-lift-sanction = a levé une sanction de
staff-action-decide-appeal = a tranché un recours de
staff-action-remove-offer = a retiré
staff-action-execute-withdrawal = a envoyé immédiatement
staff-action-ledger-entry = écriture comptable

staff-target-user = l'utilisateur { $name }
staff-target-trade = l'échange n° { $id }
staff-target-offer = l'offre n° { $id }
staff-target-case = le dossier n° { $id }
staff-target-entry = l'écriture n° { $id }
