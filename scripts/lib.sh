# Shared by scripts/run.sh and scripts/test.sh: installs what is missing and starts the
# embedded services when no server is configured. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export PYTHONPATH="$ROOT:$ROOT/platform${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$DATA"

say() { printf '\033[1m[ambito]\033[0m %s\n' "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  # Debian packages the product needs at run time (WeasyPrint's libraries, a font) or the
  # tests need (Chromium). Only as root; otherwise say what is missing.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if is_root && command -v apt-get >/dev/null; then
    say "installo i pacchetti di sistema: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "mancano i pacchetti di sistema: ${missing[*]} (installali con apt-get)"
    return 1
  fi
}

ensure_python() {
  local stamp="$VENV/.ambito-deps"
  local want
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
  if [ ! -x "$PY" ]; then
    say "creo l'ambiente Python in .venv"
    python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installo le dipendenze Python (pyproject.toml)"
    "$PY" -m pip install -q --upgrade pip >/dev/null
    "$PY" -m pip install -q -e "$ROOT[dev]"
    echo "$want" > "$stamp"
  fi
}

ensure_assets() {
  local stamp="$ROOT/node_modules/.ambito-lock"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "installo Bootstrap Italia, htmx e Chart.js (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$stamp"
  fi
}

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

ensure_postgres() {
  # With DATABASE_URL set, use that server. Otherwise run a private cluster made with the
  # system's PostgreSQL binaries (which include the contrib extensions the product uses).
  if [ -n "${DATABASE_URL:-}" ]; then
    return 0
  fi
  local bindir port="${AMBITO_EMBEDDED_PG_PORT:-54329}"
  bindir="$(pg_bindir)" || { apt_install postgresql postgresql-contrib; bindir="$(pg_bindir)"; }
  local pgdata="$DATA/postgres"
  local runas=()
  if is_root; then
    # initdb refuses to run as root: the cluster belongs to the 'postgres' system user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    runas=(runuser -u postgres --)
    if ! "${runas[@]}" test -x "$ROOT" 2>/dev/null; then
      pgdata="/var/tmp/ambito-pg-$(echo "$ROOT" | sha256sum | cut -c1-12)"
    fi
  fi
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    say "creo un PostgreSQL locale in $pgdata"
    mkdir -p "$pgdata"
    is_root && chown postgres "$pgdata"
    "${runas[@]}" "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! "${runas[@]}" "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    say "avvio PostgreSQL locale (porta $port, dati in $pgdata)"
    "${runas[@]}" "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
      -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c max_locks_per_transaction=256" \
      start >/dev/null
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/ambito"
  "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='ambito'" | grep -q 1 ||
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres ambito
}

ensure_redis() {
  # For the tests: with REDIS_URL unset, a private redis-server on its own port.
  if [ -n "${REDIS_URL:-}" ]; then
    return 0
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  local port="${AMBITO_EMBEDDED_REDIS_PORT:-63790}"
  mkdir -p "$DATA/redis"
  if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
    say "avvio Redis locale (porta $port)"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --dir "$DATA/redis" --pidfile "$DATA/redis/redis.pid" --logfile "$DATA/redis/redis.log"
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export REDIS_URL="redis://127.0.0.1:$port/0"
}
