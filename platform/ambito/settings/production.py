"""Production: no default secrets, HTTPS only, everything from the environment."""

from ambito import env

from .base import *  # noqa: F403
from .base import BASE_DOMAIN, STORAGES

DEBUG = False
SECRET_KEY = env.secret("AMBITO_SECRET_KEY")
AMBITO_REPORTING_KEY = env.secret("AMBITO_REPORTING_KEY")
# A production process never falls back to the development database or in-process tasks.
env.secret("DATABASE_URL")
env.secret("REDIS_URL")
ALLOWED_HOSTS = env.listing("AMBITO_ALLOWED_HOSTS") or [BASE_DOMAIN, f".{BASE_DOMAIN}"]

# The shipped nginx runs on the same machine (deploy/nginx): its X-Forwarded-For is believed,
# anyone else's is not. A load balancer in front of it adds its address here.
AMBITO_TRUSTED_PROXIES = env.networks("AMBITO_TRUSTED_PROXIES", "127.0.0.1,::1")
AMBITO_SITE_SCHEME = env.get("AMBITO_SITE_SCHEME", "https")
# The Django admin is off in production unless asked for (it signs in through allauth with
# the second factor either way).
AMBITO_ADMIN_ENABLED = env.flag("AMBITO_ADMIN_ENABLED", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.flag("AMBITO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.integer("AMBITO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [f"https://*.{BASE_DOMAIN}", f"https://{BASE_DOMAIN}"]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.get("AMBITO_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("AMBITO_EMAIL_PORT", 587)
EMAIL_HOST_USER = env.get("AMBITO_EMAIL_USER")
EMAIL_HOST_PASSWORD = env.get("AMBITO_EMAIL_PASSWORD")
EMAIL_USE_TLS = env.flag("AMBITO_EMAIL_USE_TLS", True)
