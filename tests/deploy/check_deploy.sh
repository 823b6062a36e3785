#!/usr/bin/env bash
# Checks the operator's files (docs/deploy.md):
# 1. deploy/comment-server@.service passes `systemd-analyze verify` with no
#    warning at all (an unknown key or a bad value is only a warning there);
# 2. `cmake --install` into a temporary prefix lays out the binary, the served
#    files and the docs where the unit expects them, and the installed binary runs.
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp "$src/deploy/comment-server@.service" "$tmp/comment-server@1.service"
out=$(systemd-analyze verify "$tmp/comment-server@1.service" 2>&1 || echo "systemd-analyze exited $?")
if [ -n "$out" ]; then
  echo "systemd-analyze verify found problems:"; echo "$out"; exit 1
fi
for key in ExecStart DynamicUser ProtectSystem NoNewPrivileges LimitNOFILE; do
  grep -q "^$key=" "$tmp/comment-server@1.service" || { echo "unit lacks $key"; exit 1; }
done

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/comment-server share/comment-server/web/embed.js share/comment-server/web/moderate.html \
         share/doc/comment-server/deploy.md share/doc/comment-server/examples/nginx.conf \
         share/doc/comment-server/examples/comment-server@.service; do
  [ -e "$tmp/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
ls "$tmp/prefix/share/comment-server/web/" | grep -q '\.wasm$' || { echo "no .wasm installed"; exit 1; }
# Read whole, not piped into grep -q: grep would stop at the first match and the
# help (over 4 KiB) could then die of SIGPIPE mid-write, which pipefail reports.
help=$("$tmp/prefix/bin/comment-server" --help) || { echo "installed binary does not run"; exit 1; }
grep -q -- '--db' <<<"$help" || { echo "installed binary's --help lacks --db"; exit 1; }
echo "deploy files ok"
