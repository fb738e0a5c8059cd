"""Settings shared by every environment. Environment-specific modules import from here."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from ambito import env

REPO_ROOT = Path(__file__).resolve().parents[3]
BASE_DIR = REPO_ROOT

SECRET_KEY = env.get("AMBITO_SECRET_KEY", "dev-only-insecure-key-never-in-production")
# Key of the HMAC that turns a codice fiscale into the reporting store's persona_hash.
AMBITO_REPORTING_KEY = env.get("AMBITO_REPORTING_KEY", "dev-only-reporting-key-never-in-production")
# Region pages show counts under this threshold as "< N" (small-cell suppression).
AMBITO_SMALL_CELL_THRESHOLD = env.integer("AMBITO_SMALL_CELL_THRESHOLD", 5)
# A long job "in corso" whose worker gave no sign for this many seconds is interrupted; the
# periodic sweep queues it again from its last committed batch unless auto-resume is off.
AMBITO_JOB_HEARTBEAT_TIMEOUT = env.integer("AMBITO_JOB_HEARTBEAT_TIMEOUT", 300)
AMBITO_JOB_AUTO_RESUME = env.flag("AMBITO_JOB_AUTO_RESUME", True)
DEBUG = False

BASE_DOMAIN = env.get("AMBITO_BASE_DOMAIN", "localhost")
# How browsers reach the site, for links built outside a request (e-mails): the scheme and
# the port (empty = the scheme's default); the host is each ente's own domain.
AMBITO_SITE_SCHEME = env.get("AMBITO_SITE_SCHEME", "http")
AMBITO_SITE_PORT = env.get("AMBITO_SITE_PORT", "")
ALLOWED_HOSTS = env.listing("AMBITO_ALLOWED_HOSTS") or [BASE_DOMAIN, f".{BASE_DOMAIN}"]

# --- tenancy -------------------------------------------------------------------------------
# The public schema holds the platform (regions, zones, comuni, users, memberships, the
# shared catalogue); every comune, zone office and region has a schema of its own type.
COMMON_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.postgres",
    "services.core",
]

SHARED_APPS = [
    "django_tenants",
    "tenants",
    *COMMON_APPS,
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tenants.apps.AmbitoAdminConfig",  # django.contrib.admin, signing in through allauth
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
    "services.trasferimenti",
    "zone.catalogo",
    "zone.piano",
    "zone.statistiche",
    "api",
]

# The social-services domain: every comune runs it in its own schema, and so does a zone
# whose ufficio di piano manages services itself for all its comuni (gestione associata).
CASEWORK_APPS = [
    "services.anagrafica",
    "services.accesso",
    "services.cartella",
    "services.pai",
    "services.invii",
    "services.interventi",
    "services.domande",
    "services.determine",
    "services.fornitori",
    "services.domiciliare",
    "services.ricoveri",
    "services.lsu",
    "services.assegni",
    "services.tribunale",
]

COMUNE_APPS = [
    *COMMON_APPS,
    "services.home",
    *CASEWORK_APPS,
]

ZONA_APPS = [
    *COMMON_APPS,
    "zone.office",
    *CASEWORK_APPS,
]

REGIONE_APPS = [
    *COMMON_APPS,
    "zone.region",
]

HAS_MULTI_TYPE_TENANTS = True
MULTI_TYPE_DATABASE_FIELD = "type"
TENANT_TYPES = {
    "public": {"APPS": SHARED_APPS, "URLCONF": "ambito.urls.public"},
    "comune": {
        "APPS": COMUNE_APPS,
        "URLCONF": "ambito.urls.comune",
        "BASE_SCHEMA": "template_comune",
    },
    "zona": {"APPS": ZONA_APPS, "URLCONF": "ambito.urls.zona", "BASE_SCHEMA": "template_zona"},
    "regione": {
        "APPS": REGIONE_APPS,
        "URLCONF": "ambito.urls.regione",
        "BASE_SCHEMA": "template_regione",
    },
}
# Required by django-tenants whenever a base schema is named; provisioning itself does not
# go through django-tenants' create_schema (see tenants/services/schemas.py).
TENANT_CREATION_FAKES_MIGRATIONS = True

INSTALLED_APPS = list(
    dict.fromkeys(SHARED_APPS + COMUNE_APPS + ZONA_APPS + REGIONE_APPS)
)

TENANT_MODEL = "tenants.Ente"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "ambito.urls.public"
ROOT_URLCONF = "ambito.urls.public"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.integer("AMBITO_MIGRATION_PROCESSES", 2)
TENANT_MULTIPROCESSING_MAX_TASKS_PER_CHILD = 20
TENANT_MULTIPROCESSING_CHUNKS = 4

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "services.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "services.core.upload.UploadLimitMiddleware",  # before anything reads the body (CSRF)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "services.core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Refused attempts (403, an access helper's 404, an outsider on a tenant host) into the
    # audit trail: outside the tenant fence, so it sees the fence's 404 too.
    "services.core.middleware.RefusalAuditMiddleware",
    "tenants.middleware.MembershipMiddleware",
    # After the fence: a user who must have a second factor and has none reaches only the
    # TOTP enrolment; a session that skipped the user's second factor is signed out.
    "tenants.mfa.MfaMiddleware",
]

# Uploads: the largest request body accepted, refused (413) from its declared length before
# it is read. deploy/nginx/ambito.conf's client_max_body_size is the same number (51m):
# change both. Upload views declare smaller limits of their own (services.core.upload).
UPLOAD_MAX_REQUEST_BYTES = 51 * 1024 * 1024  # the register import: a 50 MB file and its form
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files (Django's default)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are spooled to disk, not kept in RAM

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_ROOT / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.tenancy",
                "services.core.middleware.csp_nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "ambito.wsgi.application"
ASGI_APPLICATION = "ambito.asgi.application"

# --- database -----------------------------------------------------------------------------
DATABASE_URL = env.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ambito")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
if env.get("AMBITO_DB_NAME"):
    DATABASES["default"]["NAME"] = env.get("AMBITO_DB_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, Celery ------------------------------------------------------------------------
REDIS_URL = env.get("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a configured Redis, tasks run in-process (still only after the transaction that
# queued them commits).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.get("AMBITO_CELERY_QUEUE", "ambito")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Rome"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # AMBITO_AUDIT_SEAL_SECONDS: the beat test shortens it; production keeps the hour.
    "audit-seal-every-comune": {
        "task": "services.core.tasks.audit_seal_all_tenants",
        "schedule": env.integer("AMBITO_AUDIT_SEAL_SECONDS", 3600),
    },
    "audit-verify-every-comune": {
        "task": "services.core.tasks.audit_verify_all_tenants",
        "schedule": crontab(hour=3, minute=15),
    },
    "mail-sweep-every-schema": {
        "task": "services.core.tasks.mail_sweep_all_tenants",
        "schedule": 10 * 60,
    },
    "statistiche-refresh-every-zona": {
        "task": "zone.statistiche.tasks.refresh_all_zone",
        "schedule": crontab(hour=2, minute=30),
    },
    "jobs-sweep-interrupted": {
        "task": "tenants.tasks.jobs_sweep",
        "schedule": 60,
    },
}

# --- auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    # First: it authenticates and loads users. The membership backend only answers
    # permission questions.
    "allauth.account.auth_backends.AuthenticationBackend",
    "tenants.backends.MembershipBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ALLOW_REGISTRATION = False
ACCOUNT_ADAPTER = "tenants.adapters.AccountAdapter"
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks). The one
# setting for the client address, of the audit trail and of allauth's sign-in throttling
# alike (``services.core.clientip``; the account adapter uses it). Empty: REMOTE_ADDR.
AMBITO_TRUSTED_PROXIES: list[str] = env.networks("AMBITO_TRUSTED_PROXIES")
# allauth's own X-Forwarded-For counting stays off: its adapter asks the function above.
ALLAUTH_TRUSTED_PROXY_COUNT = 0
# Every sign-in path goes through allauth (the Django admin's included, see
# tenants/admin_site.py), so these limits cover all of them.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords. The "key" is the account AND the address it is tried from
    # (tenants.adapters.AccountAdapter): five failures from one address stop that address
    # for that account for 5 minutes, while the owner elsewhere still signs in. An address
    # is stopped after 30 failures in 5 minutes whatever the accounts (an office behind one
    # NAT keeps room for its people's typos). Wrong second-factor codes count here too,
    # per account (allauth's "mfa-auth-user-<id>" key): the password is already known then.
    "login_failed": "30/5m/ip,5/5m/key",
    # The ceiling per account from all addresses together, against password spraying from
    # many addresses: 50 failures in an hour; reaching it stops the account for everyone
    # until the hour has passed (or the owner resets the password).
    "login_failed_account": "50/h/key",
    "reset_password": "5/m/ip,3/m/key",
}
ACCOUNT_SESSION_REMEMBER = False
MFA_ADAPTER = "tenants.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ambito"
# Codes of the previous and the next 30-second step are accepted too (clock skew between
# the server and the phone, RFC 6238 section 5.2); each code still works only once.
MFA_TOTP_TOLERANCE = 1
# The Django admin (platform staff, public host). Off in production unless set.
AMBITO_ADMIN_ENABLED = env.flag("AMBITO_ADMIN_ENABLED", True)
SESSION_COOKIE_DOMAIN = env.get("AMBITO_SESSION_COOKIE_DOMAIN") or None
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano"))]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [REPO_ROOT / "locale"]

# --- static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get("AMBITO_STATIC_ROOT", str(REPO_ROOT / "staticfiles")))
STATICFILES_DIRS = [
    REPO_ROOT / "static",
    ("vendor/bootstrap-italia", REPO_ROOT / "node_modules" / "bootstrap-italia" / "dist"),
    ("vendor/htmx", REPO_ROOT / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", REPO_ROOT / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get("AMBITO_MEDIA_ROOT", str(REPO_ROOT / "media")))

# --- email --------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.get("AMBITO_DEFAULT_FROM_EMAIL", "ambito@localhost")
# Every e-mail goes through the outbox and one Celery task (services/core/mail.py); a mail
# server that does not answer fails the attempt after this many seconds, never a request.
EMAIL_TIMEOUT = env.integer("AMBITO_EMAIL_TIMEOUT", 20)
# Notifications in the inbox are also e-mailed to operators who have an address.
AMBITO_EMAIL_NOTIFICHE = env.flag("AMBITO_EMAIL_NOTIFICHE", True)

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasCapability"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ambito API",
    "DESCRIPTION": "API dei servizi sociali dell'ambito",
    "VERSION": "0.1.0",
}

# --- platform-specific --------------------------------------------------------------------
AMBITO_SLUG_RESERVED = {"www", "admin", "api", "static", "media", "public", "template"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get("AMBITO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
