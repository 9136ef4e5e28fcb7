#!/usr/bin/env bash
# The README walkthrough as a script: as the local admin, create a project, push both example
# packages and deploy them through the gateway. Needs a running platform (./runnel up).
set -euo pipefail
cd "$(dirname "$0")"
API="${RUNNEL_API:-http://localhost:8080/api/v1}"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
call() { # method path [json body from stdin]
  curl -sfS -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$API$2" ${3:+--data-binary @-}
}

TOKEN=$(../runnel token)
PROJECT=$(echo '{"name": "walkthrough"}' | call POST /projects body | json "['id']")
echo "project: $PROJECT"
TOKEN=$(../runnel token)   # tokens carry the caller's project roles: take a new one after creating a project

for example in hello-world image-tagger; do
  (cd "$example" && python3 -m zipfile -c "/tmp/$example.zip" main.py)
  CODEBASE=$(curl -sfS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/zip' \
    --data-binary "@/tmp/$example.zip" "$API/codebases?projectId=$PROJECT" | json "['id']")
  echo "codebase of $example: $CODEBASE"
  PACKAGE=$(python3 -c "import json; p=json.load(open('$example/package.json')); p['projectId']='$PROJECT'; p['codebase']={'type':'blob','id':'$CODEBASE'}; print(json.dumps(p))" \
    | call POST /packages body)
  echo "package $example: $(echo "$PACKAGE" | json "['id']") revision $(echo "$PACKAGE" | json "['version']")"
  SERVICE=$(python3 -c "import json; s=json.load(open('$example/service.json')); s['projectId']='$PROJECT'; print(json.dumps(s))" \
    | call POST /services body)
  echo "service $(echo "$SERVICE" | json "['name']"): $(echo "$SERVICE" | json "['id']") version $(echo "$SERVICE" | json "['version']"), runs as $(echo "$SERVICE" | json "['botUserName']")"
done
echo "services deployed in project $PROJECT: $(call GET "/services?projectId=$PROJECT" | json "['totalItemsCount']")"

# run a function once the operator has a replica ready, and wait for its result
HELLO=$(call GET "/services?projectId=$PROJECT&name=hello" | json "['items'][0]['id']")
for _ in $(seq 1 60); do
  [ "$(call GET "/services/$HELLO/status" | json "['status']")" = Active ] && break
  sleep 1
done
echo '{"functionName": "greet", "input": {"name": "Ada"}}' | call POST "/executions/$HELLO?wait=true&timeout=60" body \
  | python3 -c "import json,sys; e=json.load(sys.stdin); print('execution', e['id'], e['latestStatus']['status'], e['output'])"
