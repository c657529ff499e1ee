# Reports, sanctions and appeals: the report form, the reporter's list, the user's
# sanctions page and the notice shown where a sanction stops something; then the
# moderators' console (the queue, a case, the sanction history, the appeals).

## What reports and sanctions are about, and their states

moderation-category-scam = Scam
moderation-category-payment-fraud = Payment fraud
moderation-category-harassment = Harassment
moderation-category-spam = Spam
moderation-category-illegal = Illegal content or activity
moderation-category-other = Something else

moderation-sanction-warn = Warning
moderation-sanction-mute = Muted (no trade chat)
moderation-sanction-trade-ban = Trade ban (no new offers or trades)
moderation-sanction-withdrawal-hold = Withdrawal hold
moderation-sanction-suspend = Suspension
moderation-sanction-ban = Ban

moderation-case-open = Waiting for a moderator
moderation-case-claimed = A moderator is on it
moderation-case-actioned = Resolved: action was taken
moderation-case-dismissed = Resolved: nothing against the rules
moderation-case-resolved = Resolved

moderation-appeal-pending = Waiting for a moderator's decision
moderation-appeal-upheld = Upheld: the sanction stays
moderation-appeal-lifted = Accepted: the sanction was lifted

moderation-target-user = user { $name }
moderation-target-offer = offer #{ $id }
moderation-target-trade = trade #{ $id }
moderation-target-message = chat message #{ $id }

moderation-about-user = user
moderation-about-offer = offer
moderation-about-trade = trade
moderation-about-message = chat message

# How long a case has waited, in the largest whole unit.
moderation-age-seconds = { $n } s
moderation-age-minutes = { $n } min
moderation-age-hours = { $n } h
moderation-age-days = { $n } d

moderation-until-lifted = until lifted
moderation-lifted-at = Lifted { $when }
moderation-lifted-because = Lifted { $when }: { $reason }

## Words many of these pages share

moderation-about = About
moderation-reason = Reason
moderation-reason-user-sees = Reason (the user sees it)
moderation-status = Status
moderation-state = State
moderation-sent = Sent
moderation-user = User
moderation-sanction = Sanction
moderation-by = By
moderation-since = Since
moderation-ends = Ends
moderation-lifted = Lifted
moderation-state-in-force = in force
moderation-state-lifted = lifted
moderation-state-ended = ended
moderation-decided-by = by { $name }

## Reporting

moderation-report-title = Report
moderation-report-heading = Report { $what }
moderation-report-what = choose what to report: a user, an offer, a trade or a chat message
moderation-report-hint-read = Moderators read every report.
moderation-report-hint-follow = Repeated reports of the same thing are merged into one case; you can follow yours on
moderation-report-hint-anonymous = The reported person is not told who reported them.
moderation-report-what-happened = What happened
moderation-report-placeholder = Say what happened, with the trade number or dates if you have them.
moderation-report-submit = Send report
moderation-report-no-reason = Choose a reason for the report.
moderation-report-sent = Thank you: report #{ $id } is with the moderators. Its status shows here.

moderation-my-reports-title = My reports
moderation-my-reports-count =
    { $n ->
        [one] { $n } report, newest first.
       *[other] { $n } reports, newest first.
    }
moderation-my-reports-notes-hidden = A moderator's private notes are not shown; the outcome is.
moderation-my-reports-none = You have not reported anything. A "Report" link is on every profile, offer, trade and chat message.
moderation-what-you-said = What you said

## The user's sanctions and appeals

moderation-my-sanctions-title = Sanctions and appeals
moderation-my-sanctions-intro = What moderators decided about your account, why, until when, and how to appeal.
moderation-appeal-other-moderator = An appeal is decided by a moderator other than the one who imposed the sanction.
moderation-my-sanctions-none = Your account has no sanctions.
moderation-your-appeal = Your appeal
moderation-appeal-label = Appeal (until { $until })
moderation-appeal-placeholder = Why this sanction should be lifted.
moderation-appeal-submit = Send appeal
moderation-appeal-sent = Your appeal is sent. A moderator other than the one who imposed the sanction decides it.

# Where a sanction in force stops what a page offers: "Muted (no trade chat) until lifted: reason".
moderation-blocked-until-lifted = until lifted
moderation-blocked-until = until { $when }
moderation-blocked-link = See your sanctions and how to appeal

## The moderators' console

moderation-nav-label = Moderation
moderation-nav-disputes = Disputes
moderation-nav-resolved = Resolved cases
moderation-nav-find-placeholder = username
moderation-nav-find-label = Find a user by name
moderation-nav-find-submit = Find user

