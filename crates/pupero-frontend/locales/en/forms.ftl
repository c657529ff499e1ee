# What the frontend itself says about a form or a call to the platform that failed.

forms-field-error = { $label }: { $reason }
forms-unavailable = The platform is unavailable right now. Nothing was changed; try again shortly.
forms-request-failed = The request failed ({ $status }).
forms-not-understood = The platform gave an answer this page does not understand.
forms-too-large = The form is too large.
forms-incomplete = The form is incomplete: { $detail }
forms-file-too-large = The file is too large.
forms-unreadable = The form could not be read.

# The reasons the API gives in fixed plain words for a field it could not read; the
# frontend shows them after the form's label for the field.
forms-reason-required = is required.
forms-reason-whole-number = must be a whole number, not { $found }.
forms-reason-number = must be a number, not { $found }.
forms-reason-text = must be text, not { $found }.
forms-reason-boolean = must be true or false, not { $found }.
forms-reason-list = must be a list, not { $found }.
forms-reason-one-of = must be one of { $choices }, not { $found }.
forms-found-empty = empty
forms-found-list = a list
forms-found-object = an object
