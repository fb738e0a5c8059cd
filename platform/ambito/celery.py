"""The Celery app. Tasks carry the schema that queued them and run inside it."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambito.settings.dev")

app = CeleryApp("ambito")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
