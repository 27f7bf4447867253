#!/usr/bin/env bash
# Start the whole application: migrate, load reference data, demo accounts, then Redis (unless
# REDIS_URL is given), a Celery worker, Celery beat and the web server. Ctrl-C stops them all.
set -euo pipefail
export DEBUG=${DEBUG:-true}
export PYTHONUNBUFFERED=1
PY=.venv/bin/python
mkdir -p var

procfile=var/Procfile
: > "$procfile"
if [ -z "${REDIS_URL:-}" ]; then
  port=${PRIVATE_REDIS_PORT:-6390}
  export REDIS_URL="redis://127.0.0.1:$port/0"
  echo "redis: scripts/private-redis.sh foreground $port" >> "$procfile"
fi
cat >> "$procfile" <<PROCS
web: $PY manage.py runserver ${BIND:-127.0.0.1:8000} --noreload
worker: .venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --hostname=worker@%h
beat: .venv/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule
PROCS

$PY manage.py migrate --noinput
$PY manage.py load_reference_data
$PY manage.py demo_accounts
echo
echo "Starting on http://${BIND:-127.0.0.1:8000}/ (Redis at $REDIS_URL). Ctrl-C stops everything."
exec .venv/bin/honcho -f "$procfile" start
