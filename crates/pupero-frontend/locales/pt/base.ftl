site-name = Pupero
nav-main = Principal
nav-offers = Ofertas
nav-my-trades = Minhas negociações
nav-my-offers = Minhas ofertas
nav-balances = Saldos
nav-inbox = Caixa de entrada
nav-unread = { $n ->
    [one] { $n } não lida
   *[other] { $n } não lidas
}
nav-moderation = Moderação
nav-admin = Administração
nav-sign-out = Sair
nav-sign-in = Entrar
nav-create-account = Criar conta
footer-about = Pupero — Monero ponto a ponto. A plataforma mantém os XMR do vendedor em custódia; o dinheiro fiduciário vai diretamente entre as partes.
language-label = Idioma
language-choose = Mudar idioma
language-saved = O site agora está em português.

error-form-refused = Este formulário foi recusado
error-form-expired = Ele expirou ou foi enviado de outro site. Volte, recarregue a página e tente novamente.
error-not-found = Não encontrado
error-not-found-detail = Não há nada aqui, ou não cabe a você ver.
error-unavailable = Temporariamente indisponível
error-unavailable-detail = Não é possível acessar a plataforma agora. Nada foi alterado; tente novamente em instantes.
error-something-wrong = Algo deu errado
error-back-to-offers = Voltar às ofertas

pager-label = Páginas
pager-previous = ← Anterior
pager-next = Próxima →
pager-position = Página { $page } de { $pages }

trade-state-awaiting-payment = Aguardando pagamento
trade-state-paid = Pago — aguardando liberação
trade-state-completed = Concluída
trade-state-cancelled = Cancelada
trade-state-disputed = Em disputa

withdrawal-status-queued = Na fila
withdrawal-status-sending = Sendo enviado
withdrawal-status-relayed = Enviado, confirmando
withdrawal-status-confirmed = Confirmado
withdrawal-status-failed = Falhou (reembolsado)
withdrawal-status-cancelled = Cancelado (reembolsado)
