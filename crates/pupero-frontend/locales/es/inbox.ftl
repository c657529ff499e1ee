inbox-title = Bandeja de entrada
inbox-empty = Nada todavía. Aquí aparecen las operaciones, los pagos, los mensajes, los depósitos y los retiros.
inbox-unread = { $n ->
    [one] { $n } sin leer.
   *[other] { $n } sin leer.
}
inbox-mark-all = Marcar todo como leído
inbox-mark-one = Marcar como leído
inbox-marked-read = Marcado como leído.
inbox-all-marked-read = Todo está marcado como leído.
inbox-trade-opened = Alguien abrió la operación n.º { $trade } por { $amount } XMR en su oferta.
inbox-trade-paid = El comprador marcó la operación n.º { $trade } como pagada: compruebe el pago y libere { $amount } XMR.
inbox-trade-released = El vendedor le liberó { $amount } XMR en la operación n.º { $trade }.
inbox-trade-cancelled = La operación n.º { $trade } se canceló; { $amount } XMR salieron de la custodia.
inbox-trade-expiring = El plazo de pago de la operación n.º { $trade } ({ $amount } XMR) termina pronto; si no se paga, se cancelará.
inbox-dispute-opened = Se abrió una disputa en la operación n.º { $trade }.
inbox-dispute-resolved = Un moderador resolvió la disputa de la operación n.º { $trade }.
inbox-message-received = Nuevo mensaje en la operación n.º { $trade }.
inbox-deposit-credited = Se acreditó un depósito de { $amount } XMR en su saldo.
inbox-withdrawal-sent = Su retiro de { $amount } XMR se ha enviado.
