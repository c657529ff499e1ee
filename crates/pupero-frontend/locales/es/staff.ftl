# La lista de disputas de los moderadores y la consola de administración: usuarios (rol,
# desactivar, cerrar sesión en todas partes), ajustes de saldo y registros de auditoría.

## Palabras comunes a las páginas del personal

staff-user = Usuario
staff-user-number = Usuario n.º
staff-role = Rol
staff-state = Situación
staff-state-active = activo
staff-state-disabled = desactivado
staff-reason = Motivo
staff-amount = Cantidad
staff-amount-xmr = Cantidad (XMR)
staff-trade = Operación
staff-seller = Vendedor
staff-buyer = Comprador
staff-search = Buscar
staff-when = Cuándo
staff-who = Quién
staff-action = Acción
staff-on = Sobre
staff-details = Detalles
staff-back = Volver

staff-role-user = usuario
staff-role-moderator = moderador
staff-role-admin = administrador

## Disputas

staff-disputes-title = Disputas
staff-disputes-count =
    { $n ->
        [one] { $n } abierta, las más antiguas primero. Abra una para leer su chat y decidirla.
       *[other] { $n } abiertas, las más antiguas primero. Abra una para leer su chat y decidirla.
    }
staff-disputes-none = No hay disputas abiertas.
staff-fiat = Fiat
staff-statement = Declaración
staff-paid = Pagada

## La consola de administración

staff-admin-title = Administración
staff-find-user = Buscar un usuario
staff-sanction-history = Historial de sanciones
staff-appeals = Apelaciones
staff-adjust-heading = Ajuste de saldo
staff-adjust-hint-confirm = La página siguiente muestra de quién es el saldo y le pide que confirme.
staff-adjust-hint-confirm-totp = La página siguiente muestra de quién es el saldo y le pide que confirme con su código de dos factores.
staff-adjust-hint-ledger = Cada ajuste es un asiento contable contra la cuenta de ajustes de la plataforma, con su motivo en el registro de auditoría.
staff-direction = Sentido
staff-direction-credit = abono
staff-direction-debit = cargo
staff-adjust-review = Revisar el ajuste
staff-users = Usuarios
staff-search-placeholder = nombre o correo
staff-search-label = Buscar usuarios
staff-manage = Gestionar
staff-since = desde el { $day }
staff-you = usted
staff-role-of = Rol de { $name }
staff-totp-placeholder = su código 2FA
staff-totp-label = Su código de dos factores
staff-set-role = Cambiar rol
staff-enable = Activar
staff-disable = Desactivar
staff-sign-out-everywhere = Cerrar sesión en todas partes

staff-role-set = El usuario n.º { $id } ahora es { $role }. Un ascenso surte efecto en la próxima renovación de su token.
staff-user-disabled = El usuario n.º { $id } está desactivado y se ha cerrado su sesión en todas partes.
staff-user-enabled = El usuario n.º { $id } vuelve a estar activo.
staff-sessions-ended =
    { $n ->
        [one] Se cerró { $n } sesión del usuario n.º { $id }.
       *[other] Se cerraron { $n } sesiones del usuario n.º { $id }.
    }

## Ajustes de saldo

staff-adjust-no-user = Elija el usuario (su número) que ajustar.
staff-adjust-no-direction = Elija abono o cargo.
staff-adjust-unknown-user = No existe el usuario n.º { $id }.
staff-adjust-confirm-title = Confirmar el ajuste
staff-adjust-confirm-intro = Todavía no se ha movido nada. Compruebe de quién es este saldo y la cantidad: el asiento entra en el libro contable y en el registro de auditoría con su nombre y su motivo, y solo se deshace con otro ajuste.
staff-credit = Abono
staff-debit = Cargo
staff-available-now = Disponible ahora
staff-totp-code = Código de dos factores
staff-adjust-credit-button = Abonar { $amount } XMR a { $name }
staff-adjust-debit-button = Cargar { $amount } XMR a { $name }
staff-adjust-credited = Abono de { $amount } XMR registrado para el usuario n.º { $id }; su saldo disponible es ahora de { $available } XMR.
staff-adjust-debited = Cargo de { $amount } XMR registrado para el usuario n.º { $id }; su saldo disponible es ahora de { $available } XMR.

## Los registros de auditoría

staff-audit-title = Registro de auditoría
staff-back-to-console = Volver a la consola
staff-audit-intro = Cada registro se compromete con el anterior mediante su hash, y la cabeza de la cadena se firma cada pocos minutos;
staff-audit-verify = comprueba ambas cosas.
staff-audit-empty = Todavía no hay nada registrado.
staff-audit-accounts = Cuentas
staff-audit-money = Dinero
staff-audit-moderation = Moderación
staff-hash = hash { $hash }…
staff-actor-platform = plataforma

staff-action-set-role = cambió el rol de
staff-action-set-disabled = desactivó o activó
staff-action-force-logout = cerró la sesión en todas partes de
staff-action-adjust = ajustó el saldo de
staff-action-transfer = movió dinero para
staff-action-resolve-for-buyer = decidió una disputa a favor del comprador de
staff-action-resolve-for-seller = decidió una disputa a favor del vendedor de
staff-action-resolve-split = repartió el depósito en garantía de
staff-action-claim-case = tomó
staff-action-add-note = escribió una nota en
staff-action-resolve-case = decidió
staff-action-sanction = sancionó a
staff-action-lift-sanction = levantó una sanción de
staff-action-decide-appeal = decidió una apelación de
staff-action-remove-offer = retiró
staff-action-execute-withdrawal = envió de inmediato
staff-action-ledger-entry = asiento contable

staff-target-user = el usuario { $name }
staff-target-trade = la operación n.º { $id }
staff-target-offer = la oferta n.º { $id }
staff-target-case = el caso n.º { $id }
staff-target-entry = el asiento n.º { $id }
