auth-register-title = Crear una cuenta
auth-register-heading = Crear una cuenta
auth-username = Nombre de usuario
auth-email = Correo electrónico
auth-password = Contraseña
auth-password-hint = Al menos 12 caracteres. Unas cuantas palabras sin relación entre sí forman una contraseña fuerte y fácil de recordar.
auth-register-submit = Crear cuenta
auth-already-registered = ¿Ya tiene una cuenta?
auth-sign-in-link = Inicie sesión
auth-welcome = ¡Bienvenido a Pupero! Su cuenta está lista.
auth-created-sign-in = Cuenta creada. Inicie sesión.

auth-login-title = Iniciar sesión
auth-username-or-email = Nombre de usuario o correo electrónico
auth-remember-me = Mantener la sesión iniciada durante { $days ->
    [one] { $days } día
   *[other] { $days } días
}
auth-login-submit = Iniciar sesión
auth-new-here = ¿Es nuevo aquí?
auth-create-account-link = Cree una cuenta
auth-forgot-link = ¿Olvidó su contraseña?
auth-sign-in-to-continue = Inicie sesión para continuar.
auth-sign-in-to-see = Inicie sesión para ver esa página.
auth-signed-in = Sesión iniciada.
auth-signed-out = Sesión cerrada.

auth-code-title = Código de dos factores
auth-code-intro = La contraseña es correcta. Introduzca el código de seis dígitos de su aplicación de autenticación.
auth-code-label = Código
auth-code-hint = El código de seis dígitos de su aplicación, o uno de sus códigos de recuperación.
auth-code-submit = Verificar
auth-start-again = Volver a empezar
auth-password-first = Introduzca primero su contraseña.
auth-step-expired = Ese paso del inicio de sesión ha caducado. Vuelva a introducir su contraseña.
