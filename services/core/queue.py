"""Queue a task only once the transaction that asks for it has committed."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import connection, transaction


def current_schema() -> str:
    """The schema the default connection works in (django-tenants adds the attribute)."""
    return str(getattr(connection, "schema_name", "public"))


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """The schema is captured now, not at commit time: by then a request may have switched
    schema, and the task must run where it was asked for."""
    schema_name = current_schema()
    transaction.on_commit(
        lambda: task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name})
    )
