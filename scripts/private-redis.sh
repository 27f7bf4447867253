#!/usr/bin/env bash
# A private Redis without persistence under var/, for when REDIS_URL is not given.
# Usage: scripts/private-redis.sh start|stop PORT
set -euo pipefail
cmd=$1; port=${2:-6390}
dir="var/redis-$port"; mkdir -p "$dir"
case "$cmd" in
  start)
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
      --pidfile "$PWD/$dir/redis.pid" --logfile "$PWD/$dir/redis.log"
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && exit 0; sleep 0.1; done
    echo "Redis on port $port did not start; see $dir/redis.log" >&2; exit 1 ;;
  stop)
    [ -f "$dir/redis.pid" ] || exit 0
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 || exit 0; sleep 0.1; done ;;
esac
