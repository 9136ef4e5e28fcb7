#!/usr/bin/env bash
# Builds every image the Helm chart runs, from the repository root, after `mvn -DskipTests package`:
#   deploy/docker/build-images.sh [tag]        (tag defaults to the project version)
# Images are named runnel/<name>:<tag>; retag and push them to your registry, and set image.repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-0.1.0}"
builder="${DOCKER:-docker}"
# image name = module
for module in gateway registry-service bot-service execution-service trigger-service runner-operator; do
  "$builder" build -f deploy/docker/Dockerfile.service --build-arg MODULE="$module" -t "runnel/$module:$tag" .
done
"$builder" build -f deploy/docker/Dockerfile.runner -t "runnel/runner:$tag" .
