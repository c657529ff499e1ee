# Denúncias, sanções e recursos: o formulário de denúncia, a lista de quem denuncia, a
# página de sanções do usuário e o aviso onde uma sanção bloqueia algo; depois, o painel
# dos moderadores.

## Do que tratam denúncias e sanções, e seus estados

moderation-category-scam = Golpe
moderation-category-payment-fraud = Fraude no pagamento
moderation-category-harassment = Assédio
moderation-category-spam = Spam
moderation-category-illegal = Conteúdo ou atividade ilegal
moderation-category-other = Outra coisa

moderation-sanction-warn = Advertência
moderation-sanction-mute = Silenciado (sem chat nas negociações)
moderation-sanction-trade-ban = Proibição de negociar (sem novas ofertas nem negociações)
moderation-sanction-withdrawal-hold = Saques bloqueados
moderation-sanction-suspend = Suspensão
moderation-sanction-ban = Banimento

moderation-case-open = Aguardando um moderador
moderation-case-claimed = Um moderador está cuidando disso
moderation-case-actioned = Resolvido: medidas foram tomadas
moderation-case-dismissed = Resolvido: nada contra as regras
moderation-case-resolved = Resolvido

moderation-appeal-pending = Aguardando a decisão de um moderador
moderation-appeal-upheld = Negado: a sanção continua
moderation-appeal-lifted = Aceito: a sanção foi retirada

moderation-target-user = o usuário { $name }
moderation-target-offer = a oferta nº { $id }
moderation-target-trade = a negociação nº { $id }
moderation-target-message = a mensagem nº { $id }

moderation-about-user = usuário
moderation-about-offer = oferta
moderation-about-trade = negociação
moderation-about-message = mensagem do chat

moderation-age-seconds = { $n } s
moderation-age-minutes = { $n } min
moderation-age-hours = { $n } h
moderation-age-days = { $n } d

moderation-until-lifted = até ser retirada
moderation-lifted-at = Retirada em { $when }
moderation-lifted-because = Retirada em { $when }: { $reason }

## Palavras comuns a estas páginas

moderation-about = Sobre
moderation-reason = Motivo
moderation-reason-user-sees = Motivo (o usuário vê)
moderation-status = Status
moderation-state = Situação
moderation-sent = Enviada
moderation-user = Usuário
moderation-sanction = Sanção
moderation-by = Por
moderation-since = Desde
moderation-ends = Termina
moderation-lifted = Retirada
moderation-state-in-force = em vigor
moderation-state-lifted = retirada
moderation-state-ended = encerrada
moderation-decided-by = por { $name }

## Denunciar

moderation-report-title = Denunciar
moderation-report-heading = Denunciar { $what }
moderation-report-what = escolha o que denunciar: um usuário, uma oferta, uma negociação ou uma mensagem do chat
moderation-report-hint-read = Os moderadores leem todas as denúncias.
moderation-report-hint-follow = Denúncias repetidas da mesma coisa são reunidas em um único caso; você pode acompanhar as suas em
moderation-report-hint-anonymous = A pessoa denunciada não fica sabendo quem a denunciou.
moderation-report-what-happened = O que aconteceu
moderation-report-placeholder = Conte o que aconteceu, com o número da negociação ou as datas, se tiver.
moderation-report-submit = Enviar denúncia
moderation-report-no-reason = Escolha um motivo para a denúncia.
moderation-report-sent = Obrigado: a denúncia nº { $id } está com os moderadores. O status dela aparece aqui.

moderation-my-reports-title = Minhas denúncias
moderation-my-reports-count =
    { $n ->
        [one] { $n } denúncia, as mais recentes primeiro.
       *[other] { $n } denúncias, as mais recentes primeiro.
    }
moderation-my-reports-notes-hidden = As notas privadas dos moderadores não são exibidas; a decisão sim.
moderation-my-reports-none = Você não denunciou nada. Há um link "Denunciar" em cada perfil, oferta, negociação e mensagem do chat.
moderation-what-you-said = O que você escreveu

## As sanções do usuário e seus recursos

moderation-my-sanctions-title = Sanções e recursos
moderation-my-sanctions-intro = O que os moderadores decidiram sobre a sua conta, por quê, até quando e como recorrer.
moderation-appeal-other-moderator = Um recurso é decidido por um moderador diferente daquele que aplicou a sanção.
moderation-my-sanctions-none = A sua conta não tem sanções.
moderation-your-appeal = Seu recurso
moderation-appeal-label = Recurso (até { $until })
moderation-appeal-placeholder = Por que esta sanção deveria ser retirada.
moderation-appeal-submit = Enviar recurso
moderation-appeal-sent = Seu recurso foi enviado. Um moderador diferente daquele que aplicou a sanção vai decidi-lo.

moderation-blocked-until-lifted = até ser retirada
moderation-blocked-until = até { $when }
moderation-blocked-link = Ver suas sanções e como recorrer

## O painel dos moderadores

moderation-nav-label = Moderação
moderation-nav-disputes = Disputas
moderation-nav-resolved = Casos resolvidos
moderation-nav-find-placeholder = nome de usuário
moderation-nav-find-label = Encontrar um usuário pelo nome
moderation-nav-find-submit = Encontrar usuário

