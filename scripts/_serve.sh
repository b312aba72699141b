# Sourced by the scripts that load or fuzz a real server: `serve_in DIR LOG COMMAND...` starts COMMAND (a server
# printing its JSON start-up line) in DIR with its output in LOG, and sets `server_pid` and `base` (its
# http://host:port) once it listens; it exits the script, showing the log, if the server stops or never listens.
serve_in() {
  local dir="$1" log="$2"
  shift 2
  (cd "$dir" && exec "$@") > "$log" 2>&1 &
  server_pid=$!
  base=""
  for _ in $(seq 100); do
    base="$(grep -o '"address":"http://[^"]*"' "$log" | head -n 1 | cut -d'"' -f4 || true)"
    [ -n "$base" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$(basename "$0"): the server did not start" >&2
  cat "$log" >&2
  exit 1
}
