wallet-title = Saldos
wallet-available = Disponível
wallet-escrow = Em custódia
wallet-withdrawing = Em saque
wallet-total = Total
wallet-history-link = Todas as movimentações dos seus XMR
wallet-deposit = Depósito
wallet-deposit-how = Envie XMR para o seu endereço pessoal. O valor é creditado depois que a rede o confirma.
wallet-qr-alt = Código QR do seu endereço de depósito
wallet-deposits-unavailable = Os depósitos estão indisponíveis no momento
wallet-deposits-unavailable-why = Os depósitos estão indisponíveis no momento: { $why }
wallet-incoming = Entrando
wallet-seen = visto em { $when }
wallet-deposit-credited = creditado
wallet-deposit-pool = no pool
wallet-deposit-confirmations = { $needed ->
    [one] { $have } de { $needed } confirmação
   *[other] { $have } de { $needed } confirmações
}
wallet-withdraw = Sacar
wallet-hold-note = Os saques que você solicitar agora aguardam até que o bloqueio termine ou seja retirado.
wallet-label-address = Endereço Monero
wallet-label-amount = Quantia (XMR)
wallet-up-to = Até { $available } XMR.
wallet-fee-paid = A taxa da rede é paga pela plataforma.
wallet-review = Revisar saque
wallet-withdrawals = Saques
wallet-none-yet = Nenhum ainda.
wallet-col-amount = Quantia
wallet-col-to = Para
wallet-col-status = Status
wallet-col-transaction = Transação
wallet-col-requested = Solicitado
wallet-cancel-confirm = Cancelar este saque? A quantia volta para o seu saldo disponível.
wallet-cancel = Cancelar

wallet-confirm-title = Confirmar saque
wallet-confirm-check = Confira o endereço caractere por caractere. Uma transação Monero não pode ser revertida.
wallet-send = Enviar { $amount } XMR
wallet-back = Voltar

wallet-enter-both = Informe o endereço e a quantia a sacar.
wallet-problem = { $label }: { $why }.
wallet-address-invalid-character = contém caracteres fora do alfabeto base58 do Monero
wallet-address-wrong-length = tem o comprimento errado
wallet-address-unknown-prefix = tem um prefixo desconhecido
wallet-address-bad-checksum = a soma de verificação não confere (erro de digitação?)
wallet-address-wrong-network = é da { $found }, mas esta plataforma roda na { $expected }
wallet-address-unknown-network = é de uma rede desconhecida
wallet-amount-malformed = deve ser um número decimal de XMR, como "1,5"
wallet-amount-too-precise = tem mais de 12 casas decimais (a menor unidade é 1 piconero)
wallet-amount-negative = não pode ser negativa
wallet-amount-zero = deve ser maior que zero
wallet-amount-too-large = é grande demais
wallet-amount-above-limit = está acima do limite de { $limit } XMR por operação
wallet-amount-over-balance = mais do que o seu saldo disponível de { $available } XMR
wallet-withdrawal-sent = O saque nº { $id } de { $amount } XMR está a caminho. Ele aparece abaixo com o ID da transação assim que for enviado.
wallet-withdrawal-cancelled = O saque nº { $id } foi cancelado; a quantia voltou para o seu saldo disponível.
