#!/bin/sh
# Re-captures image-inspect.txt (docker's own `image inspect` output) and the expected
# column of docker-inspect.txt from a
# real Docker 20.10 client and daemon. Needs DOCKER_HOST pointing at a daemon (see
# PEERS.md) and an image named by $IMAGE (default bb:1; built FROM scratch with busybox,
# ENV PATH=/bin FOO=bar, LABEL com.example.a=1 b="two words",
# CMD ["/bin/busybox","sh","-c","echo hi"], then tagged a second time).
set -eu
cd "$(dirname "$0")"
IMAGE=${IMAGE:-bb:1}
DOCKER=${DOCKER:-/usr/bin/docker}
"$DOCKER" image inspect "$IMAGE" > image-inspect.txt
python3 - "$DOCKER" "$IMAGE" <<'PY'
import json, subprocess, sys
docker, image = sys.argv[1], sys.argv[2]
sep = ' ¦ '
out = []
for line in open('docker-inspect.txt', encoding='utf-8').read().split('\n'):
    if not line.strip() or line.startswith('#'):
        out.append(line)
        continue
    tmpl = line.split(sep)[0]
    t = json.loads(tmpl) if tmpl.startswith('"') else tmpl
    p = subprocess.run([docker, 'image', 'inspect', '--format', t, image], capture_output=True, text=True)
    got = p.stdout[:-1] if p.returncode == 0 else 'error: ' + p.stderr.strip()
    enc = json.dumps(got, ensure_ascii=False) if (got.startswith('"') or got != got.strip() or '\n' in got or got == '') else got
    out.append(tmpl + sep + enc)
open('docker-inspect.txt', 'w', encoding='utf-8').write('\n'.join(out).rstrip('\n') + '\n')
PY
