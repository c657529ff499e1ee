# What the frontend itself says about a form or a call to the platform that failed.

forms-field-error = { $label }: { $reason }
forms-unavailable = The platform is unavailable right now. Nothing was changed; try again shortly.
forms-request-failed = The request failed ({ $status }).
forms-not-understood = The platform gave an answer this page does not understand.
forms-too-large = The form is too large.
forms-incomplete = The form is incomplete: { $detail }
forms-file-too-large = The file is too large.
forms-unreadable = The form could not be read.
