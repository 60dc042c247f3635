"""Bangfu settings. Every value that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from hardship.env import database_from_url, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The development key is refused by `check --deploy` (security.W009); production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-bangfu-development-key-do-not-use"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts.admin_config.BangfuAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "cases",
    "programs",
    "assessment",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hardship.middleware.SessionRefreshMiddleware",
    "hardship.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hardship.urls"
WSGI_APPLICATION = "hardship.wsgi.application"
FORM_RENDERER = "accounts.forms.BangfuFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:///var/db.sqlite3"), BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 8 hours without a request; requests push the expiry forward ...
SESSION_COOKIE_AGE = 8 * 60 * 60
# ... pushed forward by SessionRefreshMiddleware at most once in this many seconds (not a write per request).
SESSION_REFRESH_SECONDS = 5 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS=1 in production (docker-compose): secure cookies, HSTS and the redirect to https.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# The container's health check asks over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else from this site only, no inline script,
# handler, style attribute or eval (static/js/bangfu.js does what they did). Bootstrap's CSS draws its icons (select
# arrow, menu button, check marks) from data: images. A view that sets its own header keeps it (downloads: sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# django-axes (accounts/lockout.py): 5 failed logins lock a username at the address they came from, and 20 from one
# address across usernames throttle that address, each for the cool-off or until an admin unlocks the account.
AXES_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts during a lock are refused without being counted, so the time the locked-out page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Behind N reverse proxies that append to X-Forwarded-For, the client's address is the Nth entry from the right.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files (visit and application attachments) live outside the web root and are served by scoped views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# Uploaded rosters (workbook bombs): each sheet of the .xlsx archive unpacks to at most IMPORT_MAX_PART_BYTES (a
# 25,000-member sheet: 10 MB), each other part (shared strings, styles: loaded whole) to IMPORT_MAX_LOADED_PART_BYTES,
# all parts to IMPORT_MAX_UNPACKED_BYTES, and no part above 1 MB is compressed more than IMPORT_MAX_COMPRESSION_RATIO
# times (Excel's own files: about 10); a sheet is read to row IMPORT_MAX_ROWS. The background check and commit stop
# after IMPORT_TASK_SOFT_TIME_LIMIT seconds (10,000 households: 5 s and 125 s).
IMPORT_MAX_PART_BYTES = int(os.environ.get("IMPORT_MAX_PART_BYTES", 32 * 1024 * 1024))
IMPORT_MAX_LOADED_PART_BYTES = int(os.environ.get("IMPORT_MAX_LOADED_PART_BYTES", 12 * 1024 * 1024))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", 128 * 1024 * 1024))
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", 100))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 50_000))
IMPORT_TASK_SOFT_TIME_LIMIT = int(os.environ.get("IMPORT_TASK_SOFT_TIME_LIMIT", 15 * 60))

# Celery: without a broker, tasks run in-process so that `make run` needs no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (out of memory, deploy) gives the message back, so the job runs again and resumes.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
# Redis hands a task not yet acknowledged to another worker after this: longer than any task may run, or one runs twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 30 * 60}
# A job queued or running with no sign of life for this long has lost its worker: it is marked failed (accounts.jobs).
JOB_STALE_MINUTES = int(os.environ.get("JOB_STALE_MINUTES", "15"))
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Task modules not named tasks.py, which autodiscovery would miss.
CELERY_IMPORTS = ["reports.import_tasks"]
# The year-end assessment runs for every provincial union on this day of December (default the 20th).
ASSESSMENT_DAY = int(os.environ.get("ASSESSMENT_DAY", "20"))
ASSESSMENT_MONTH = int(os.environ.get("ASSESSMENT_MONTH", "12"))
ASSESSMENT_CHUNK_SIZE = int(os.environ.get("ASSESSMENT_CHUNK_SIZE", "500"))

# The cache: Redis in production (CACHE_URL, e.g. redis://redis:6379/1), shared by every web worker; otherwise each
# process keeps its own in memory.
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
    }
# The dashboard's figures are computed at most once per union, year and language in this many seconds (0: never
# cached). A province's figures read every file of the province (docs/PERFORMANCE.md); the page says how old they are.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "300"))
# With a cache shared by the workers, the beat recomputes the provinces' and cities' figures before they expire.
DASHBOARD_WARM = bool(os.environ.get("CACHE_URL")) and DASHBOARD_CACHE_SECONDS >= 60
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=15),
    },
    "year-end-assessment": {
        "task": "assessment.tasks.assessment_yearly",
        "schedule": crontab(hour=1, minute=0, day_of_month=ASSESSMENT_DAY, month_of_year=ASSESSMENT_MONTH),
    },
    **(
        {
            "warm-dashboards": {
                "task": "reports.tasks.dashboard_warm_task",
                "schedule": timedelta(seconds=DASHBOARD_CACHE_SECONDS * 4 // 5),
            }
        }
        if DASHBOARD_WARM
        else {}
    ),  # fmt: skip
    "purge-expired-exports": {
        "task": "reports.tasks.export_files_purge_task",
        "schedule": crontab(minute=40),
    },
    "daily-monitoring": {
        "task": "assessment.tasks.monitoring_daily",
        "schedule": crontab(hour=2, minute=30),
    },
    "fail-stale-jobs": {
        "task": "accounts.tasks.jobs_fail_stale_task",
        "schedule": timedelta(minutes=5),
    },
}

# Messages ride in a signed cookie on the response that made them, not in the session that concurrent requests
# overwrite; only what does not fit in the cookie falls back to the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Shown in the page title and the navigation bar.
SITE_NAME = _("Bangfu hardship assistance")

# Visit and application attachments: photos and PDFs only, each at most this size.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
