wallet-title = Soldes
wallet-available = Disponible
wallet-escrow = Sous séquestre
wallet-withdrawing = En retrait
wallet-total = Total
wallet-history-link = Tous les mouvements de vos XMR
wallet-deposit = Dépôt
wallet-deposit-how = Envoyez des XMR à votre adresse personnelle. Ils sont crédités une fois confirmés par le réseau.
wallet-qr-alt = Code QR de votre adresse de dépôt
wallet-deposits-unavailable = Les dépôts sont indisponibles pour le moment
wallet-deposits-unavailable-why = Les dépôts sont indisponibles pour le moment : { $why }
wallet-incoming = En arrivée
wallet-seen = vu le { $when }
wallet-deposit-credited = crédité
wallet-deposit-pool = dans le pool
wallet-deposit-confirmations = { $needed ->
    [one] { $have } confirmation sur { $needed }
   *[other] { $have } confirmations sur { $needed }
}
wallet-withdraw = Retirer
wallet-hold-note = Les retraits demandés maintenant attendent la fin ou la levée du blocage.
wallet-label-address = Adresse Monero
wallet-label-amount = Montant (XMR)
wallet-up-to = Jusqu'à { $available } XMR.
wallet-fee-paid = Les frais de réseau sont payés par la plateforme.
wallet-review = Vérifier le retrait
wallet-withdrawals = Retraits
wallet-none-yet = Aucun pour l'instant.
wallet-col-amount = Montant
wallet-col-to = Vers
wallet-col-status = Statut
wallet-col-transaction = Transaction
wallet-col-requested = Demandé le
wallet-cancel-confirm = Annuler ce retrait ? Le montant revient sur votre solde disponible.
wallet-cancel = Annuler

wallet-confirm-title = Confirmer le retrait
wallet-confirm-check = Vérifiez l'adresse caractère par caractère. Une transaction Monero ne peut pas être annulée.
wallet-send = Envoyer { $amount } XMR
wallet-back = Retour

wallet-enter-both = Indiquez l'adresse et le montant à retirer.
wallet-problem = { $label } : { $why }.
wallet-address-invalid-character = contient des caractères hors de l'alphabet base58 de Monero
wallet-address-wrong-length = n'a pas la bonne longueur
wallet-address-unknown-prefix = a un préfixe inconnu
wallet-address-bad-checksum = la somme de contrôle ne correspond pas (une faute de frappe ?)
wallet-address-wrong-network = est pour { $found }, mais cette plateforme fonctionne sur { $expected }
wallet-address-unknown-network = est pour un réseau inconnu
wallet-amount-malformed = doit être un nombre décimal de XMR, par exemple « 1,5 »
wallet-amount-too-precise = a plus de 12 décimales (la plus petite unité est 1 piconero)
wallet-amount-negative = ne doit pas être négatif
wallet-amount-zero = doit être supérieur à zéro
wallet-amount-too-large = est trop élevé
wallet-amount-above-limit = dépasse la limite de { $limit } XMR par opération
wallet-amount-over-balance = dépasse votre solde disponible de { $available } XMR
wallet-withdrawal-sent = Le retrait nº { $id } de { $amount } XMR est en route. Il apparaît ci-dessous avec son identifiant de transaction une fois envoyé.
wallet-withdrawal-cancelled = Le retrait nº { $id } est annulé ; son montant est de retour sur votre solde disponible.
