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

# a trigger: every item created under /input runs the tagger; a resource event over HTTP fires it
TAGGER=$(call GET "/services?projectId=$PROJECT&name=image-tagger" | json "['items'][0]['id']")
TRIGGER=$(echo "{\"type\": \"Event\", \"name\": \"tag-new-inputs\", \"spec\": {\"resource\": \"Item\", \"actions\": [\"Created\"],
  \"filter\": {\"dir\": \"/input\"}, \"executionMode\": \"Once\", \"operation\": {\"serviceId\": \"$TAGGER\", \"functionName\": \"tag\"}}}" \
  | call POST /triggers body | json "['id']")
echo "trigger tag-new-inputs: $TRIGGER"
for _ in $(seq 1 60); do
  [ "$(call GET "/services/$TAGGER/status" | json "['status']")" = Active ] && break
  sleep 1
done
echo "{\"specversion\": \"1.0\", \"id\": \"walkthrough-1\", \"source\": \"/walkthrough\", \"type\": \"Item.Created\",
  \"subject\": \"item-42\", \"projectid\": \"$PROJECT\", \"data\": {\"id\": \"item-42\", \"dir\": \"/input\", \"name\": \"cat.jpg\"}}" \
  | call POST /events body >/dev/null
for _ in $(seq 1 60); do
  FIRED=$(call GET "/executions?serviceId=$TAGGER&triggerId=$TRIGGER" | json "['items']")
  [ "$FIRED" != "[]" ] && break
  sleep 1
done
EXECUTION=$(call GET "/executions?serviceId=$TAGGER&triggerId=$TRIGGER" | json "['items'][0]['id']")
call GET "/executions/$EXECUTION/wait?timeout=60" \
  | python3 -c "import json,sys; e=json.load(sys.stdin); print('triggered execution', e['id'], e['latestStatus']['status'], e['output'])"
