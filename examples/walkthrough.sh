#!/usr/bin/env bash
# The README walkthrough as a script: push both example packages and deploy them through the gateway.
set -euo pipefail
cd "$(dirname "$0")"
API="${RUNNEL_API:-http://localhost:8080/api/v1}"
PROJECT="${RUNNEL_PROJECT:-demo}"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

for example in hello-world image-tagger; do
  (cd "$example" && python3 -m zipfile -c "/tmp/$example.zip" main.py)
  CODEBASE=$(curl -sf -X POST -H 'Content-Type: application/zip' --data-binary "@/tmp/$example.zip" "$API/codebases" | json "['id']")
  echo "codebase of $example: $CODEBASE"
  PACKAGE=$(python3 -c "import json,sys; p=json.load(open('$example/package.json')); p['projectId']='$PROJECT'; p['codebase']={'type':'blob','id':'$CODEBASE'}; print(json.dumps(p))" \
    | curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- "$API/packages")
  echo "package $example: $(echo "$PACKAGE" | json "['id']") revision $(echo "$PACKAGE" | json "['version']")"
  SERVICE=$(python3 -c "import json; s=json.load(open('$example/service.json')); s['projectId']='$PROJECT'; print(json.dumps(s))" \
    | curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- "$API/services")
  echo "service $(echo "$SERVICE" | json "['name']"): $(echo "$SERVICE" | json "['id']") version $(echo "$SERVICE" | json "['version']")"
done
curl -sf "$API/services?projectId=$PROJECT" | json "['totalItemsCount']" | sed 's/^/services deployed in project '"$PROJECT"': /'
