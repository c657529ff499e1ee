# The user's own ledger: every movement of their money.

history-title = History
history-intro = Every movement of your XMR, newest first. A trade moves your XMR between "available" and "in escrow"; a withdrawal between "available" and "being withdrawn".
history-empty = Nothing yet. Deposits, trades and withdrawals show up here.
history-col-when = When
history-col-what = What
history-col-balance = Balance
history-col-amount = Amount (XMR)
history-col-note = Note
history-with-trade = { $what } (trade #{ $id })
history-account-available = available
history-account-escrow = in escrow
history-account-withdrawing = being withdrawn
history-account-other = other
history-kind-trade-open = Trade opened: XMR into escrow
history-kind-trade-release = Trade completed: escrow released
history-kind-trade-refund = Trade cancelled: escrow returned
history-kind-trade-split = Dispute decided: escrow divided
history-kind-deposit = Deposit credited
history-kind-adjustment = Adjustment by an admin
history-kind-transfer = Transfer by an admin
history-kind-withdrawal-request = Withdrawal requested
history-kind-withdrawal = Withdrawal sent
history-kind-withdrawal-refund = Withdrawal failed: returned
history-kind-withdrawal-cancel = Withdrawal cancelled: returned
history-kind-network-fee = Network fee
