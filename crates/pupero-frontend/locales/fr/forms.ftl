forms-field-error = { $label } : { $reason }
forms-unavailable = La plateforme est indisponible pour le moment. Rien n'a été modifié ; réessayez dans un instant.
forms-request-failed = La requête a échoué ({ $status }).
forms-not-understood = La plateforme a donné une réponse que cette page ne comprend pas.
forms-too-large = Le formulaire est trop volumineux.
forms-incomplete = Le formulaire est incomplet : { $detail }
forms-file-too-large = Le fichier est trop volumineux.
forms-unreadable = Le formulaire n'a pas pu être lu.
