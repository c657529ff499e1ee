# A lista de disputas dos moderadores e o painel de administração: usuários (papel,
# desativar, sair de todos os lugares), ajustes de saldo e registros de auditoria.

## Palavras comuns às páginas da equipe

staff-user = Usuário
staff-user-number = Usuário nº
staff-role = Papel
staff-state = Situação
staff-state-active = ativo
staff-state-disabled = desativado
staff-reason = Motivo
staff-amount = Quantia
staff-amount-xmr = Quantia (XMR)
staff-trade = Negociação
staff-seller = Vendedor
staff-buyer = Comprador
staff-search = Buscar
staff-when = Quando
staff-who = Quem
staff-action = Ação
staff-on = Sobre
staff-details = Detalhes
staff-back = Voltar

staff-role-user = usuário
staff-role-moderator = moderador
staff-role-admin = administrador

## Disputas

staff-disputes-title = Disputas
staff-disputes-count =
    { $n ->
        [one] { $n } aberta, as mais antigas primeiro. Abra uma para ler o chat e decidi-la.
       *[other] { $n } abertas, as mais antigas primeiro. Abra uma para ler o chat e decidi-la.
    }
staff-disputes-none = Nenhuma disputa aberta.
staff-fiat = Moeda fiduciária
staff-statement = Declaração
staff-paid = Paga

## O painel de administração

staff-admin-title = Administração
staff-find-user = Encontrar um usuário
staff-sanction-history = Histórico de sanções
staff-appeals = Recursos
staff-adjust-heading = Ajuste de saldo
staff-adjust-hint-confirm = A próxima página mostra de quem é o saldo e pede que você confirme.
staff-adjust-hint-confirm-totp = A próxima página mostra de quem é o saldo e pede que você confirme com o seu código de dois fatores.
staff-adjust-hint-ledger = Cada ajuste é um lançamento contábil contra a conta de ajustes da plataforma, com o seu motivo no registro de auditoria.
staff-direction = Sentido
staff-direction-credit = crédito
staff-direction-debit = débito
staff-adjust-review = Revisar o ajuste
staff-users = Usuários
staff-search-placeholder = nome ou e-mail
staff-search-label = Buscar usuários
staff-manage = Gerenciar
staff-since = desde { $day }
staff-you = você
staff-role-of = Papel de { $name }
staff-totp-placeholder = seu código 2FA
staff-totp-label = Seu código de dois fatores
staff-set-role = Definir papel
staff-enable = Ativar
staff-disable = Desativar
staff-sign-out-everywhere = Sair de todos os lugares

staff-role-set = O usuário nº { $id } agora é { $role }. Uma promoção vale a partir da próxima renovação do token dele.
staff-user-disabled = O usuário nº { $id } foi desativado e desconectado de todos os lugares.
staff-user-enabled = O usuário nº { $id } foi reativado.
staff-sessions-ended =
    { $n ->
        [one] { $n } sessão do usuário nº { $id } encerrada.
       *[other] { $n } sessões do usuário nº { $id } encerradas.
    }

## Ajustes de saldo

staff-adjust-no-user = Escolha o usuário (o número dele) a ajustar.
staff-adjust-no-direction = Escolha crédito ou débito.
staff-adjust-unknown-user = Não existe o usuário nº { $id }.
staff-adjust-confirm-title = Confirmar o ajuste
staff-adjust-confirm-intro = Nada foi movido ainda. Confira de quem é este saldo e a quantia: o lançamento entra no livro contábil e no registro de auditoria com o seu nome e o seu motivo, e só é desfeito por outro ajuste.
staff-credit = Crédito
staff-debit = Débito
staff-available-now = Disponível agora
staff-totp-code = Código de dois fatores
staff-adjust-credit-button = Creditar { $amount } XMR para { $name }
staff-adjust-debit-button = Debitar { $amount } XMR de { $name }
staff-adjust-credited = Crédito de { $amount } XMR registrado para o usuário nº { $id }; o saldo disponível dele agora é { $available } XMR.
staff-adjust-debited = Débito de { $amount } XMR registrado para o usuário nº { $id }; o saldo disponível dele agora é { $available } XMR.

## Os registros de auditoria

staff-audit-title = Registro de auditoria
staff-back-to-console = Voltar ao painel
staff-audit-intro = Cada registro se compromete com o anterior pelo seu hash, e a ponta da cadeia é assinada a cada poucos minutos;
staff-audit-verify = verifica as duas coisas.
staff-audit-empty = Nada registrado ainda.
staff-audit-accounts = Contas
staff-audit-money = Dinheiro
staff-audit-moderation = Moderação
staff-hash = hash { $hash }…
staff-actor-platform = plataforma

staff-action-set-role = mudou o papel de
staff-action-set-disabled = desativou ou ativou
staff-action-force-logout = desconectou de todos os lugares
staff-action-adjust = ajustou o saldo de
staff-action-transfer = movimentou dinheiro para
staff-action-resolve-for-buyer = decidiu uma disputa a favor do comprador de
staff-action-resolve-for-seller = decidiu uma disputa a favor do vendedor de
staff-action-resolve-split = dividiu a custódia de
staff-action-claim-case = assumiu
staff-action-add-note = escreveu uma nota em
staff-action-resolve-case = decidiu
staff-action-sanction = sancionou
staff-action-lift-sanction = retirou uma sanção de
staff-action-decide-appeal = decidiu um recurso de
staff-action-remove-offer = removeu
staff-action-execute-withdrawal = enviou imediatamente
staff-action-ledger-entry = lançamento contábil

staff-target-user = o usuário { $name }
staff-target-trade = a negociação nº { $id }
staff-target-offer = a oferta nº { $id }
staff-target-case = o caso nº { $id }
staff-target-entry = o lançamento nº { $id }
