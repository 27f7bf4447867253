#!/usr/bin/env bash
# A private Redis without persistence under var/, for when REDIS_URL is not given.
# Usage: scripts/private-redis.sh start|stop|foreground PORT
set -euo pipefail
cmd=$1; port=${2:-6390}
dir="var/redis-$port"; mkdir -p "$dir"
case "$cmd" in
  foreground) exec redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" ;;
  start)
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
      --pidfile "$PWD/$dir/redis.pid" --logfile "$PWD/$dir/redis.log"
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && exit 0; sleep 0.1; done
    echo "Redis on port $port did not start; see $dir/redis.log" >&2; exit 1 ;;
  stop) [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true ;;
esac
