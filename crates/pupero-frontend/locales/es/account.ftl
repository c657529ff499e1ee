account-title = Ajustes
account-signed-in-as = Sesión iniciada como
account-member-since = miembro desde el { $date }
account-public-profile = su perfil público
account-role-user = usuario
account-role-moderator = moderador
account-role-admin = administrador

account-username-heading = Nombre de usuario
account-username = Nombre de usuario
account-change-username = Cambiar el nombre de usuario
account-username-changed = Nombre de usuario cambiado.

account-email-heading = Correo electrónico
account-email = Correo electrónico
account-current-password = Contraseña actual
account-change-email = Cambiar el correo electrónico
account-email-changed = Correo electrónico cambiado.

account-password-heading = Contraseña
account-new-password = Contraseña nueva
account-new-password-again = Repita la contraseña nueva
account-change-password = Cambiar la contraseña
account-password-hint = Cambiar la contraseña cierra su sesión en todas partes.
account-passwords-differ = Las dos contraseñas nuevas no coinciden.
account-password-changed = Contraseña cambiada. Inicie sesión con su nueva contraseña.
account-sign-out-everywhere = Cerrar sesión en todas partes
account-sign-out-everywhere-hint = Cierra todas las sesiones de su cuenta, en todos los dispositivos, incluido este.
account-signed-out-everywhere = Ha cerrado la sesión en todas partes.

account-2fa-heading = Autenticación de dos factores
account-2fa-on = Activada. Los inicios de sesión y la liberación de la custodia piden un código de su aplicación.
account-recovery-left = Códigos de recuperación restantes:
account-recovery-of = de { $total }.
account-password = Contraseña
account-current-code = Código actual
account-new-recovery-codes = Nuevos códigos de recuperación
account-new-recovery-codes-hint = Los códigos nuevos sustituyen a los anteriores, que dejan de funcionar.
account-2fa-turn-off = Desactivar
account-2fa-off = Desactivada. Actívela para proteger sus inicios de sesión y la liberación de sus XMR en custodia.
account-2fa-set-up = Configurar la autenticación de dos factores
account-2fa-enabled = La autenticación de dos factores está activada. Los inicios de sesión y las liberaciones piden ahora un código.
account-2fa-disabled = La autenticación de dos factores está desactivada.

account-language-heading = Idioma
account-language-hint = El idioma del sitio, en este dispositivo y dondequiera que inicie sesión.
account-language-save = Guardar el idioma

account-delete-heading = Eliminar la cuenta
account-delete-intro = Sus datos personales se borran. Antes, retire su saldo y termine sus operaciones.
account-delete-confirm = ¿Eliminar su cuenta definitivamente?
account-two-factor-code = Código de dos factores
account-delete-submit = Eliminar mi cuenta
account-deleted = Su cuenta ha sido eliminada. Adiós.

account-moderation-heading = Denuncias y sanciones
account-my-reports = Mis denuncias
account-my-reports-after = y en qué punto está cada una
account-my-sanctions = Sanciones y apelaciones
account-my-sanctions-after = de su cuenta

account-2fa-title = Autenticación de dos factores
account-2fa-setup-heading = Configurar la autenticación de dos factores
account-2fa-same-key = La clave de abajo es la misma: no hace falta volver a escanearla.
account-2fa-step-scan = Escanee este código con una aplicación de autenticación (Aegis, andOTP, Google Authenticator…).
account-2fa-step-type = O escriba la clave a mano:
account-2fa-step-enter = Introduzca el código de seis dígitos que muestra la aplicación.
account-2fa-qr-alt = Código QR para su aplicación de autenticación
account-2fa-key-once = Esta clave solo se muestra ahora. Guarde una copia en un lugar seguro: sin ella, si pierde el teléfono, se quedará sin acceso.
account-2fa-code = Código
account-2fa-turn-on = Activar

account-recovery-heading = Códigos de recuperación
account-recovery-intro = Cada uno de estos códigos sirve una vez en lugar de un código de su aplicación: al iniciar sesión, para liberar la custodia, para retirar. Anótelos o imprímalos ahora; solo se muestran esta vez.
account-recovery-title = Códigos de recuperación
account-recovery-new-heading = Nuevos códigos de recuperación
account-recovery-old-void = Los códigos de recuperación anteriores ya no funcionan.
account-back-to-settings = Volver a los ajustes
