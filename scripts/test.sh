#!/usr/bin/env bash
# Run the whole suite. Uses DATABASE_URL and REDIS_URL when given (CI: PostgreSQL and Redis);
# otherwise SQLite and a private Redis started for the run.
set -euo pipefail
mkdir -p var test-artifacts
started_redis=""
if [ -z "${REDIS_URL:-}" ]; then
  port=${PRIVATE_REDIS_PORT:-6391}
  scripts/private-redis.sh start "$port"
  started_redis=$port
  export REDIS_URL="redis://127.0.0.1:$port/0"
fi
trap '[ -n "$started_redis" ] && scripts/private-redis.sh stop "$started_redis"' EXIT
echo "Database: ${DATABASE_URL:-sqlite (default)}; Redis: $REDIS_URL"
.venv/bin/python -m pytest "$@"
