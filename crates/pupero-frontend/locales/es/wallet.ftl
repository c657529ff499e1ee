wallet-title = Saldos
wallet-available = Disponible
wallet-escrow = En custodia
wallet-withdrawing = En retiro
wallet-total = Total
wallet-history-link = Todos los movimientos de sus XMR
wallet-deposit = Depósito
wallet-deposit-how = Envíe XMR a su dirección personal. Se acreditan cuando la red los confirma.
wallet-qr-alt = Código QR de su dirección de depósito
wallet-deposits-unavailable = Los depósitos no están disponibles ahora mismo
wallet-deposits-unavailable-why = Los depósitos no están disponibles ahora mismo: { $why }
wallet-incoming = Entrantes
wallet-seen = visto el { $when }
wallet-deposit-credited = acreditado
wallet-deposit-pool = en el pool
wallet-deposit-confirmations = { $needed ->
    [one] { $have } de { $needed } confirmación
   *[other] { $have } de { $needed } confirmaciones
}
wallet-withdraw = Retirar
wallet-hold-note = Los retiros que solicite ahora esperarán hasta que termine o se levante la retención.
wallet-label-address = Dirección Monero
wallet-label-amount = Cantidad (XMR)
wallet-up-to = Hasta { $available } XMR.
wallet-fee-paid = La comisión de red la paga la plataforma.
wallet-review = Revisar el retiro
wallet-withdrawals = Retiros
wallet-none-yet = Ninguno todavía.
wallet-col-amount = Cantidad
wallet-col-to = Destino
wallet-col-status = Estado
wallet-col-transaction = Transacción
wallet-col-requested = Solicitado
wallet-cancel-confirm = ¿Cancelar este retiro? La cantidad vuelve a su saldo disponible.
wallet-cancel = Cancelar

wallet-confirm-title = Confirmar el retiro
wallet-confirm-check = Compruebe la dirección carácter por carácter. Una transacción de Monero no se puede revertir.
wallet-send = Enviar { $amount } XMR
wallet-back = Volver

wallet-enter-both = Indique la dirección y la cantidad que desea retirar.
wallet-problem = { $label }: { $why }.
wallet-address-invalid-character = contiene caracteres fuera del alfabeto base58 de Monero
wallet-address-wrong-length = tiene una longitud incorrecta
wallet-address-unknown-prefix = tiene un prefijo desconocido
wallet-address-bad-checksum = la suma de verificación no coincide (¿una errata?)
wallet-address-wrong-network = es de { $found }, pero esta plataforma funciona en { $expected }
wallet-address-unknown-network = es de una red desconocida
wallet-amount-malformed = debe ser un número decimal de XMR, como «1,5»
wallet-amount-too-precise = tiene más de 12 decimales (la unidad mínima es 1 piconero)
wallet-amount-negative = no debe ser negativa
wallet-amount-zero = debe ser mayor que cero
wallet-amount-too-large = es demasiado grande
wallet-amount-above-limit = supera el límite de { $limit } XMR por operación
wallet-amount-over-balance = supera su saldo disponible de { $available } XMR
wallet-withdrawal-sent = El retiro n.º { $id } de { $amount } XMR está en camino. Aparecerá abajo con su identificador de transacción cuando se envíe.
wallet-withdrawal-cancelled = El retiro n.º { $id } está cancelado; su cantidad ha vuelto a su saldo disponible.
