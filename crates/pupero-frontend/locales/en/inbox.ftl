# The inbox: what happened to the user's trades and money.

inbox-title = Inbox
inbox-empty = Nothing yet. Trades, payments, messages, deposits and withdrawals show up here.
inbox-unread = { $n } unread.
inbox-mark-all = Mark all as read
inbox-mark-one = Mark as read
inbox-marked-read = Marked as read.
inbox-all-marked-read = Everything is marked as read.
inbox-trade-opened = Someone opened trade #{ $trade } for { $amount } XMR on your offer.
inbox-trade-paid = The buyer marked trade #{ $trade } as paid: check the payment and release { $amount } XMR.
inbox-trade-released = The seller released { $amount } XMR to you in trade #{ $trade }.
inbox-trade-cancelled = Trade #{ $trade } was cancelled; { $amount } XMR left escrow.
inbox-trade-expiring = The payment window of trade #{ $trade } ({ $amount } XMR) closes soon; unpaid, it will be cancelled.
inbox-dispute-opened = A dispute was opened on trade #{ $trade }.
inbox-dispute-resolved = A moderator decided the dispute on trade #{ $trade }.
inbox-message-received = New message in trade #{ $trade }.
inbox-deposit-credited = A deposit of { $amount } XMR was credited to your balance.
inbox-withdrawal-sent = Your withdrawal of { $amount } XMR was sent.
