auth-register-title = Criar uma conta
auth-register-heading = Criar uma conta
auth-username = Nome de usuário
auth-email = E-mail
auth-password = Senha
auth-password-hint = Pelo menos 12 caracteres. Algumas palavras sem relação entre si formam uma senha forte e fácil de lembrar.
auth-register-submit = Criar conta
auth-already-registered = Já tem cadastro?
auth-sign-in-link = Entrar
auth-welcome = Bem-vindo ao Pupero! Sua conta está pronta.
auth-created-sign-in = Conta criada. Faça login.

auth-login-title = Entrar
auth-username-or-email = Nome de usuário ou e-mail
auth-remember-me = Manter conectado por { $days ->
    [one] { $days } dia
   *[other] { $days } dias
}
auth-login-submit = Entrar
auth-new-here = Novo por aqui?
auth-create-account-link = Crie uma conta
auth-forgot-link = Esqueceu sua senha?
auth-sign-in-to-continue = Faça login para continuar.
auth-sign-in-to-see = Faça login para ver essa página.
auth-signed-in = Login efetuado.
auth-signed-out = Você saiu.

auth-code-title = Código de dois fatores
auth-code-intro = Sua senha está correta. Digite o código de seis dígitos do seu aplicativo autenticador.
auth-code-label = Código
auth-code-hint = O código de seis dígitos do seu aplicativo, ou um dos seus códigos de recuperação.
auth-code-submit = Verificar
auth-start-again = Recomeçar
auth-password-first = Digite sua senha primeiro.
auth-step-expired = Essa etapa do login expirou. Digite sua senha novamente.