moderation-queue-title = Fila de denúncias
moderation-filter-open-claimed = abertos e assumidos
moderation-filter-open = abertos
moderation-filter-claimed = assumidos
moderation-filter-resolved = resolvidos
moderation-filter-any = qualquer
moderation-filter-anything = qualquer coisa
moderation-filter-assigned-to = Atribuído a
moderation-filter-anyone = qualquer pessoa
moderation-filter-me = mim
moderation-filter-submit = Mostrar
moderation-queue-count =
    { $n ->
        [one] { $n } caso: os mais denunciados primeiro, depois os mais antigos.
       *[other] { $n } casos: os mais denunciados primeiro, depois os mais antigos.
    }
moderation-queue-merged = Cada caso reúne todas as denúncias de uma mesma coisa.
moderation-queue-none = Nenhum caso aqui.
moderation-case = Caso
moderation-reporters = Denunciantes
moderation-waiting = Esperando
moderation-assigned = Atribuído
moderation-escalated = escalado
moderation-nobody = ninguém

moderation-case-title = Caso nº { $id }
moderation-opened = Aberto
moderation-opened-ago = { $when } (há { $age })
moderation-decided = Decidido
moderation-claim = Assumir este caso
moderation-claimed = Este caso é seu. Ele aparece como seu na fila.
moderation-case-reports = Denúncias ({ $n })
moderation-case-sanctions = Sanções dos envolvidos
moderation-user-number = Usuário nº
moderation-who = Quem
moderation-candidate-owner = { $name } (dono da oferta)
moderation-candidate-seller = { $name } (o vendedor)
moderation-candidate-buyer = { $name } (o comprador)
moderation-candidate-reported = { $name } (o usuário denunciado)
moderation-days = Dias (vazio: até ser retirada)
moderation-impose = Aplicar
moderation-sanction-no-user = Escolha quem sancionar (o número de usuário).
moderation-sanction-bad-days = A duração é um número inteiro de dias de 1 a 3650, ou vazio para "até ser retirada".
moderation-sanction-imposed = Sanção "{ $kind }" aplicada ao usuário nº { $user } (sanção nº { $id }). Ele a vê com o seu motivo.
moderation-remove-offer-heading = Tirar a oferta do ar
moderation-remove-offer-confirm = Tirar a oferta nº { $id } do ar? As negociações já abertas nela continuam.
moderation-remove-offer = Remover a oferta nº { $id }
moderation-not-an-offer = Este caso não é sobre uma oferta.
moderation-offer-removed = A oferta nº { $id } foi tirada do ar; as negociações já abertas nela continuam.
moderation-decide = Decidir
moderation-resolve-actioned = Resolver: medidas tomadas
moderation-resolve-dismissed = Arquivar
moderation-case-dismissed-done = Caso arquivado. Os denunciantes o veem como resolvido.
moderation-case-actioned-done = Caso resolvido com medidas. Os denunciantes o veem como resolvido.
moderation-notes = Notas privadas
moderation-notes-hint = Só os moderadores as veem.
moderation-notes-none = Ainda não há notas.
moderation-note = Nota
moderation-note-placeholder = Uma nota para os outros moderadores
moderation-note-submit = Adicionar nota
moderation-note-added = Nota adicionada (só os moderadores a veem).

moderation-history-title = Sanções
moderation-history-of-user = Sanções do usuário nº { $id }
moderation-history-count =
    { $n ->
        [one] { $n } sanção, as mais recentes primeiro.
       *[other] { $n } sanções, as mais recentes primeiro.
    }
moderation-history-lift-note = A retirada vale em todo lugar ao mesmo tempo; um bloqueio de saques só um administrador retira.
moderation-history-none = Nenhuma sanção.
moderation-row-appeal = recurso: { $status }
moderation-lift = Retirar
moderation-lift-why = motivo
moderation-lift-why-label = Por que retirar a sanção { $id }
moderation-sanction-lifted = A sanção nº { $id } foi retirada em todo lugar onde se aplicava.

moderation-appeals-title = Recursos
moderation-appeals-filter-pending = a decidir
moderation-appeals-filter-upheld = negados
moderation-appeals-filter-lifted = aceitos
moderation-appeals-count-pending =
    { $n ->
        [one] { $n } recurso pendente, os mais antigos primeiro.
       *[other] { $n } recursos pendentes, os mais antigos primeiro.
    }
moderation-appeals-count-upheld =
    { $n ->
        [one] { $n } recurso negado, os mais antigos primeiro.
       *[other] { $n } recursos negados, os mais antigos primeiro.
    }
moderation-appeals-count-lifted =
    { $n ->
        [one] { $n } recurso aceito, os mais antigos primeiro.
       *[other] { $n } recursos aceitos, os mais antigos primeiro.
    }
moderation-appeals-not-yours = Você não pode decidir o recurso de uma sanção que você aplicou, nem um que seja sobre você.
moderation-appeals-none-pending = Nenhum recurso pendente.
moderation-appeals-none-upheld = Nenhum recurso negado.
moderation-appeals-none-lifted = Nenhum recurso aceito.
moderation-appeal-heading = Recurso nº { $id } de
moderation-its-reason = O motivo dela
moderation-imposed-by = Aplicada por
moderation-appeal-text-heading = O recurso ({ $when })
moderation-decide-lift = Retirar a sanção
moderation-decide-uphold = Mantê-la
moderation-appeal-accepted = Recurso nº { $id } aceito: a sanção foi retirada.
moderation-appeal-upheld-done = Recurso nº { $id } decidido: a sanção continua.
