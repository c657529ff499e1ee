account-title = Configurações
account-signed-in-as = Conectado como
account-member-since = membro desde { $date }
account-public-profile = seu perfil público
account-role-user = usuário
account-role-moderator = moderador
account-role-admin = administrador

account-username-heading = Nome de usuário
account-username = Nome de usuário
account-change-username = Alterar nome de usuário
account-username-changed = Nome de usuário alterado.

account-email-heading = E-mail
account-email = E-mail
account-current-password = Senha atual
account-change-email = Alterar e-mail
account-email-changed = E-mail alterado.

account-password-heading = Senha
account-new-password = Nova senha
account-new-password-again = Repita a nova senha
account-change-password = Alterar senha
account-password-hint = Alterar a senha desconecta você de todos os lugares.
account-passwords-differ = As duas novas senhas são diferentes.
account-password-changed = Senha alterada. Faça login com sua nova senha.
account-sign-out-everywhere = Sair de todos os lugares
account-sign-out-everywhere-hint = Encerra todas as sessões da sua conta, em todos os dispositivos, inclusive este.
account-signed-out-everywhere = Você saiu de todos os lugares.

account-2fa-heading = Autenticação de dois fatores
account-2fa-on = Ativada. Os logins e a liberação da custódia pedem um código do seu aplicativo.
account-recovery-left = Códigos de recuperação restantes:
account-recovery-of = de { $total }.
account-password = Senha
account-current-code = Código atual
account-new-recovery-codes = Novos códigos de recuperação
account-new-recovery-codes-hint = Os novos códigos substituem os antigos, que deixam de funcionar.
account-2fa-turn-off = Desativar
account-2fa-off = Desativada. Ative-a para proteger seus logins e a liberação dos seus XMR em custódia.
account-2fa-set-up = Configurar a autenticação de dois fatores
account-2fa-enabled = A autenticação de dois fatores está ativada. Logins e liberações agora pedem um código.
account-2fa-disabled = A autenticação de dois fatores está desativada.

account-language-heading = Idioma
account-language-hint = O idioma do site, neste dispositivo e onde quer que você faça login.
account-language-save = Salvar idioma

account-delete-heading = Excluir conta
account-delete-intro = Seus dados pessoais são apagados. Antes, saque seu saldo e conclua suas negociações.
account-delete-confirm = Excluir sua conta definitivamente?
account-two-factor-code = Código de dois fatores
account-delete-submit = Excluir minha conta
account-deleted = Sua conta foi excluída. Até logo.

account-moderation-heading = Denúncias e sanções
account-my-reports = Minhas denúncias
account-my-reports-after = e a situação de cada uma
account-my-sanctions = Sanções e recursos
account-my-sanctions-after = na sua conta

account-2fa-title = Autenticação de dois fatores
account-2fa-setup-heading = Configurar a autenticação de dois fatores
account-2fa-same-key = A chave abaixo é a mesma: não é preciso escaneá-la de novo.
account-2fa-step-scan = Escaneie este código com um aplicativo autenticador (Aegis, andOTP, Google Authenticator…).
account-2fa-step-type = Ou digite a chave manualmente:
account-2fa-step-enter = Digite o código de seis dígitos que o aplicativo mostra.
account-2fa-qr-alt = Código QR para o seu aplicativo autenticador
account-2fa-key-once = Esta chave só é mostrada agora. Guarde uma cópia em local seguro: sem ela, perder o celular bloqueia o seu acesso.
account-2fa-code = Código
account-2fa-turn-on = Ativar

account-recovery-heading = Códigos de recuperação
account-recovery-intro = Cada um destes códigos funciona uma vez no lugar de um código do seu aplicativo: no login, para liberar a custódia, para sacar. Anote-os ou imprima-os agora; eles só são mostrados desta vez.
account-recovery-title = Códigos de recuperação
account-recovery-new-heading = Novos códigos de recuperação
account-recovery-old-void = Os códigos de recuperação anteriores não funcionam mais.
account-back-to-settings = Voltar às configurações
