# Denuncias, sanciones y apelaciones: el formulario de denuncia, la lista de quien
# denuncia, la página de sanciones del usuario y el aviso donde una sanción bloquea algo;
# después, la consola de los moderadores.

## A qué se refieren denuncias y sanciones, y sus estados

moderation-category-scam = Estafa
moderation-category-payment-fraud = Fraude en el pago
moderation-category-harassment = Acoso
moderation-category-spam = Spam
moderation-category-illegal = Contenido o actividad ilegal
moderation-category-other = Otra cosa

moderation-sanction-warn = Advertencia
moderation-sanction-mute = Silenciado (sin chat de operaciones)
moderation-sanction-trade-ban = Prohibición de operar (sin nuevas ofertas ni operaciones)
moderation-sanction-withdrawal-hold = Retiros bloqueados
moderation-sanction-suspend = Suspensión
moderation-sanction-ban = Expulsión

moderation-case-open = Esperando a un moderador
moderation-case-claimed = Un moderador se está ocupando
moderation-case-actioned = Resuelto: se tomaron medidas
moderation-case-dismissed = Resuelto: nada contrario a las normas
moderation-case-resolved = Resuelto

moderation-appeal-pending = Esperando la decisión de un moderador
moderation-appeal-upheld = Rechazada: la sanción se mantiene
moderation-appeal-lifted = Aceptada: la sanción se levantó

moderation-target-user = el usuario { $name }
moderation-target-offer = la oferta n.º { $id }
moderation-target-trade = la operación n.º { $id }
moderation-target-message = el mensaje n.º { $id }

moderation-about-user = usuario
moderation-about-offer = oferta
moderation-about-trade = operación
moderation-about-message = mensaje del chat

moderation-age-seconds = { $n } s
moderation-age-minutes = { $n } min
moderation-age-hours = { $n } h
moderation-age-days = { $n } d

moderation-until-lifted = hasta que se levante
moderation-lifted-at = Levantada el { $when }
moderation-lifted-because = Levantada el { $when }: { $reason }

## Palabras comunes a estas páginas

moderation-about = Sobre
moderation-reason = Motivo
moderation-reason-user-sees = Motivo (el usuario lo ve)
moderation-status = Estado
moderation-state = Situación
moderation-sent = Enviada
moderation-user = Usuario
moderation-sanction = Sanción
moderation-by = Por
moderation-since = Desde
moderation-ends = Termina
moderation-lifted = Levantada
moderation-state-in-force = en vigor
moderation-state-lifted = levantada
moderation-state-ended = terminada
moderation-decided-by = por { $name }

## Denunciar

moderation-report-title = Denunciar
moderation-report-heading = Denunciar { $what }
moderation-report-what = elija qué denunciar: un usuario, una oferta, una operación o un mensaje del chat
moderation-report-hint-read = Los moderadores leen todas las denuncias.
moderation-report-hint-follow = Las denuncias repetidas de una misma cosa se reúnen en un solo caso; puede seguir las suyas en
moderation-report-hint-anonymous = A la persona denunciada no se le dice quién la denunció.
moderation-report-what-happened = Qué pasó
moderation-report-placeholder = Cuente qué pasó, con el número de la operación o las fechas si las tiene.
moderation-report-submit = Enviar denuncia
moderation-report-no-reason = Elija un motivo para la denuncia.
moderation-report-sent = Gracias: la denuncia n.º { $id } está en manos de los moderadores. Su estado aparece aquí.

moderation-my-reports-title = Mis denuncias
moderation-my-reports-count =
    { $n ->
        [one] { $n } denuncia, las más recientes primero.
       *[other] { $n } denuncias, las más recientes primero.
    }
moderation-my-reports-notes-hidden = Las notas privadas de los moderadores no se muestran; la decisión sí.
moderation-my-reports-none = No ha denunciado nada. Hay un enlace «Denunciar» en cada perfil, oferta, operación y mensaje del chat.
moderation-what-you-said = Lo que usted escribió

## Las sanciones del usuario y sus apelaciones

moderation-my-sanctions-title = Sanciones y apelaciones
moderation-my-sanctions-intro = Lo que los moderadores decidieron sobre su cuenta, por qué, hasta cuándo y cómo apelar.
moderation-appeal-other-moderator = Una apelación la decide un moderador distinto del que impuso la sanción.
moderation-my-sanctions-none = Su cuenta no tiene sanciones.
moderation-your-appeal = Su apelación
moderation-appeal-label = Apelación (hasta el { $until })
moderation-appeal-placeholder = Por qué debería levantarse esta sanción.
moderation-appeal-submit = Enviar apelación
moderation-appeal-sent = Su apelación se ha enviado. La decide un moderador distinto del que impuso la sanción.

moderation-blocked-until-lifted = hasta que se levante
moderation-blocked-until = hasta el { $when }
moderation-blocked-link = Ver sus sanciones y cómo apelar

## La consola de los moderadores

moderation-nav-label = Moderación
moderation-nav-disputes = Disputas
moderation-nav-resolved = Casos resueltos
moderation-nav-find-placeholder = nombre de usuario
moderation-nav-find-label = Buscar un usuario por su nombre
moderation-nav-find-submit = Buscar usuario

