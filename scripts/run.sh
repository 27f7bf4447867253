#!/usr/bin/env bash
# Start the whole application: Redis (a private one unless REDIS_URL is given), migrations,
# reference data, demo accounts and demo assessments, then a Celery worker, Celery beat and the
# web server. Ctrl-C stops them all, the private Redis included.
set -euo pipefail
export DEBUG=${DEBUG:-true}
export PYTHONUNBUFFERED=1
PY=.venv/bin/python
mkdir -p var

private_redis=""
if [ -z "${REDIS_URL:-}" ]; then
  private_redis=${PRIVATE_REDIS_PORT:-6390}
  export REDIS_URL="redis://127.0.0.1:$private_redis/0"
  scripts/private-redis.sh stop "$private_redis"   # a leftover from an interrupted run
  scripts/private-redis.sh start "$private_redis"
fi
stop_redis() { [ -n "$private_redis" ] && scripts/private-redis.sh stop "$private_redis"; }
trap stop_redis EXIT

procfile=var/Procfile
cat > "$procfile" <<PROCS
web: $PY manage.py runserver ${BIND:-127.0.0.1:8000} --noreload
worker: .venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --hostname=worker@%h
beat: .venv/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule
PROCS

$PY manage.py migrate --noinput
$PY manage.py load_reference_data
$PY manage.py demo_accounts
$PY manage.py load_demo_data
echo
if [ -z "${EMAIL_URL:-}" ]; then
  echo "E-mail: no EMAIL_URL, so each e-mail is written as a file under $(pwd)/var/mail/."
else
  echo "E-mail: sent through EMAIL_URL."
fi
echo "Starting on http://${BIND:-127.0.0.1:8000}/ (Redis at $REDIS_URL). Ctrl-C stops everything."
.venv/bin/honcho -f "$procfile" start || true
