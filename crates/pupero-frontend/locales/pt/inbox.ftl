inbox-title = Caixa de entrada
inbox-empty = Nada ainda. Negociações, pagamentos, mensagens, depósitos e saques aparecem aqui.
inbox-unread = { $n ->
    [one] { $n } não lida.
   *[other] { $n } não lidas.
}
inbox-mark-all = Marcar tudo como lido
inbox-mark-one = Marcar como lida
inbox-marked-read = Marcada como lida.
inbox-all-marked-read = Tudo foi marcado como lido.
inbox-trade-opened = Alguém abriu a negociação nº { $trade } de { $amount } XMR na sua oferta.
inbox-trade-paid = O comprador marcou a negociação nº { $trade } como paga: confira o pagamento e libere { $amount } XMR.
inbox-trade-released = O vendedor liberou { $amount } XMR para você na negociação nº { $trade }.
inbox-trade-cancelled = A negociação nº { $trade } foi cancelada; { $amount } XMR saíram da custódia.
inbox-trade-expiring = O prazo de pagamento da negociação nº { $trade } ({ $amount } XMR) termina em breve; se não for paga, será cancelada.
inbox-dispute-opened = Uma disputa foi aberta na negociação nº { $trade }.
inbox-dispute-resolved = Um moderador decidiu a disputa da negociação nº { $trade }.
inbox-message-received = Nova mensagem na negociação nº { $trade }.
inbox-deposit-credited = Um depósito de { $amount } XMR foi creditado no seu saldo.
inbox-withdrawal-sent = Seu saque de { $amount } XMR foi enviado.
