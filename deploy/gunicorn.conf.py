"""Gunicorn settings for Ambito (used by deploy/systemd/ambito-web.service).

Run from the repository root:  gunicorn -c deploy/gunicorn.conf.py
The Django settings module comes from the environment (DJANGO_SETTINGS_MODULE).
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# platform/ is a source root, not a package: both it and the repository root go on sys.path,
# so `ambito` (the project) and `tenants`, `services`, `zone`, `api` import, while the
# standard library's `platform` module stays importable.
pythonpath = f"{REPO_ROOT},{REPO_ROOT / 'platform'}"
chdir = str(REPO_ROOT)
wsgi_app = "ambito.wsgi:application"
proc_name = "ambito-web"

# nginx on the same machine is the only client; never expose gunicorn directly.
bind = "127.0.0.1:8000"

# Sync workers: one request at a time each, one database connection each (kept for
# CONN_MAX_AGE). WEB_CONCURRENCY is gunicorn's own conventional variable.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"

# Longer than any page should take; PDFs and big exports belong in Celery tasks.
timeout = 60
graceful_timeout = 30

# Recycle each worker after a bounded number of requests (jitter avoids all workers
# restarting at once) so memory growth stays bounded.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file lives in memory, so a slow disk cannot make the arbiter kill workers.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - tmpfs on Debian, chosen on purpose

# Logs to stdout/stderr, collected by journald. The client address is the one nginx saw.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("AMBITO_LOG_LEVEL", "INFO").lower()
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s '
    '"%(f)s" "%(a)s" host=%({host}i)s %(M)sms'
)
