{{/* The release's name prefix for every object. */}}
{{- define "pupero.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pupero.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one service: (dict "root" $ "service" "login") */}}
{{- define "pupero.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "pupero.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The Secret holding credentials: the operator's own, or the chart's. */}}
{{- define "pupero.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "pupero.fullname" .)) -}}
{{- end -}}

{{- define "pupero.keysSecretName" -}}
{{- if .root.Values.tokenKeys.existingSecretPrefix -}}
{{- printf "%s-%s" .root.Values.tokenKeys.existingSecretPrefix .service -}}
{{- else -}}
{{- printf "%s-keys-%s" (include "pupero.fullname" .root) .service -}}
{{- end -}}
{{- end -}}

{{/* The environment variable naming each service's port. */}}
{{- define "pupero.portVar" -}}
{{- get (dict "frontend" "PORT" "gateway" "API_MANAGER_PORT" "login" "LOGIN_PORT" "offers" "OFFERS_PORT" "transactions" "TRANSACTIONS_PORT" "moderation" "MODERATION_PORT" "wallet" "MONERO_WALLET_MANAGER_PORT") . -}}
{{- end -}}

{{/* One service's pod spec: (dict "root" $ "service" NAME "port" PORT) */}}
{{- define "pupero.podSpec" -}}
{{- $root := .root -}}
{{- $secret := include "pupero.secretName" $root -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile: {type: RuntimeDefault}
# Longer than SHUTDOWN_GRACE_SECONDS, so the staged shutdown finishes before a SIGKILL.
terminationGracePeriodSeconds: 35
automountServiceAccountToken: false
containers:
  - name: {{ .service }}
    image: {{ include "pupero.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    args: ["serve", {{ .service | quote }}]
    ports:
      - {name: http, containerPort: {{ .port }}}
    envFrom:
      - configMapRef: {name: {{ include "pupero.fullname" $root }}-config}
    env:
      - {name: {{ include "pupero.portVar" .service }}, value: {{ .port | quote }}}
      {{- if ne .service "gateway" }}
      - name: DATABASE_URL
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: DATABASE_URL}}
      {{- end }}
      - name: METRICS_TOKEN
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: METRICS_TOKEN}}
      {{- if has .service (list "transactions" "wallet") }}
      - name: MONERO_RPC_USER
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: MONERO_RPC_USER}}
      - name: MONERO_RPC_PASSWORD
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: MONERO_RPC_PASSWORD}}
      {{- if $root.Values.rabbitmq.enabled }}
      - name: RABBITMQ_USER
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: RABBITMQ_USER}}
      - name: RABBITMQ_PASSWORD
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: RABBITMQ_PASSWORD}}
      {{- end }}
      {{- end }}
      {{- if eq .service "wallet" }}
      - name: MONERO_WALLET_PASSWORD
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: MONERO_WALLET_PASSWORD}}
      {{- end }}
      {{- if has .service (list "login" "transactions" "frontend") }}
      - name: DATA_ENCRYPTION_KEY
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: DATA_ENCRYPTION_KEY}}
      {{- end }}
      {{- /* The services keeping an audit chain sign its checkpoints. */}}
      {{- if has .service (list "login" "transactions" "moderation") }}
      - name: AUDIT_SIGNING_KEY
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: AUDIT_SIGNING_KEY}}
      {{- end }}
      {{- if eq .service "frontend" }}
      - name: FRONTEND_SECRET_KEY
        valueFrom: {secretKeyRef: {name: {{ $secret }}, key: FRONTEND_SECRET_KEY}}
      {{- end }}
    readinessProbe:
      httpGet: {path: /healthz, port: http}
      periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
      failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
    livenessProbe:
      httpGet: {path: /healthz, port: http}
      initialDelaySeconds: {{ $root.Values.probes.liveness.initialDelaySeconds }}
      periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
      failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
    resources:
      {{- toYaml $root.Values.resources | nindent 6 }}
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: ["ALL"]}
    volumeMounts:
      - {name: keys, mountPath: /run/pupero/keys, readOnly: true}
      - {name: data, mountPath: /var/lib/pupero}
volumes:
  - name: keys
    secret:
      secretName: {{ include "pupero.keysSecretName" (dict "root" $root "service" .service) }}
      defaultMode: 0400
  - name: data
    emptyDir: {}
{{- end -}}
