"""Settings, read from the environment (django-environ). See README.md for every variable."""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

TESTING = "pytest" in sys.modules
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", ".localhost"])
# Hosts that no city claims but that serve the platform itself: the list of cities and the
# operators' admin. Any other unclaimed host answers 404 (core.middleware.CityMiddleware).
PLATFORM_HOSTS = env.list("PLATFORM_HOSTS", default=["localhost", "127.0.0.1", "testserver"])
# On PostgreSQL, a non-superuser role the app switches to while a city is in force, so that
# row-level security holds (core.rls creates it and its policies after each migrate).
CITY_DATABASE_ROLE = env.str("CITY_DATABASE_ROLE", default="")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "councils",
    "plans",
    "subsidies",
    "staffing",
    "notifications",
    "reminders",
    "portal",
    "reports",
    "demo",
    "csp",
]

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reports.pdf_files.CachedPdfMiddleware",  # cached public PDFs, before sessions and the city
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.AuthenticationMiddleware",  # Django's, the user read through the cache
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.CityMiddleware",
    "core.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionIdleMiddleware",
    "core.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.SecurityLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.municipality",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "core.auth.CityModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# Japanese admin labels: the project's own catalogue (locale/) says in Japanese what
# django-simple-history ships in English only, and outranks every app's catalogue.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# HTTPS: off by default so the quick start works over http://127.0.0.1; set in production.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# django-import-export: check model permissions on import/export, and import atomically.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The admin imports of core.imports keep the upload on the default storage (core.ImportJob,
# looked up by a key bound to the uploader); this store serves only other ImportMixin admins.
IMPORT_EXPORT_TMP_STORAGE_CLASS = env(
    "IMPORT_EXPORT_TMP_STORAGE_CLASS", default="import_export.tmp_storages.TempFolderStorage"
)

# Public pages: anonymous responses are cached this long; publishing clears them at once.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=600)
# PDF output: the shipped IPAex Gothic, with Noto Sans CJK (Debian fonts-noto-cjk) as the
# fallback for characters outside it such as 𠮷.
PDF_FONT_FILES = [
    BASE_DIR / "static" / "fonts" / "ipaexg.ttf",
    Path(
        env("PDF_FALLBACK_FONT", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    ),
]
SUBSIDY_UPLOAD_MAX_BYTES = env.int("SUBSIDY_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# --- background work (task queue) ---
# The Django Tasks API runs jobs inline by default, so the quick start needs no worker. With
# TASKS_BACKEND=core.task_queue.RQBackend jobs go to RQ on Redis (RQ_URL): run
# `manage.py rqworker default` (as many as wanted, on any machine) and `manage.py rqscheduler`
# (the periodic jobs below). A job whose worker dies is retried (RQ_RETRIES times).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")
    }
}
RQ_URL = env("RQ_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {
    "default": {
        "URL": RQ_URL,
        # Longer than the longest job (a national population import, the whole-city PDF).
        "DEFAULT_TIMEOUT": env.int("RQ_JOB_TIMEOUT", default=3600),
        "QUEUE_CLASS": "core.task_queue.RetryQueue",
    }
}
RQ = {
    "JOB_CLASS": "django_tasks_rq.backend.Job",  # runs Django Tasks
    "WORKER_CLASS": "core.task_queue.Worker",
    "SCHEDULER_CLASS": "core.task_queue.Scheduler",
}
RQ_SHOW_ADMIN_LINK = False
RQ_RETRIES = env.int("RQ_RETRIES", default=2)
# How often a worker looks for jobs abandoned by a dead worker, and how long after a job's
# last heartbeat it counts as abandoned (RQ's own values are 600 and 60 seconds).
RQ_MAINTENANCE_INTERVAL = env.int("RQ_MAINTENANCE_INTERVAL", default=60)
RQ_ABANDONED_AFTER = env.int("RQ_ABANDONED_AFTER", default=60)
RQ_JOB_MONITORING_INTERVAL = env.int("RQ_JOB_MONITORING_INTERVAL", default=30)
# Periodic jobs, scheduled by `manage.py rqscheduler` (cron in the server's time zone; each runs once per slot
# however many schedulers and workers run): (name, cron, function).
PERIODIC_JOBS = [
    ("clear_sessions", "17 * * * *", "core.periodic.clear_expired_sessions"),
    ("expire_import_uploads", "*/30 * * * *", "core.periodic.expire_import_uploads"),
    ("fail_stalled_imports", "*/10 * * * *", "core.periodic.fail_stalled_imports"),
    ("expire_pending_uploads", "41 * * * *", "portal.forms.subsidies.expire_pending_uploads"),
    # --- Reminders: councils' due reports and progress periods, the staff's daily digest
    ("send_reminders", "0 8 * * *", "reminders.services.send_due_reminders"),
    ("staff_digest", "30 7 * * *", "reminders.services.send_staff_digests"),
]
# Imports of more rows than this check the file in a job too (not only the confirmed import).
IMPORT_INLINE_MAX_ROWS = env.int("IMPORT_INLINE_MAX_ROWS", default=5000)

