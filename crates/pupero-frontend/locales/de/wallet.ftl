wallet-title = Guthaben
wallet-available = Verfügbar
wallet-escrow = In Treuhand
wallet-withdrawing = In Auszahlung
wallet-total = Gesamt
wallet-history-link = Alle Bewegungen Ihrer XMR
wallet-deposit = Einzahlung
wallet-deposit-how = Senden Sie XMR an Ihre persönliche Adresse. Sie werden gutgeschrieben, sobald das Netzwerk sie bestätigt.
wallet-qr-alt = QR-Code Ihrer Einzahlungsadresse
wallet-deposits-unavailable = Einzahlungen sind gerade nicht möglich
wallet-deposits-unavailable-why = Einzahlungen sind gerade nicht möglich: { $why }
wallet-incoming = Eingehend
wallet-seen = gesehen am { $when }
wallet-deposit-credited = gutgeschrieben
wallet-deposit-pool = im Pool
wallet-deposit-confirmations = { $needed ->
    [one] { $have } von { $needed } Bestätigung
   *[other] { $have } von { $needed } Bestätigungen
}
wallet-withdraw = Auszahlen
wallet-hold-note = Auszahlungen, die Sie jetzt anfordern, warten, bis die Sperre endet oder aufgehoben wird.
wallet-label-address = Monero-Adresse
wallet-label-amount = Betrag (XMR)
wallet-up-to = Bis zu { $available } XMR.
wallet-fee-paid = Die Netzwerkgebühr zahlt die Plattform.
wallet-review = Auszahlung prüfen
wallet-withdrawals = Auszahlungen
wallet-none-yet = Noch keine.
wallet-col-amount = Betrag
wallet-col-to = An
wallet-col-status = Status
wallet-col-transaction = Transaktion
wallet-col-requested = Angefordert
wallet-cancel-confirm = Diese Auszahlung abbrechen? Der Betrag geht zurück in Ihr verfügbares Guthaben.
wallet-cancel = Abbrechen

wallet-confirm-title = Auszahlung bestätigen
wallet-confirm-check = Prüfen Sie die Adresse Zeichen für Zeichen. Eine Monero-Transaktion kann nicht zurückgeholt werden.
wallet-send = { $amount } XMR senden
wallet-back = Zurück

wallet-enter-both = Geben Sie die Adresse und den Betrag für die Auszahlung ein.
wallet-problem = { $label }: { $why }.
wallet-address-invalid-character = enthält Zeichen außerhalb des Base58-Alphabets von Monero
wallet-address-wrong-length = hat die falsche Länge
wallet-address-unknown-prefix = hat ein unbekanntes Präfix
wallet-address-bad-checksum = Prüfsumme stimmt nicht (ein Tippfehler?)
wallet-address-wrong-network = gehört zu { $found }, aber diese Plattform läuft auf { $expected }
wallet-address-unknown-network = gehört zu einem unbekannten Netzwerk
wallet-amount-malformed = muss eine Dezimalzahl in XMR sein, etwa „1,5“
wallet-amount-too-precise = hat mehr als 12 Nachkommastellen (die kleinste Einheit ist 1 Piconero)
wallet-amount-negative = darf nicht negativ sein
wallet-amount-zero = muss größer als null sein
wallet-amount-too-large = ist zu groß
wallet-amount-above-limit = liegt über dem Limit von { $limit } XMR pro Vorgang
wallet-amount-over-balance = mehr als Ihr verfügbares Guthaben von { $available } XMR
wallet-withdrawal-sent = Auszahlung Nr. { $id } über { $amount } XMR ist unterwegs. Sie erscheint unten mit ihrer Transaktions-ID, sobald sie gesendet ist.
wallet-withdrawal-cancelled = Auszahlung Nr. { $id } ist abgebrochen; ihr Betrag ist wieder in Ihrem verfügbaren Guthaben.
