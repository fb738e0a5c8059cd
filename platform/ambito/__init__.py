"""Project wiring for Ambito. The folder above (``platform/``) is a source root, never a
package: ``platform`` stays the standard-library module."""

from .celery import app as celery_app

__all__ = ["celery_app"]
