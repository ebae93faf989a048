#!/bin/sh
# Captures help and error output of the real Docker 20.10 client (no daemon needed)
# into this folder. layerbox's help tests render a docker-shaped command table and
# compare with these files byte for byte.
set -eu
cd "$(dirname "$0")"
DOCKER=${DOCKER:-/usr/bin/docker}
export DOCKER_HOST=unix:///nonexistent
"$DOCKER" --help > root.txt
"$DOCKER" image --help > image.txt
"$DOCKER" image ls --help > image-ls.txt
"$DOCKER" images --help > images.txt
"$DOCKER" container ls --help > container-ls.txt
"$DOCKER" ps --help > ps.txt
"$DOCKER" rmi --help > rmi.txt
"$DOCKER" exec --help > exec.txt
"$DOCKER" volume --help > volume.txt
"$DOCKER" inspect --help > inspect.txt
"$DOCKER" tag --help > tag.txt
# stderr of commands that fail before contacting a daemon, with their exit status
# on the last line.
err() { out=$1; shift; set +e; "$DOCKER" "$@" 2> "$out" >/dev/null; echo "exit $?" >> "$out"; set -e; }
err err-root-bogus-flag.txt --bogus
err err-image-bogus-flag.txt image --bogus ls
err err-image-bogus.txt image bogus
err err-image-noargs.txt image
