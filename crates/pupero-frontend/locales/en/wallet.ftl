# Balances, deposits, the withdrawal form and its confirmation step.

wallet-title = Balances
wallet-available = Available
wallet-escrow = In escrow
wallet-withdrawing = Withdrawing
wallet-total = Total
wallet-history-link = Every movement of your XMR
wallet-deposit = Deposit
wallet-deposit-how = Send XMR to your personal address. It is credited after the network confirms it.
wallet-qr-alt = QR code of your deposit address
wallet-deposits-unavailable = Deposits are unavailable right now
wallet-deposits-unavailable-why = Deposits are unavailable right now: { $why }
wallet-incoming = Incoming
wallet-seen = seen { $when }
wallet-deposit-credited = credited
wallet-deposit-pool = in the pool
wallet-deposit-confirmations = { $needed ->
    [one] { $have } of { $needed } confirmation
   *[other] { $have } of { $needed } confirmations
}
wallet-withdraw = Withdraw
wallet-hold-note = Withdrawals you request now wait until the hold ends or is lifted.
wallet-label-address = Monero address
wallet-label-amount = Amount (XMR)
wallet-up-to = Up to { $available } XMR.
wallet-fee-paid = The network fee is paid by the platform.
wallet-review = Review withdrawal
wallet-withdrawals = Withdrawals
wallet-none-yet = None yet.
wallet-col-amount = Amount
wallet-col-to = To
wallet-col-status = Status
wallet-col-transaction = Transaction
wallet-col-requested = Requested
wallet-cancel-confirm = Cancel this withdrawal? The amount returns to your available balance.
wallet-cancel = Cancel

wallet-confirm-title = Confirm withdrawal
wallet-confirm-check = Check the address character by character. A Monero transaction cannot be called back.
wallet-send = Send { $amount } XMR
wallet-back = Back

wallet-enter-both = Enter the address and the amount to withdraw.
wallet-problem = { $label }: { $why }.
wallet-address-invalid-character = contains characters outside Monero's base58 alphabet
wallet-address-wrong-length = has the wrong length
wallet-address-unknown-prefix = has an unknown prefix
wallet-address-bad-checksum = checksum does not match (a typo?)
wallet-address-wrong-network = is for { $found }, but this platform runs on { $expected }
wallet-address-unknown-network = is for an unknown network
wallet-amount-malformed = must be a decimal number of XMR such as "1.5"
wallet-amount-too-precise = has more than 12 decimal places (the smallest unit is 1 piconero)
wallet-amount-negative = must not be negative
wallet-amount-zero = must be greater than zero
wallet-amount-too-large = is too large
wallet-amount-above-limit = is above the limit of { $limit } XMR for one operation
wallet-amount-over-balance = more than your available balance of { $available } XMR
wallet-withdrawal-sent = Withdrawal #{ $id } of { $amount } XMR is on its way. It appears below with its transaction id once sent.
wallet-withdrawal-cancelled = Withdrawal #{ $id } is cancelled; its amount is back in your available balance.