# --- Hardening: content security policy, request limits, uploads, PDF cache ---
# Every page loads script, style, fonts and images from this site only; no inline script
# anywhere (no <script> without src, no on*= handler). The admin pages
# (core.middleware.ContentSecurityPolicyMiddleware) add style-src 'unsafe-inline': Django's
# admin and its add-ons (django-simple-history's history list, django-import-export's pages)
# and our admin templates carry <style> blocks and style attributes; their scripts are static
# files, so script-src stays 'self' there too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
CSP_ADMIN_PATH_PREFIX = "/admin/"
# Features no page uses, refused to every frame (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "usb",
        "xr-spatial-tracking",
    )
}
# Request size: form fields held in memory, the number of fields, and the whole body (files
# included; the largest legitimate request is a subsidy report with several attachments).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=50 * 1024 * 1024)
# Stored uploads are readable by the app's user and group only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Images larger than this many pixels are refused before they are decoded.
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=50_000_000)
# Anonymous PDF renders: new renders per client per minute (cached PDFs are served freely).
# Rendered PDFs are kept in the default storage under PDF_CACHE_LOCATION, at most
# PDF_CACHE_MAX_BYTES in all (oldest evicted).
PDF_RENDERS_PER_MINUTE = env.int("PDF_RENDERS_PER_MINUTE", default=10)
PDF_CACHE_LOCATION = env("PDF_CACHE_LOCATION", default="pdf-cache")
PDF_CACHE_MAX_BYTES = env.int("PDF_CACHE_MAX_BYTES", default=500 * 1024 * 1024)
# --- signed notices and their public verification ---
# A city's signing certificate is stored re-locked with this key (core.certificates); when
# empty, with SECRET_KEY (changing that key then means uploading the certificate again).
NOTICE_CERTIFICATE_KEY = env("NOTICE_CERTIFICATE_KEY", default="")
# The verification page (/notices/verify/) hashes an uploaded notice of at most this size.
NOTICE_VERIFY_MAX_BYTES = env.int("NOTICE_VERIFY_MAX_BYTES", default=5 * 1024 * 1024)
# Seconds the signer waits for the city's timestamp authority (TSA) before signing without.
NOTICE_TSA_TIMEOUT = env.int("NOTICE_TSA_TIMEOUT", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Production serving ---
# Shared cache: CACHE_URL=redis://127.0.0.1:6379/1 (or rediss://) gives Django's own
# django.core.cache.backends.redis.RedisCache (django-redis is not needed): django-environ maps
# the scheme to it, and the line below keeps it so. With Redis, sessions are read from the
# cache and kept in the database too, so every web server shares them and a flushed cache logs
# nobody out.
_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
if env("CACHE_URL", default="").startswith(("redis://", "rediss://")):
    CACHES["default"]["BACKEND"] = _REDIS_CACHE
SESSION_ENGINE = env(
    "SESSION_ENGINE",
    default=(
        "django.contrib.sessions.backends.cached_db"
        if CACHES["default"]["BACKEND"] == _REDIS_CACHE
        else "django.contrib.sessions.backends.db"
    ),
)
# A persistent connection (CONN_MAX_AGE) is checked before each request reuses it, so the first
# request after the database restarts reconnects instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer gives the 503 page after this many seconds, not a hang.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # No JIT compilation: the portal's queries are short, and at 7,200 councils the 試算's
    # council query crossed jit_above_cost and spent 11 ms compiling to save none.
    if not env.bool("DATABASE_JIT", default=False):
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# While the database is away: 503 with this Retry-After (core.health.server_error).
UNAVAILABLE_RETRY_AFTER_SECONDS = env.int("UNAVAILABLE_RETRY_AFTER_SECONDS", default=30)
# LOG_FORMAT=json: one JSON object a line (python-json-logger), with the request's method, path,
# status and host where the record has a request; anything else keeps plain text.
LOG_FORMAT = env("LOG_FORMAT", default="text")
if LOG_FORMAT == "json":
    LOGGING["filters"] = {"request_fields": {"()": "core.health.RequestLogFields"}}
    LOGGING["formatters"] = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "reserved_attrs": [
                "args",
                "msg",
                "exc_info",
                "exc_text",
                "filename",
                "funcName",
                "levelno",
                "lineno",
                "module",
                "msecs",
                "pathname",
                "process",
                "processName",
                "relativeCreated",
                "stack_info",
                "thread",
                "threadName",
                "taskName",
                "request",
                "server_time",
            ],  # fmt: skip
            "json_ensure_ascii": False,
        }
    }
    LOGGING["handlers"]["console"].update(formatter="json", filters=["request_fields"])
