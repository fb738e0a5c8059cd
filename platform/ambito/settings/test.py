import os

from .base import *  # noqa: F403
from .base import CACHES, DATABASES

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test run has a cache namespace of its own, so a leftover login-throttle counter in a
# shared Redis never leaks into the next run.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
# Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Request threads of the browser tests' server must not keep connections to the test DB.
DATABASES["default"]["CONN_MAX_AGE"] = 0
