#!/usr/bin/env bash
# Set up and run the whole test suite: lint, types, pytest (real PostgreSQL schemas, real
# Redis and Celery worker, headless Chromium). Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export DJANGO_SETTINGS_MODULE=ambito.settings.test

apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
  chromium chromium-driver poppler-utils
ensure_python
ensure_assets
ensure_postgres
ensure_redis
export AMBITO_CELERY_QUEUE="ambito-test-$$"
say "database: $DATABASE_URL  redis: $REDIS_URL"

say "ruff"
"$VENV/bin/ruff" check "$ROOT"
say "mypy (servizi)"
(cd "$ROOT" && "$VENV/bin/mypy" --no-error-summary tenants/services services/core \
  services/interventi/services services/determine/services.py services/domande/services.py \
  services/assegni/services.py services/fornitori/services.py services/lsu/services.py \
  services/tribunale/services services/invii/services zone/catalogo/services.py \
  zone/piano/services zone/statistiche/services.py zone/statistiche/tasks.py zone/aggregation \
  tenants/selectors.py zone/office/selectors.py services/determine/modalita.py \
  services/domande/esito.py services/home/queue.py zone/piano/spesa.py tenants/mfa.py)
"$PY" "$ROOT/manage.py" compilemessages -v0 --ignore=.venv --ignore=node_modules
say "pytest"
cd "$ROOT"
exec "$PY" -m pytest "$@"