moderation-queue-title = Report queue
moderation-filter-open-claimed = open and claimed
moderation-filter-open = open
moderation-filter-claimed = claimed
moderation-filter-resolved = resolved
moderation-filter-any = any
moderation-filter-anything = anything
moderation-filter-assigned-to = Assigned to
moderation-filter-anyone = anyone
moderation-filter-me = me
moderation-filter-submit = Show
moderation-queue-count =
    { $n ->
        [one] { $n } case: the most reported first, then the oldest.
       *[other] { $n } cases: the most reported first, then the oldest.
    }
moderation-queue-merged = Each case merges every report of one thing.
moderation-queue-none = No cases here.
moderation-case = Case
moderation-reporters = Reporters
moderation-waiting = Waiting
moderation-assigned = Assigned
moderation-escalated = escalated
moderation-nobody = nobody

moderation-case-title = Case #{ $id }
moderation-opened = Opened
moderation-opened-ago = { $when } ({ $age } ago)
moderation-decided = Decided
moderation-claim = Claim this case
moderation-claimed = You have this case. It shows as yours in the queue.
moderation-case-reports = Reports ({ $n })
moderation-case-sanctions = Sanctions on those concerned
moderation-user-number = User #
moderation-who = Who
moderation-candidate-owner = { $name } (the offer's owner)
moderation-candidate-seller = { $name } (the seller)
moderation-candidate-buyer = { $name } (the buyer)
moderation-candidate-reported = { $name } (the reported user)
moderation-days = Days (empty: until lifted)
moderation-impose = Impose
moderation-sanction-no-user = Choose whom to sanction (their user number).
moderation-sanction-bad-days = The length is a whole number of days from 1 to 3650, or empty for until lifted.
moderation-sanction-imposed = { $kind } imposed on user #{ $user } (sanction #{ $id }). They see it with your reason.
moderation-remove-offer-heading = Take the offer down
moderation-remove-offer-confirm = Take offer #{ $id } down? Trades already open on it run on.
moderation-remove-offer = Remove offer #{ $id }
moderation-not-an-offer = This case is not about an offer.
moderation-offer-removed = Offer #{ $id } is taken down; trades already open on it run on.
moderation-decide = Decide
moderation-resolve-actioned = Resolve: action taken
moderation-resolve-dismissed = Dismiss
moderation-case-dismissed-done = Case dismissed. The reporters see it resolved.
moderation-case-actioned-done = Case resolved as actioned. The reporters see it resolved.
moderation-notes = Private notes
moderation-notes-hint = Only moderators see these.
moderation-notes-none = No notes yet.
moderation-note = Note
moderation-note-placeholder = A note for the other moderators
moderation-note-submit = Add note
moderation-note-added = Note added (only moderators see it).

moderation-history-title = Sanctions
moderation-history-of-user = Sanctions of user #{ $id }
moderation-history-count =
    { $n ->
        [one] { $n } sanction, newest first.
       *[other] { $n } sanctions, newest first.
    }
moderation-history-lift-note = A lift takes effect everywhere at once; a withdrawal hold only an admin lifts.
moderation-history-none = No sanctions.
moderation-row-appeal = appeal: { $status }
moderation-lift = Lift
moderation-lift-why = why
moderation-lift-why-label = Why lift sanction { $id }
moderation-sanction-lifted = Sanction #{ $id } is lifted, everywhere it was enforced.

moderation-appeals-title = Appeals
moderation-appeals-filter-pending = to decide
moderation-appeals-filter-upheld = upheld
moderation-appeals-filter-lifted = lifted
moderation-appeals-count-pending =
    { $n ->
        [one] { $n } pending appeal, oldest first.
       *[other] { $n } pending appeals, oldest first.
    }
moderation-appeals-count-upheld =
    { $n ->
        [one] { $n } upheld appeal, oldest first.
       *[other] { $n } upheld appeals, oldest first.
    }
moderation-appeals-count-lifted =
    { $n ->
        [one] { $n } lifted appeal, oldest first.
       *[other] { $n } lifted appeals, oldest first.
    }
moderation-appeals-not-yours = You cannot decide an appeal of a sanction you imposed, or one about yourself.
moderation-appeals-none-pending = No pending appeals.
moderation-appeals-none-upheld = No upheld appeals.
moderation-appeals-none-lifted = No lifted appeals.
moderation-appeal-heading = Appeal #{ $id } by
moderation-its-reason = Its reason
moderation-imposed-by = Imposed by
moderation-appeal-text-heading = The appeal ({ $when })
moderation-decide-lift = Lift the sanction
moderation-decide-uphold = Uphold it
moderation-appeal-accepted = Appeal #{ $id } accepted: the sanction is lifted.
moderation-appeal-upheld-done = Appeal #{ $id } decided: the sanction stays.
