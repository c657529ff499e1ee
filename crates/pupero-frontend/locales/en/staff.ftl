# The moderators' dispute list and the admin console: users (role, disable, sign out
# everywhere), balance adjustments with their confirmation, and the audit logs.

## Words the staff pages share

staff-user = User
staff-user-number = User #
staff-role = Role
staff-state = State
staff-state-active = active
staff-state-disabled = disabled
staff-reason = Reason
staff-amount = Amount
staff-amount-xmr = Amount (XMR)
staff-trade = Trade
staff-seller = Seller
staff-buyer = Buyer
staff-search = Search
staff-when = When
staff-who = Who
staff-action = Action
staff-on = On
staff-details = Details
staff-back = Back

staff-role-user = user
staff-role-moderator = moderator
staff-role-admin = admin

## Disputes (the moderators' first page)

staff-disputes-title = Disputes
staff-disputes-count = { $n } open, oldest first. Open one to read its chat and decide it.
staff-disputes-none = No open disputes.
staff-fiat = Fiat
staff-statement = Statement
staff-paid = Paid

## The admin console

staff-admin-title = Admin
staff-find-user = Find a user
staff-sanction-history = Sanction history
staff-appeals = Appeals
staff-adjust-heading = Balance adjustment
staff-adjust-hint-confirm = The next page shows whose balance it is and asks you to confirm.
staff-adjust-hint-confirm-totp = The next page shows whose balance it is and asks you to confirm with your two-factor code.
staff-adjust-hint-ledger = Every adjustment is a ledger entry against the platform's adjustments account, with your reason in the audit log.
staff-direction = Direction
staff-direction-credit = credit
staff-direction-debit = debit
staff-adjust-review = Review adjustment
staff-users = Users
staff-search-placeholder = name or email
staff-search-label = Search users
staff-manage = Manage
staff-since = since { $day }
staff-you = you
staff-role-of = Role of { $name }
staff-totp-placeholder = your 2FA code
staff-totp-label = Your two-factor code
staff-set-role = Set role
staff-enable = Enable
staff-disable = Disable
staff-sign-out-everywhere = Sign out everywhere

staff-role-set = User #{ $id } is now { $role }. A promotion takes effect at their next token refresh.
staff-user-disabled = User #{ $id } is disabled and signed out everywhere.
staff-user-enabled = User #{ $id } is enabled again.
staff-sessions-ended =
    { $n ->
        [one] Ended { $n } session of user #{ $id }.
       *[other] Ended { $n } sessions of user #{ $id }.
    }

## Balance adjustments

staff-adjust-no-user = Choose the user (their number) to adjust.
staff-adjust-no-direction = Choose credit or debit.
staff-adjust-unknown-user = There is no user #{ $id }.
staff-adjust-confirm-title = Confirm adjustment
staff-adjust-confirm-intro = Nothing has moved yet. Check whose balance this is and the amount: the entry goes into the ledger and the audit log with your name and reason, and is undone only by another adjustment.
staff-credit = Credit
staff-debit = Debit
staff-available-now = Available now
staff-totp-code = Two-factor code
staff-adjust-credit-button = Credit { $amount } XMR to { $name }
staff-adjust-debit-button = Debit { $amount } XMR to { $name }
staff-adjust-credited = Credit of { $amount } XMR recorded for user #{ $id }; their available balance is now { $available } XMR.
staff-adjust-debited = Debit of { $amount } XMR recorded for user #{ $id }; their available balance is now { $available } XMR.

## The audit logs

staff-audit-title = Audit log
staff-back-to-console = Back to the console
staff-audit-intro = Each record commits to the one before by its hash, and the chain's head is signed every few minutes;
# Follows the command's name: "pupero admin audit-verify checks both."
staff-audit-verify = checks both.
staff-audit-empty = Nothing recorded yet.
staff-audit-accounts = Accounts
staff-audit-money = Money
staff-audit-moderation = Moderation
staff-hash = hash { $hash }…
staff-actor-platform = platform

# What was done, read as "<who> <action> <on what>".
staff-action-set-role = changed the role of
staff-action-set-disabled = disabled or enabled
staff-action-force-logout = signed out everywhere
staff-action-adjust = adjusted the balance of
staff-action-transfer = moved money for
staff-action-resolve-for-buyer = decided a dispute for the buyer of
staff-action-resolve-for-seller = decided a dispute for the seller of
staff-action-resolve-split = split the escrow of
staff-action-claim-case = claimed
staff-action-add-note = wrote a note on
staff-action-resolve-case = decided
staff-action-sanction = sanctioned
staff-action-lift-sanction = lifted a sanction of
staff-action-decide-appeal = decided an appeal of
staff-action-remove-offer = removed
staff-action-execute-withdrawal = sent at once
staff-action-ledger-entry = ledger entry

staff-target-user = user { $name }
staff-target-trade = trade #{ $id }
staff-target-offer = offer #{ $id }
staff-target-case = case #{ $id }
staff-target-entry = ledger entry #{ $id }
