inbox-title = Messages
inbox-empty = Rien pour l'instant. Les échanges, paiements, messages, dépôts et retraits apparaissent ici.
inbox-unread = { $n ->
    [one] { $n } non lu.
   *[other] { $n } non lus.
}
inbox-mark-all = Tout marquer comme lu
inbox-mark-one = Marquer comme lu
inbox-marked-read = Marqué comme lu.
inbox-all-marked-read = Tout est marqué comme lu.
inbox-trade-opened = Quelqu'un a ouvert l'échange nº { $trade } pour { $amount } XMR sur votre offre.
inbox-trade-paid = L'acheteur a marqué l'échange nº { $trade } comme payé : vérifiez le paiement et libérez { $amount } XMR.
inbox-trade-released = Le vendeur vous a libéré { $amount } XMR dans l'échange nº { $trade }.
inbox-trade-cancelled = L'échange nº { $trade } a été annulé ; { $amount } XMR ont quitté le séquestre.
inbox-trade-expiring = Le délai de paiement de l'échange nº { $trade } ({ $amount } XMR) se termine bientôt ; s'il n'est pas payé, il sera annulé.
inbox-dispute-opened = Un litige a été ouvert sur l'échange nº { $trade }.
inbox-dispute-resolved = Un modérateur a tranché le litige de l'échange nº { $trade }.
inbox-message-received = Nouveau message dans l'échange nº { $trade }.
inbox-deposit-credited = Un dépôt de { $amount } XMR a été crédité sur votre solde.
inbox-withdrawal-sent = Votre retrait de { $amount } XMR a été envoyé.
