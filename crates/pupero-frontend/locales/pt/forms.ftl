forms-field-error = { $label }: { $reason }
forms-unavailable = A plataforma está indisponível no momento. Nada foi alterado; tente novamente em instantes.
forms-request-failed = A solicitação falhou ({ $status }).
forms-not-understood = A plataforma deu uma resposta que esta página não entende.
forms-too-large = O formulário é grande demais.
forms-incomplete = O formulário está incompleto: { $detail }
forms-file-too-large = O arquivo é grande demais.
forms-unreadable = Não foi possível ler o formulário.
