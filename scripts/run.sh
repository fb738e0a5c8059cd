#!/usr/bin/env bash
# Set up and run Ambito with demo data. No configuration needed: without DATABASE_URL a
# private PostgreSQL is started under .data/; without REDIS_URL tasks run in-process.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-ambito.settings.dev}"
PORT="${PORT:-8000}"
export AMBITO_SITE_PORT="${AMBITO_SITE_PORT:-$PORT}"  # links in e-mails keep the port
# No pip notices (new releases, running as root) among the messages of the start.
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1

port_busy() {  # port_busy HOST PORT: true when something already listens there
  python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(0)
sys.exit(1)' "$1" "$2"
}

embedded_pg_ours() {  # the embedded PostgreSQL of this checkout already runs on PORT $1
  local d
  for d in "$DATA/postgres" "/var/tmp/ambito-pg-$(echo "$ROOT" | sha256sum | cut -c1-12)"; do
    [ "$(sed -n 4p "$d/postmaster.pid" 2>/dev/null)" = "$1" ] && return 0
  done
  return 1
}

if port_busy 0.0.0.0 "$PORT"; then
  say "la porta $PORT è già occupata da un altro programma: scegline un'altra, per esempio"
  say "  PORT=8080 bash scripts/run.sh"
  exit 1
fi
if [ -z "${DATABASE_URL:-}" ]; then
  PG_PORT="${AMBITO_EMBEDDED_PG_PORT:-54329}"
  if ! embedded_pg_ours "$PG_PORT" && port_busy 127.0.0.1 "$PG_PORT"; then
    say "la porta $PG_PORT del PostgreSQL locale è già occupata: scegline un'altra, per esempio"
    say "  AMBITO_EMBEDDED_PG_PORT=54330 bash scripts/run.sh"
    say "(oppure indica un server esistente con DATABASE_URL=postgres://...)"
    exit 1
  fi
fi

apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext || true
# setuptools' notice on every editable install is not ours to act on.
PYTHONWARNINGS="ignore:Editable installation" ensure_python
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
  (cd "$ROOT" && PYTHONWARNINGS="ignore:You're running the worker with superuser" \
    "$VENV/bin/celery" --quiet -A ambito worker --loglevel=warning --concurrency=2) &
  WORKER_PID=$!
  (cd "$ROOT" && "$VENV/bin/celery" --quiet -A ambito beat --loglevel=warning \
    --pidfile="$DATA/celerybeat.pid") &
  BEAT_PID=$!
  trap 'for p in $WORKER_PID $BEAT_PID; do kill "$p" 2>/dev/null; done' EXIT
else
  say "REDIS_URL non impostato: le elaborazioni in background girano nel processo web"
fi
say "Ambito è su http://localhost:$PORT/ (comuni: http://empoli.localhost:$PORT/ ...)"
"$PY" "$ROOT/manage.py" runserver "0.0.0.0:$PORT"
