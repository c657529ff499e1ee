forms-field-error = { $label }: { $reason }
forms-unavailable = Die Plattform ist gerade nicht verfügbar. Es wurde nichts geändert; versuchen Sie es gleich noch einmal.
forms-request-failed = Die Anfrage ist fehlgeschlagen ({ $status }).
forms-not-understood = Die Plattform hat eine Antwort gegeben, die diese Seite nicht versteht.
forms-too-large = Das Formular ist zu groß.
forms-incomplete = Das Formular ist unvollständig: { $detail }
forms-file-too-large = Die Datei ist zu groß.
forms-unreadable = Das Formular konnte nicht gelesen werden.
