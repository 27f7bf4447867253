"""The one settings module. Every value that differs between a laptop and production comes
from the environment (see README, "Configuration"); the defaults suit `make run`."""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key():
    """Production must supply SECRET_KEY; a development machine gets one generated once."""
    key = env("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_htmx",
    "rules",
    "csp",
    "axes",
    "auditlog",
    "audit",
    "accounts",
    "vendors",
    "checklists",
    "assessments",
    "monitoring",
    "notifications",
    "programme",
    "portal",
    "reports",
    "insights",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestLimitsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "config.middleware.IdleTimeoutMiddleware",
    # What a page asks of an assessment several times is worked out once per request.
    "assessments.memo.MemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: wait for the lock instead of
    # failing at once.
    # IMMEDIATE: a transaction takes the write lock when it starts, so that two writers queue
    # behind each other instead of one failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # A file, not memory, so that the Celery worker processes of the integration tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "insights:home"
LOGOUT_REDIRECT_URL = "login"
# An idle session ends after SESSION_IDLE_MINUTES; config.middleware.IdleTimeoutMiddleware renews
# it at most once a minute, so that a read writes nothing.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
# LOGIN_FAILURE_LIMIT failures of one account from one address lock that account *from that
# address* for LOGIN_LOCKOUT_MINUTES: a stranger guessing passwords cannot lock a colleague out
# for good, nor from the colleague's own desk. Each further attempt during the lock-out is logged
# and counts, so the lock-out lasts LOGIN_LOCKOUT_MINUTES after the last one. A quality
# administrator lifts it earlier by deleting the access attempt in the admin.
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed attempt is kept, not only the count
# The client address the lock-out is keyed on: REMOTE_ADDR, or behind the TLS proxy the address
# the proxy saw (accounts/lockout.py).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"

# --- Audit trail (django-auditlog writing to audit.AuditEntry) ------------------------------
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_CID_GETTER = "audit.context.get_request_id"

# --- Internationalisation: everything is stored and shown in UTC -----------------------------
LANGUAGE_CODE = "en-gb"
# The languages of the pages: a person's choice (accounts.User.language), else the browser's.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and private files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from npm (package.json) at install time, never from a CDN.
for _prefix, _dir in (
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    # axe-core: the accessibility checks the browser tests run on every main page.
    ("vendor/axe", BASE_DIR / "node_modules" / "axe-core"),
):
    if _dir.is_dir():
        STATICFILES_DIRS.append((_prefix, _dir))
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded evidence and rendered reports are private: there is no MEDIA_URL, every file is
# served by a view that checks permissions first.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "whitenoise.storage.CompressedStaticFilesStorage"
        ),
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
# Request bodies (config/middleware.py refuses a larger one with 413 before anything reads it):
# any body but a file upload at most 10 MiB, which holds a whole checklist's answers at the
# per-field text limits; a file upload (multipart) at most UPLOAD_MAX_REQUEST_MB, several
# evidence files at once, each within its own limit (25 MB, assessments/evidence.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_MB", default=100) * 1024 * 1024
# A checklist file (import, checklists/formats.py) at most this many bytes, checked before it is
# read: the built-in checklist is about 75 KB, so 2 MiB leaves room for any real one.
CHECKLIST_IMPORT_MAX_BYTES = env.int("CHECKLIST_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
# An environmental-monitoring file (monitoring/formats.py) at most this many bytes and samples, checked
# before it is read; a workbook also by what its parts unpack to. 100,000 samples of CSV are about 8 MB.
EM_IMPORT_MAX_BYTES = env.int("EM_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
EM_IMPORT_MAX_ROWS = env.int("EM_IMPORT_MAX_ROWS", default=100_000)
EM_XLSX_MAX_UNPACKED_BYTES = env.int("EM_XLSX_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)

# --- Security headers (all on unless DEBUG; see `manage.py check --deploy`) -------------------
_secure = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_secure)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_secure)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_secure)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this site only, no inline script or style,
# no framing. Images may also be data: URIs (Pico CSS draws its form controls with them). The
# REST framework's HTML pages of the API may apply inline style (config/renderers.py); a page of a
# third-party package that needs an inline handler is allowed exactly that, by hash (config/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The workspace's service worker (/assessments/sw.js), which keeps it usable offline.
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features: the camera for this site only (auditors photograph evidence), no location,
# microphone or payment.
PERMISSIONS_POLICY = "camera=(self), geolocation=(), microphone=(), payment=()"
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Redis and Celery ------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="cdmo")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = "UTC"
# A task is acknowledged only when it has finished, so a worker that dies mid-task leaves the
# message to another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# How long an unacknowledged message waits before Redis hands it to another worker. Reports
# render in seconds; 15 minutes leaves a wide margin without hiding a dead worker for an hour.
_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Read by the consuming side (kombu's Redis QoS): a message left unacknowledged that long by
    # a dead worker is handed to another one. Must exceed the longest render, or a slow report
    # is rendered twice (harmless: the task is idempotent, but wasted work).
    "visibility_timeout": _visibility_timeout,
    # kombu looks for such messages only every unacked_restore_interval x unacked_restore_throttle
    # seconds (10 x 10 by default in kombu 5.7): with those defaults a dead worker's report could
    # wait up to 100 s more than the timeout. Look often enough for the timeout to mean what it says.
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 3)),
    "unacked_restore_throttle": 1,
    # Lets several installations (or test runs) share one Redis without handing each other's
    # unacknowledged messages around: every key kombu uses gets this prefix. Web and workers
    # must use the same value.
    "global_keyprefix": env("CELERY_BROKER_KEY_PREFIX", default=""),
    "socket_connect_timeout": 3,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-reports": {"task": "reports.tasks.sweep_reports", "schedule": 60.0},
    "notifications-outbox": {"task": "notifications.send_outbox", "schedule": 60.0},
    "notifications-daily-scan": {
        "task": "notifications.daily_scan",
        "schedule": crontab(hour=env.int("NOTIFICATIONS_SCAN_HOUR", default=6), minute=0),
    },
}
# Reports: a render taking longer than this is presumed dead and sent again by the sweep.
REPORT_RENDER_DEADLINE_SECONDS = env.int("REPORT_RENDER_DEADLINE_SECONDS", default=600)
REPORT_QUEUED_RESEND_SECONDS = env.int("REPORT_QUEUED_RESEND_SECONDS", default=300)
# Fault injection for the reliability tests and the benchmark only: sleep this long mid-render.
REPORT_RENDER_DELAY_SECONDS = env.float("REPORT_RENDER_DELAY_SECONDS", default=0)
# The organisation's certificate that signs report PDFs (PAdES B-B): a PKCS#12 file (a path
# relative to the project or absolute) and its password. Empty: reports are produced unsigned.
REPORT_SIGNING_CERT = env("REPORT_SIGNING_CERT", default="")
REPORT_SIGNING_PASSWORD = env("REPORT_SIGNING_PASSWORD", default="")
# Verifying a copy of a report (the public page and POST /api/reports/verify/): per client address.
REPORT_VERIFY_RATE = env("REPORT_VERIFY_RATE", default="10/min")

