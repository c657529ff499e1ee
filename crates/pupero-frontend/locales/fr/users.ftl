# Le personnel trouve une personne par son nom et voit tout d'un compte sur une page.

users-search-title = Trouver un utilisateur
users-search-label = Nom d'utilisateur (ou une partie)
users-search-count =
    { $n ->
        [one] { $n } résultat pour « { $search } », les noms qui commencent ainsi d'abord.
       *[other] { $n } résultats pour « { $search } », les noms qui commencent ainsi d'abord.
    }
users-search-none = Aucun nom d'utilisateur ne contient cela.
users-since = Depuis

users-page-title = Utilisateur { $name }
users-public-profile = Profil public
users-find-another = En trouver un autre
users-member-since = Membre depuis
users-manage = Rôle, désactivation, déconnexion partout
users-balances = Soldes
users-available = Disponible
users-in-escrow = En séquestre
users-withdrawing = En retrait
users-history = Historique
users-none = Aucun.
users-reports-about = Signalements le concernant
users-case-reporters =
    { $n ->
        [one] { $n } signaleur
       *[other] { $n } signaleurs
    }
users-case-since = depuis le { $when }
users-case-open = ouvert
users-case-claimed = pris en charge
users-case-resolved = traité
users-trades = Échanges
users-as = En tant que
users-with = Avec
users-trade-as-buyer = acheteur
users-trade-as-seller = vendeur
users-offers = Offres publiées
users-offers-none = Aucune offre publiée.
users-offer-link = Offre n° { $id }
users-offer-buys-at = achète à { $price } { $currency }
users-offer-sells-at = vend à { $price } { $currency }
users-audit-trail = Piste d'audit
users-audit-hint = Les derniers enregistrements des journaux d'audit faits par ce compte ou le concernant.
users-audit-none = Rien de récent.
