#!/bin/sh
# A throw-away redis-server for the tests (Debian's /usr/bin/redis-server):
#   redis.sh start DIR   starts one on DIR/redis.sock and a free TCP port on
#                        127.0.0.1 (no persistence, no password); writes the
#                        URLs to DIR/url (unix://…) and DIR/tcp-url (redis://…)
#   redis.sh stop DIR    stops it and removes DIR
#   redis.sh down DIR    stops it, keeping DIR (an outage)
#   redis.sh up DIR      starts it again on the same socket and port
# REDIS_PASSWORD=… makes it require that password (requirepass), for the
# tests of --redis with credentials. Runs as whoever calls it (root in CI is
# fine for Redis).
set -eu
command=${1:?usage: redis.sh start|stop|down|up DIR}
dir=${2:?usage: redis.sh start|stop|down|up DIR}
server=${REDIS_SERVER:-/usr/bin/redis-server}
cli=${REDIS_CLI:-/usr/bin/redis-cli}
password=${REDIS_PASSWORD:-}
# redis-cli reads the password from REDISCLI_AUTH (never from the command line).
if [ -n "$password" ]; then export REDISCLI_AUTH="$password"; fi

stop() {
  if [ -f "$dir/redis.pid" ]; then
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null; do
      i=$((i + 1))
      if [ "$i" -gt 100 ]; then kill -9 "$pid" 2>/dev/null || true; fi
      sleep 0.05
    done
    rm -f "$dir/redis.pid"
  fi
}

# Starts on $port (a given one, or a random free one when empty).
launch() {
  want=${1:-}
  tries=0
  while :; do
    tries=$((tries + 1))
    if [ -n "$want" ]; then
      port=$want
    else
      # A random port in 20000-59999; a taken one fails to bind and we try another.
      port=$(( ($(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000) + 20000 ))
    fi
    rm -f "$dir/redis.sock"
    if { if [ -n "$password" ]; then echo "requirepass $password"; fi; } |
        "$server" - --daemonize yes --pidfile "$dir/redis.pid" --dir "$dir" \
        --logfile "$dir/redis.log" --bind 127.0.0.1 --port "$port" \
        --unixsocket "$dir/redis.sock" --unixsocketperm 700 \
        --save '' --appendonly no --protected-mode no >/dev/null 2>&1; then
      i=0
      while [ "$i" -lt 100 ]; do
        if "$cli" -s "$dir/redis.sock" ping 2>/dev/null | grep -q PONG; then
          echo "$port" > "$dir/port"
          echo "unix://$dir/redis.sock" > "$dir/url"
          echo "redis://127.0.0.1:$port" > "$dir/tcp-url"
          return 0
        fi
        # Exited (the port was taken): try again.
        if [ -f "$dir/redis.pid" ] && ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then break; fi
        i=$((i + 1))
        sleep 0.05
      done
      stop
    fi
    if [ -n "$want" ] && [ "$tries" -ge 40 ]; then break; fi
    if [ -z "$want" ] && [ "$tries" -ge 20 ]; then break; fi
    sleep 0.05
  done
  echo "redis.sh: could not start $server in $dir (see $dir/redis.log)" >&2
  return 1
}

case "$command" in
  start)
    stop 2>/dev/null || true
    mkdir -p "$dir"
    launch
    ;;
  down)
    stop
    ;;
  up)
    launch "$(cat "$dir/port")"
    ;;
  stop)
    stop
    rm -rf "$dir"
    ;;
  *)
    echo "usage: redis.sh start|stop|down|up DIR" >&2
    exit 2
    ;;
esac