# --- E-mail ----------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp://user:pass@mail.example.com:587/?tls=True (or smtp+tls://, smtps://);
# without it every e-mail is written as a file under var/mail/ (docs/notifications.md).
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CDMO qualification <qualification@localhost>")
# A refused e-mail is tried again after this, doubling up to 10 minutes (notifications/tasks.py).
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=30)
# The address people reach the application at: links in e-mails start with it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    # Every body is checked the same way (config/parsers.py: size, depth, NUL characters, numbers).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "config.parsers.FormParser",
        "config.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "config.renderers.BrowsableAPIRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CDMO qualification API",
    "DESCRIPTION": (
        "Vendor registry, checklists, assessments, findings, signatures and audit reports for "
        "the qualification of cell and gene therapy contract manufacturers."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FindingClassificationEnum": "assessments.choices.FindingClass.choices",
        "VendorStatusEnum": "vendors.choices.QualificationStatus.choices",
        "AssessmentStatusEnum": "assessments.choices.AssessmentStatus.choices",
        "ChecklistStatusEnum": "checklists.choices.ChecklistStatus.choices",
        "CorrectiveActionStatusEnum": "assessments.choices.ActionStatus.choices",
        "ReportStatusEnum": "reports.choices.ReportStatus.choices",
        "ReportKindEnum": "reports.choices.ReportKind.choices",
        "ReportSignatureEnum": "reports.choices.ReportSignature.choices",
        "AssessmentKindEnum": "assessments.choices.AssessmentKind.choices",
        "EmSampleKindEnum": "monitoring.choices.SampleKind.choices",
        "EmDecisionOutcomeEnum": "monitoring.choices.ReviewOutcome.choices",
        "AssessmentDecisionEnum": "assessments.choices.AssessmentDecision.choices",
        "VendorResponseDecisionEnum": "portal.choices.ResponseDecision.choices",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
