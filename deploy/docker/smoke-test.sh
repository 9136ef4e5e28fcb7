#!/usr/bin/env bash
# Starts the images once, for real, on one machine with a Docker engine:
#   1. the platform's services from their images (./runnel up with RUNNEL_IMAGES) run the README walkthrough;
#   2. the operator's image starts in place of the operator process and is ready;
#   3. a replica from the runner image, started with the environment the Kubernetes driver gives a pod,
#      becomes ready (its ready file) and runs a call of the walkthrough's hello service.
# Needs the images (build-images.sh), the default ports of ./runnel free, and no bridge network (it uses
# the host's). State goes to a folder of its own, removed at the end.
#   deploy/docker/smoke-test.sh [tag]
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-0.1.0}"
export RUNNEL_IMAGES="$tag" RUNNEL_HOME
RUNNEL_HOME="$(mktemp -d)" && chmod 755 "$RUNNEL_HOME"   # PostgreSQL runs as its own user
STATE="$RUNNEL_HOME" API=http://127.0.0.1:8080/api/v1 KAFKA=localhost:9092
say() { printf '\033[1m==> smoke: %s\033[0m\n' "$*"; }
fail() { printf 'smoke: FAILED: %s\n' "$*" >&2; exit 1; }
cleanup() {
  docker rm -f runnel-smoke-operator runnel-smoke-replica >/dev/null 2>&1 || true
  ./runnel down >/dev/null 2>&1 || true
  rm -rf "$RUNNEL_HOME"
}
trap cleanup EXIT
stop() { # a component ./runnel started
  local pid; pid="$(cat "$STATE/pids/$1")"; kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  rm -f "$STATE/pids/$1"
}
until_true() { # what, seconds, command...
  local what="$1" seconds="$2"; shift 2
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  fail "$what"
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

./runnel up
for module in gateway registry-service bot-service execution-service trigger-service; do
  docker inspect "runnel-$module" --format '{{.Config.Image}}' | grep -qx "runnel/$module:$tag" \
    || fail "$module does not run from its image"
done

say "the operator's image in place of the operator process"
stop runner-operator
docker run -d --name runnel-smoke-operator --network host --user "$(id -u):$(id -g)" -v "$STATE:$STATE" \
  -e QUARKUS_HTTP_PORT=8085 -e RUNNEL_KAFKA="$KAFKA" -e RUNNEL_HOME="$STATE" -e RUNNEL_API="$API" \
  -e RUNNEL_KAFKA_USERNAME=runnel -e RUNNEL_KAFKA_PASSWORD="$(cat "$STATE/kafka/platform.password")" \
  -e RUNNEL_DB_URL="jdbc:postgresql://127.0.0.1:5432/runnel" -e RUNNEL_BOT_URL=http://127.0.0.1:8082 \
  -e RUNNEL_JWKS_URL=http://127.0.0.1:8082/api/v1/.well-known/jwks.json "runnel/runner-operator:$tag" >/dev/null
until_true "the operator's image is not ready" 120 curl -sf http://127.0.0.1:8085/q/health/ready
docker rm -f runnel-smoke-operator >/dev/null
./runnel up   # the operator process again (its local driver starts replicas as processes)

say "the walkthrough through the services' images"
examples/walkthrough.sh | tee "$STATE/walkthrough.log"
grep -q "^execution .* success {'greeting': 'Hello, Ada!'" "$STATE/walkthrough.log" || fail "hello did not greet Ada"
grep -q "^triggered execution .* success" "$STATE/walkthrough.log" || fail "the trigger did not run the tagger"
HELLO="$(sed -n 's/^service hello: \([^ ]*\) .*/\1/p' "$STATE/walkthrough.log")"

say "a replica from the runner image serves hello"
SPEC="$(ls -t "$STATE/replicas/$HELLO"/spec-v*.json | head -1)"
stop runner-operator   # its replicas stop with it: from now on only the container takes hello's work
for _ in $(seq 1 60); do pgrep -f "[-]jar [^ ]*runnel-runner[.]jar" >/dev/null || break; sleep 1; done
pgrep -af "[-]jar [^ ]*runnel-runner[.]jar" && fail "replica processes outlived the operator"
BOT="$(json "['botUserName']" <"$SPEC")"
OPERATOR_TOKEN="$(curl -sfS -X POST -H 'Content-Type: application/json' \
  --data "{\"apiKey\": \"$(cat "$STATE/operator.key")\"}" "$API/token" | json "['access_token']")"
CREDENTIAL="$(curl -sfS -X POST -H "Authorization: Bearer $OPERATOR_TOKEN" "$API/bots/$BOT/credentials" | json "['key']")"
# hello's replicas' Kafka login, as the operator derives it (ReplicaLogins) and made it for its own replicas
KAFKA_PASSWORD="$(python3 -c 'import base64, hashlib, hmac, sys
mac = hmac.new(sys.argv[1].encode(), ("kafka login of the replicas of " + sys.argv[2]).encode(), hashlib.sha256)
print(base64.urlsafe_b64encode(mac.digest()).decode().rstrip("="))' "$(cat "$STATE/operator.key")" "$HELLO")"
# the environment of ReplicaDeployment's pod template
docker run -d --name runnel-smoke-replica --network host --tmpfs /var/run/runnel:mode=1777 \
  -e RUNNEL_SPEC_JSON="$(cat "$SPEC")" -e RUNNEL_SPEC_FILE=/var/run/runnel/spec.json \
  -e RUNNEL_KAFKA="$KAFKA" -e RUNNEL_API="$API" -e RUNNEL_WORK_DIR=/var/run/runnel/work \
  -e RUNNEL_READY_FILE=/var/run/runnel/ready -e RUNNEL_TERMINATION_LOG=/var/run/runnel/termination-log \
  -e RUNNEL_BOT_CHECK_SECONDS=30 -e RUNNEL_REPLICA_ID=smoke-replica -e RUNNEL_BOT_CREDENTIAL="$CREDENTIAL" \
  -e RUNNEL_KAFKA_USERNAME="replica-$HELLO" -e RUNNEL_KAFKA_PASSWORD="$KAFKA_PASSWORD" \
  "runnel/runner:$tag" >/dev/null
until_true "the runner image's replica is not ready (no ready file)" 120 \
  docker exec runnel-smoke-replica test -f /var/run/runnel/ready
TOKEN="$(./runnel token)"
RESULT="$(echo '{"functionName": "greet", "input": {"name": "Grace"}}' | curl -sfS -X POST \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @- \
  "$API/executions/$HELLO?wait=true&timeout=60")"
echo "$RESULT" | json "['latestStatus']['status']" | grep -qx success || fail "the container's call: $RESULT"
echo "$RESULT" | json "['output']" | grep -q "Hello, Grace" || fail "the container's output: $RESULT"
docker logs runnel-smoke-replica 2>&1 | tail -3
say "passed: every image started, and the runner image ran hello ($(echo "$RESULT" | json "['id']"))"