moderation-queue-title = Cola de denuncias
moderation-filter-open-claimed = abiertos y asignados
moderation-filter-open = abiertos
moderation-filter-claimed = asignados
moderation-filter-resolved = resueltos
moderation-filter-any = cualquiera
moderation-filter-anything = cualquier cosa
moderation-filter-assigned-to = Asignado a
moderation-filter-anyone = cualquiera
moderation-filter-me = mí
moderation-filter-submit = Mostrar
moderation-queue-count =
    { $n ->
        [one] { $n } caso: los más denunciados primero, luego los más antiguos.
       *[other] { $n } casos: los más denunciados primero, luego los más antiguos.
    }
moderation-queue-merged = Cada caso reúne todas las denuncias de una misma cosa.
moderation-queue-none = No hay casos aquí.
moderation-case = Caso
moderation-reporters = Denunciantes
moderation-waiting = Esperando
moderation-assigned = Asignado
moderation-escalated = escalado
moderation-nobody = nadie

moderation-case-title = Caso n.º { $id }
moderation-opened = Abierto
moderation-opened-ago = { $when } (hace { $age })
moderation-decided = Decidido
moderation-claim = Tomar este caso
moderation-claimed = Este caso es suyo. Aparece como suyo en la cola.
moderation-case-reports = Denuncias ({ $n })
moderation-case-sanctions = Sanciones de los implicados
moderation-user-number = Usuario n.º
moderation-who = Quién
moderation-candidate-owner = { $name } (dueño de la oferta)
moderation-candidate-seller = { $name } (el vendedor)
moderation-candidate-buyer = { $name } (el comprador)
moderation-candidate-reported = { $name } (el usuario denunciado)
moderation-days = Días (vacío: hasta que se levante)
moderation-impose = Imponer
moderation-sanction-no-user = Elija a quién sancionar (su número de usuario).
moderation-sanction-bad-days = La duración es un número entero de días de 1 a 3650, o vacío para «hasta que se levante».
moderation-sanction-imposed = Sanción «{ $kind }» impuesta al usuario n.º { $user } (sanción n.º { $id }). La verá con su motivo.
moderation-remove-offer-heading = Retirar la oferta
moderation-remove-offer-confirm = ¿Retirar la oferta n.º { $id }? Las operaciones ya abiertas sobre ella continúan.
moderation-remove-offer = Retirar la oferta n.º { $id }
moderation-not-an-offer = Este caso no trata de una oferta.
moderation-offer-removed = La oferta n.º { $id } se ha retirado; las operaciones ya abiertas sobre ella continúan.
moderation-decide = Decidir
moderation-resolve-actioned = Resolver: medidas tomadas
moderation-resolve-dismissed = Desestimar
moderation-case-dismissed-done = Caso desestimado. Los denunciantes lo ven resuelto.
moderation-case-actioned-done = Caso resuelto con medidas. Los denunciantes lo ven resuelto.
moderation-notes = Notas privadas
moderation-notes-hint = Solo los moderadores las ven.
moderation-notes-none = Todavía no hay notas.
moderation-note = Nota
moderation-note-placeholder = Una nota para los demás moderadores
moderation-note-submit = Añadir nota
moderation-note-added = Nota añadida (solo los moderadores la ven).

moderation-history-title = Sanciones
moderation-history-of-user = Sanciones del usuario n.º { $id }
moderation-history-count =
    { $n ->
        [one] { $n } sanción, las más recientes primero.
       *[other] { $n } sanciones, las más recientes primero.
    }
moderation-history-lift-note = Un levantamiento surte efecto en todas partes a la vez; un bloqueo de retiros solo lo levanta un administrador.
moderation-history-none = No hay sanciones.
moderation-row-appeal = apelación: { $status }
moderation-lift = Levantar
moderation-lift-why = motivo
moderation-lift-why-label = Por qué levantar la sanción { $id }
moderation-sanction-lifted = La sanción n.º { $id } se ha levantado en todas partes donde se aplicaba.

moderation-appeals-title = Apelaciones
moderation-appeals-filter-pending = por decidir
moderation-appeals-filter-upheld = rechazadas
moderation-appeals-filter-lifted = aceptadas
moderation-appeals-count-pending =
    { $n ->
        [one] { $n } apelación pendiente, las más antiguas primero.
       *[other] { $n } apelaciones pendientes, las más antiguas primero.
    }
moderation-appeals-count-upheld =
    { $n ->
        [one] { $n } apelación rechazada, las más antiguas primero.
       *[other] { $n } apelaciones rechazadas, las más antiguas primero.
    }
moderation-appeals-count-lifted =
    { $n ->
        [one] { $n } apelación aceptada, las más antiguas primero.
       *[other] { $n } apelaciones aceptadas, las más antiguas primero.
    }
moderation-appeals-not-yours = No puede decidir la apelación de una sanción que usted impuso, ni una que trate sobre usted.
moderation-appeals-none-pending = No hay apelaciones pendientes.
moderation-appeals-none-upheld = No hay apelaciones rechazadas.
moderation-appeals-none-lifted = No hay apelaciones aceptadas.
moderation-appeal-heading = Apelación n.º { $id } de
moderation-its-reason = Su motivo
moderation-imposed-by = Impuesta por
moderation-appeal-text-heading = La apelación ({ $when })
moderation-decide-lift = Levantar la sanción
moderation-decide-uphold = Mantenerla
moderation-appeal-accepted = Apelación n.º { $id } aceptada: la sanción se ha levantado.
moderation-appeal-upheld-done = Apelación n.º { $id } decidida: la sanción se mantiene.
