forms-field-error = { $label }: { $reason }
forms-unavailable = La plataforma no está disponible en este momento. No se ha cambiado nada; inténtelo de nuevo en breve.
forms-request-failed = La solicitud ha fallado ({ $status }).
forms-not-understood = La plataforma ha dado una respuesta que esta página no entiende.
forms-too-large = El formulario es demasiado grande.
forms-incomplete = El formulario está incompleto: { $detail }
forms-file-too-large = El archivo es demasiado grande.
forms-unreadable = No se ha podido leer el formulario.
