# Sourced by the bench shell scripts that start one comment-server themselves
# (profile_post.sh, perf_post.sh, perf_pg_ingest.sh).

# Every per-client limit lifted: the load generator is one address with
# hundreds of connections posting as fast as it can (as run.mjs's UNLIMITED).
unlimited_flags=(--rate 0 --max-connections-per-address 0 --max-connections 0
                 --max-messages-per-second 0 --embed-rate 0)

# listening_port LOG SECONDS: the port of the server writing LOG once it prints
# `listening on`, waiting up to SECONDS; exits the script if it never does.
listening_port() {
  local log=$1 tries=$(($2 * 5)) port
  for _ in $(seq "$tries"); do grep -q '^listening on' "$log" && break; sleep 0.2; done
  port=$(grep -o '^listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }
  echo "$port"
}
