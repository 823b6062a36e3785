#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (ctest fixture "postgres").
#
#   postgres.sh start DIR   initdb + postgres in a fresh temporary folder, on a
#                           unix socket in that folder only (no TCP port);
#                           writes the libpq URI to DIR/uri
#   postgres.sh stop DIR    stops the cluster and removes its folder
#
# The cluster runs as an unprivileged user, because PostgreSQL refuses to run
# as root (CI runs as root): as root the data folder is given to `nobody` (or
# $COMMENTS_PG_USER) and the programs run through runuser. Authentication on
# the socket is `trust` (tests only). The binaries come from
# /usr/lib/postgresql/<newest>/bin unless PG_BIN says otherwise.
set -euo pipefail

action=${1:-}
dir=${2:-}
if [[ -z "$action" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$found" || ! -x "$found/initdb" ]]; then
    echo "postgres.sh: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
  echo "$found"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "${COMMENTS_PG_USER:-nobody}" -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  local data=$1
  [[ -d "$data/pgdata" ]] || return 0
  local bin
  bin=$(find_bin)
  as_owner "$bin/pg_ctl" -D "$data/pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$data"
}

case "$action" in
  start)
    mkdir -p "$dir"
    # A cluster left over from an interrupted run is stopped first.
    if [[ -f "$dir/data" ]]; then stop_cluster "$(cat "$dir/data")"; rm -f "$dir/data" "$dir/uri"; fi
    bin=$(find_bin)
    # Short path under /tmp: a socket path is limited to 107 bytes, and the
    # unprivileged user must be able to reach it (a build folder may not be).
    data=$(mktemp -d /tmp/comments-pg-XXXXXX)
    echo "$data" >"$dir/data"
    if [[ $(id -u) -eq 0 ]]; then chown "${COMMENTS_PG_USER:-nobody}" "$data"; fi
    chmod 700 "$data"
    if ! as_owner "$bin/initdb" -D "$data/pgdata" -U comments --auth=trust -E UTF8 --locale=C.UTF-8 \
          >"$data/initdb.log" 2>&1; then
      cat "$data/initdb.log" >&2
      exit 1
    fi
    # Small and quick to start; fsync stays on (the engine's durability is
    # what the tests exercise).
    if ! as_owner "$bin/pg_ctl" -D "$data/pgdata" -l "$data/server.log" -w -t 60 \
          -o "-c listen_addresses= -c unix_socket_directories=$data -c max_connections=200 -c shared_buffers=128MB" \
          start >/dev/null; then
      cat "$data/server.log" >&2
      exit 1
    fi
    # Group and others may reach the socket folder (root, the test user).
    chmod 755 "$data"
    echo "postgresql://comments@/postgres?host=$data" >"$dir/uri"
    echo "postgres.sh: started on $data ($(cat "$dir/uri"))"
    ;;
  stop)
    if [[ -f "$dir/data" ]]; then
      stop_cluster "$(cat "$dir/data")"
      rm -f "$dir/data" "$dir/uri"
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
