{{/* The name of a component's objects: <release>-<component>. */}}
{{- define "runnel.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "runnel.labels" -}}
app.kubernetes.io/name: runnel
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "runnel.selector" -}}
app.kubernetes.io/name: runnel
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* <repository>/<image>:<tag or appVersion> */}}
{{- define "runnel.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .image (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{- define "runnel.url" -}}
{{- printf "http://%s:%v" (include "runnel.name" .) .port -}}
{{- end -}}

{{/*
A Runnel service: its Deployment and its Service. Parameters: root, component, image, values
(the component's group of values), env (extra environment), serviceAccount, strategy.
*/}}
{{- define "runnel.service" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "runnel.name" . }}
  labels:
    {{- include "runnel.labels" . | nindent 4 }}
spec:
  replicas: {{ .values.replicas }}
  {{- with .strategy }}
  strategy:
    type: {{ . }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "runnel.selector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "runnel.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include (print .root.Template.BasePath "/config.yaml") .root | sha256sum }}
    spec:
      {{- with .serviceAccount }}
      serviceAccountName: {{ . }}
      {{- end }}
      {{- with .root.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
      containers:
        - name: {{ .component }}
          image: {{ include "runnel.image" . }}
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .values.port }}
          envFrom:
            - configMapRef:
                name: {{ include "runnel.name" (dict "root" .root "component" "config") }}
          env:
            - name: QUARKUS_HTTP_PORT
              value: {{ .values.port | quote }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          readinessProbe:
            httpGet: {path: /q/health/ready, port: http}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /q/health/live, port: http}
            initialDelaySeconds: 20
            periodSeconds: 10
          startupProbe:
            httpGet: {path: /q/health/started, port: http}
            periodSeconds: 2
            failureThreshold: 60
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: home
              mountPath: /var/lib/runnel
      volumes:
        - name: tmp
          emptyDir: {}
        - name: home
          emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "runnel.name" . }}
  labels:
    {{- include "runnel.labels" . | nindent 4 }}
spec:
  type: {{ default "ClusterIP" .values.serviceType }}
  selector:
    {{- include "runnel.selector" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.port }}
      targetPort: http
{{- end -}}

{{/* A password or key from an existing Secret, as an env entry. */}}
{{- define "runnel.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* A service's login on the bus: its principal, and that principal's password from the Kafka Secret. */}}
{{- define "runnel.kafkaEnv" -}}
- name: RUNNEL_KAFKA_USERNAME
  value: {{ .principal | quote }}
{{ include "runnel.secretEnv" (dict "name" "RUNNEL_KAFKA_PASSWORD" "secret" .root.Values.kafka.existingSecret "key" .principal) }}
{{- end -}}