# Uploads on S3-compatible storage (django-storages) when a bucket is named, else MEDIA_ROOT.
# Nothing uploaded is public: no ACL is granted (the bucket's private default holds) and every
# URL is signed and short-lived; private documents (subsidy attachments) sit under "private/"
# and are served only through the views that check who asks (core.storage.PrivateStorage).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _S3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "access_key": env("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _S3}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_S3, "location": "private"},
    }

# --- logins, two-factor, sessions and the security log ---
# Login lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one login from one
# client lock that pair for LOGIN_LOCKOUT_MINUTES; LOGIN_IP_FAILURE_LIMIT failures from one
# address, whatever the logins, lock the address (a city hall's staff share one address, so
# it is higher). core.auth.LoginLockHandler measures each against its own limit.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "core.auth.LoginLockHandler"
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security_log.client_ip"
# A refused attempt during a lock does not move its end, so the time shown holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins go to the security log; the admin shows attempts, not a second log.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # core.admin registers the attempts for each city's staff
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies that
# each append to X-Forwarded-For, the address that many entries from its right end.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Two-factor (django-otp, TOTP and recovery codes): platform operators always, a city's staff
# when its 自治体設定 asks. (The test suite turns it off for tests that log operators in with
# force_login, tests/conftest.py; tests/security turn it back on.)
TWO_FACTOR_ENFORCED = True
TWO_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "地域協働ポータル"

# Sessions end after a city's 無操作でログアウトするまでの時間; operators' after this one.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
# Paths whose pages browsers and proxies must not store (Cache-Control: no-store).
NO_STORE_PATH_PREFIXES = ("/admin/", "/portal/", "/accounts/")

# The security log: one JSON object a line (who, when, from where, city, event), to
# SECURITY_LOG_FILE when set, else to standard error.
SECURITY_LOG_FILE = env("SECURITY_LOG_FILE", default="")
LOGGING.setdefault("formatters", {})["security_json"] = {"()": "core.security_log.JsonFormatter"}
LOGGING["handlers"]["security"] = (
    {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": SECURITY_LOG_FILE,
        "formatter": "security_json",
    }
    if SECURITY_LOG_FILE
    else {"class": "logging.StreamHandler", "formatter": "security_json"}
)
LOGGING["loggers"] = {
    "security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    "axes": {"level": "ERROR"},  # its warnings repeat what the security log records
}

# --- Secretary dashboard cache ---
# The dashboard's council sections and pages, the secretary's access (councils.access) and
# the user a session names (core.auth.session_user) are cached this long; any change to
# what they hold retires them at once (councils.freshness, core.apps), so this only bounds
# stale memory use.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=3600)
