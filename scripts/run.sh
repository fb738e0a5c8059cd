#!/usr/bin/env bash
# Set up and run Ambito with demo data. No configuration needed: without DATABASE_URL a
# private PostgreSQL is started under .data/; without REDIS_URL tasks run in-process.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-ambito.settings.dev}"
PORT="${PORT:-8000}"
export AMBITO_SITE_PORT="${AMBITO_SITE_PORT:-$PORT}"  # links in e-mails keep the port

apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext || true
ensure_python
ensure_assets
ensure_postgres
say "database: ${DATABASE_URL}"
"$PY" "$ROOT/manage.py" compilemessages -v0 --ignore=.venv --ignore=node_modules
"$PY" "$ROOT/manage.py" deploy_migrate -v0
"$PY" "$ROOT/manage.py" demo_data --port "$PORT"

WORKER_PID=""
BEAT_PID=""
if [ -n "${REDIS_URL:-}" ]; then
  say "Redis: $REDIS_URL — avvio un worker Celery e Celery beat (sigilli e verifiche del registro)"
  (cd "$ROOT" && "$VENV/bin/celery" -A ambito worker --loglevel=warning --concurrency=2) &
  WORKER_PID=$!
  (cd "$ROOT" && "$VENV/bin/celery" -A ambito beat --loglevel=warning \
    --pidfile="$DATA/celerybeat.pid") &
  BEAT_PID=$!
  trap 'for p in $WORKER_PID $BEAT_PID; do kill "$p" 2>/dev/null; done' EXIT
else
  say "REDIS_URL non impostato: le elaborazioni in background girano nel processo web"
fi
say "Ambito è su http://localhost:$PORT/ (comuni: http://empoli.localhost:$PORT/ ...)"
"$PY" "$ROOT/manage.py" runserver "0.0.0.0:$PORT"
