"""Settings for the contact import service, read from the environment.

Every variable has a default that works on a laptop with nothing but Python:
SQLite, django-q2's ORM broker, local file storage and console email.
A real deployment sets DATABASE_URL (PostgreSQL), REDIS_URL (the task broker),
AWS_STORAGE_BUCKET_NAME (S3 file storage) and EMAIL_URL.
"""

import os
import warnings
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "For local development set DEBUG=1 (the README's quick start does)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Absolute links in emails (the import's page) are built from this.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_json_api",
    "django_filters",
    "django_q",
    "storages",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "contacts",
    "imports",
    "fundraising",
    "google_contacts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's and the API docs' static files from any WSGI server (gunicorn included).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.UploadSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share one SQLite file: wait for a lock
    # rather than failing, and let readers work while a batch is written.
    # Connections are kept between requests (CONN_MAX_AGE, as for PostgreSQL):
    # opening one, with its pragmas and SQL functions, cost more than a query.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Without `collectstatic`, WhiteNoise finds the files in the apps themselves (and need not
# warn that STATIC_ROOT does not exist yet).
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at: ")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # uploads are only reachable through signed links


# --- File storage: local by default, S3 when a bucket is configured ---------
def s3_storage(environ) -> dict:
    """The S3 storage of uploads, from AWS_STORAGE_BUCKET_NAME and friends (the S3 test builds it the same way)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": int(environ.get("FILE_URL_EXPIRY_SECONDS") or 3600),
            "file_overwrite": False,
        },
    }


AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = s3_storage(os.environ)
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Uploads ----------------------------------------------------------------
IMPORT_MAX_FILE_SIZE = env_int("IMPORT_MAX_FILE_SIZE", 500 * 1024 * 1024)
# Uploads go to a temporary file as soon as they pass 2.5 MB, never all to memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = ["config.middleware.SizeLimitedTemporaryFileUploadHandler"]
# A JSON body (which may carry a small file as a data URI) is read into memory: keep it small.
JSON_BODY_MAX_SIZE = env_int("JSON_BODY_MAX_SIZE", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = JSON_BODY_MAX_SIZE
FILE_URL_EXPIRY_SECONDS = env_int("FILE_URL_EXPIRY_SECONDS", 3600)
# Limits of the CSV reader: a longer cell or a wider row refuses the file.
IMPORT_CSV_MAX_FIELD_SIZE = env_int("IMPORT_CSV_MAX_FIELD_SIZE", 1_000_000)
IMPORT_CSV_MAX_COLUMNS = env_int("IMPORT_CSV_MAX_COLUMNS", 1_000)
IMPORT_BATCH_SIZE = env_int("IMPORT_BATCH_SIZE", 2_000)
# What an import creates and overwrites is logged with each batch, so that it can be undone. Off only to
# measure what the log costs (benchmarks.undo); an import run with it off cannot be undone.
IMPORT_CHANGE_LOG = env_bool("IMPORT_CHANGE_LOG", True)
# Records an undo takes back per transaction (its counters commit with each).
UNDO_BATCH_SIZE = env_int("UNDO_BATCH_SIZE", 1_000)
# The country (ISO 3166 alpha-2) of phone numbers written without a country code, for account
# lists that name none: "(213) 222-3333" and "+1 213 222 3333" match as one number under "US".
DEFAULT_PHONE_COUNTRY = os.environ.get("DEFAULT_PHONE_COUNTRY", "US").upper()
# A running job beats every IMPORT_HEARTBEAT_SECONDS (a thread, also while one batch is written).
# An import "importing" without a beat for IMPORT_STALL_SECONDS is taken to have lost its worker
# (at once when that worker ran on this machine and its process is gone): every worker checks
# every IMPORT_WATCHDOG_SECONDS and queues it again, to resume from its last committed batch,
# or fails it after IMPORT_MAX_ATTEMPTS.
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", 5)
IMPORT_STALL_SECONDS = env_int("IMPORT_STALL_SECONDS", 30)
IMPORT_WATCHDOG_SECONDS = env_int("IMPORT_WATCHDOG_SECONDS", 10)
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 5)

# Google Contacts (see the README): an OAuth client of a Google Cloud project, and Fernet keys for the tokens.
GOOGLE_OAUTH_CLIENT_ID = os.environ.get("GOOGLE_OAUTH_CLIENT_ID", "")
GOOGLE_OAUTH_CLIENT_SECRET = os.environ.get("GOOGLE_OAUTH_CLIENT_SECRET", "")
# Google's own endpoints unless told otherwise (tests and staging point them at a stand-in).
GOOGLE_OAUTH_AUTHORIZE_URL = os.environ.get(
    "GOOGLE_OAUTH_AUTHORIZE_URL", "https://accounts.google.com/o/oauth2/v2/auth"
)
GOOGLE_OAUTH_TOKEN_URL = os.environ.get("GOOGLE_OAUTH_TOKEN_URL", "https://oauth2.googleapis.com/token")
GOOGLE_OAUTH_REVOKE_URL = os.environ.get("GOOGLE_OAUTH_REVOKE_URL", "https://oauth2.googleapis.com/revoke")
GOOGLE_PEOPLE_API_URL = os.environ.get("GOOGLE_PEOPLE_API_URL", "https://people.googleapis.com/v1")
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation: README).
GOOGLE_TOKEN_ENCRYPTION_KEYS = [k for k in os.environ.get("GOOGLE_TOKEN_ENCRYPTION_KEYS", "").split(",") if k.strip()]
GOOGLE_API_TIMEOUT_SECONDS = env_int("GOOGLE_API_TIMEOUT_SECONDS", 30)
GOOGLE_API_RETRIES = env_int("GOOGLE_API_RETRIES", 5)  # for 429, 5xx and lost connections, with backoff
GOOGLE_API_BACKOFF_SECONDS = float(os.environ.get("GOOGLE_API_BACKOFF_SECONDS", "1.0"))

# --- Email ------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "console://")
vars().update(dj_email_url.parse(EMAIL_URL))
if os.environ.get("EMAIL_HOST"):
    # The classic EMAIL_* variables, for hosts that set those instead of EMAIL_URL.
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "imports@localhost")

# --- Task queue (django-q2) -------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
IMPORT_TASK_TIMEOUT = env_int("IMPORT_TASK_TIMEOUT", 6 * 3600)
Q_CLUSTER = {
    "name": os.environ.get("Q_CLUSTER_NAME", "imports"),
    "workers": env_int("Q_WORKERS", 2),
    "timeout": IMPORT_TASK_TIMEOUT,
    # A task not acknowledged after this many seconds is handed out again:
    # that is how an import whose worker died is picked up by another one.
    "retry": IMPORT_TASK_TIMEOUT + 600,
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5),
    "catch_up": False,
    "ack_failures": True,
    "save_limit": 1000,
    "sync": env_bool("Q_SYNC", False),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- REST framework and JSON:API --------------------------------------------
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JsonApiJSONParser",
        "config.parsers.JsonApiMultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "config.renderers.JSONRenderer",
        "rest_framework_json_api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_METADATA_CLASS": "rest_framework_json_api.metadata.JSONAPIMetadata",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.negotiation.WritesOfParsableMediaTypes",
    "DEFAULT_SCHEMA_CLASS": "config.schema.JsonApiSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "config.filters.QueryParameterValidationFilter",
        "config.filters.OrderingFilter",
        "config.filters.DjangoFilterBackend",
    ],
    "SEARCH_PARAM": "filter[search]",
    "TEST_REQUEST_RENDERER_CLASSES": [
        "config.renderers.JSONRenderer",
        "rest_framework.renderers.MultiPartRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "vnd.api+json",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
}
JSON_API_FORMAT_FIELD_NAMES = None  # attributes keep their snake_case names, as the seed writes them
JSON_API_FORMAT_TYPES = None  # a model's type is given once, by config.model_fields.ApiResource
JSON_API_PLURALIZE_TYPES = False

# --- OpenAPI schema (drf-spectacular), served at /api/schema/ with docs at /api/docs/ ---
SPECTACULAR_SETTINGS = {
    "TITLE": "Contact imports API",
    "VERSION": "2.0.0",
    "DESCRIPTION": (
        "Upload a CSV file or a TntConnect XML export into an account list, map its columns, "
        "preview, start the import and poll it. JSON:API 1.0 (`application/vnd.api+json`); "
        "create and update also take `multipart/form-data` with the document flattened into "
        "bracket keys (`data[attributes][file]`). Authenticate with `Authorization: Bearer <token>`."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v2",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ImportSourceEnum": "imports.models.Import.Source",
        "ImportStatusEnum": "imports.models.Import.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.postprocess_jsonapi_schema",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Production hardening (python manage.py check --deploy) ------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
