#!/usr/bin/env bash
# Builds every image the Helm chart runs, from the repository root, after `mvn -DskipTests package`:
#   deploy/docker/build-images.sh [tag]        (tag defaults to the project version)
# Images are named runnel/<name>:<tag>, on runnel/base:<tag> (Debian's JRE 17); retag and push them to your
# registry, and set image.repository. DOCKER picks the client (docker, podman); DOCKER_BUILD_FLAGS adds
# flags to every build (e.g. "--network host" where containers have no bridge network).
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-0.1.0}"
builder="${DOCKER:-docker}"
read -r -a flags <<<"${DOCKER_BUILD_FLAGS:-}"
build() { "$builder" build "${flags[@]}" --build-arg BASE="runnel/base:$tag" "$@" .; }
build -f deploy/docker/Dockerfile.base -t "runnel/base:$tag"
# image name = module
for module in gateway registry-service bot-service execution-service trigger-service runner-operator; do
  build -f deploy/docker/Dockerfile.service --build-arg MODULE="$module" -t "runnel/$module:$tag"
done
build -f deploy/docker/Dockerfile.runner -t "runnel/runner:$tag"
