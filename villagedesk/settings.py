"""Village Desk settings: one module, driven by environment variables.

The defaults make `make run` work with no configuration (SQLite under var/, a secret key generated
once into var/). Production sets DATABASE_URL, ALLOWED_HOSTS and DEBUG=false and is checked with
`manage.py check --deploy`, which also fails without the static files' manifest
(villagedesk/core/checks.py).
"""

import base64
import hmac
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; anything but true/false (or 1/0) is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"true", "1"}:
        return True
    if value in {"false", "0"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


# Where the development key is kept; `check --deploy` refuses to run production on it.
GENERATED_SECRET_KEY_FILE = VAR_DIR / "secret_key"


def generated_secret_key() -> str:
    """A key made once and kept in var/, so sessions survive restarts without configuration."""
    path = GENERATED_SECRET_KEY_FILE
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def development_key(secret_key: str, purpose: str) -> str:
    """A key derived from the development SECRET_KEY, for a machine that gives none of its own."""
    digest = hmac.digest(secret_key.encode(), f"villagedesk {purpose}".encode(), "sha256")
    return base64.b64encode(digest).decode("ascii")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY_GIVEN = env_secret("SECRET_KEY")
SECRET_KEY = SECRET_KEY_GIVEN or generated_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin on a site that logs in through accounts' login (throttled, second factor).
    "villagedesk.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "villagedesk.core",
    "villagedesk.audit",
    "villagedesk.areas",
    "villagedesk.accounts",
    "villagedesk.library",
    "villagedesk.registry",
    "villagedesk.welfare",
    "villagedesk.fieldwork",
    "villagedesk.organisation",
    "villagedesk.directory",
    "villagedesk.development",
    "villagedesk.governance",
    "villagedesk.economy",
    "villagedesk.projects",
    "villagedesk.playbook",
    "villagedesk.reports",
    "villagedesk.api",
    "villagedesk.demo",
    # Only for its templates and static files: the API's docs page serves Swagger UI from here.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before the headers below: they are public and cached long.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and fragments gzipped on their way out; static files come compressed from
    # collectstatic (WhiteNoise) and are answered above.
    "villagedesk.core.middleware.CompressTextMiddleware",
    "villagedesk.core.middleware.ContentSecurityPolicyMiddleware",
    "villagedesk.core.middleware.permissions_policy",
    # Before the session and CSRF middleware: it takes their cookies off the service worker's
    # background keeping of pages.
    "villagedesk.core.offline.keeping_sets_no_cookie",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "villagedesk.core.middleware.personal_pages_not_stored",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a session that times out says why on the login page.
    "villagedesk.accounts.middleware.SessionTimeoutMiddleware",
    "villagedesk.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "villagedesk.accounts.middleware.AreaFocusMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it turns a repeated create form into a redirect before anything else sees it.
    "villagedesk.core.middleware.FormSentTwiceMiddleware",
]

ROOT_URLCONF = "villagedesk.urls"
WSGI_APPLICATION = "villagedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "villagedesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "villagedesk.accounts.context_processors.areas",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
# A worker keeps its database connection for DB_CONN_MAX_AGE seconds rather than opening one per
# request (on PostgreSQL, opening one costs more than a simple page's queries); a connection
# that broke meanwhile is found before a request uses it. 0 closes it after every request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'villagedesk.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off on long analytic queries; on this application's queries (a
    # village's lists, a county's rule) it costs more than it saves: hundreds of milliseconds
    # on a rule over a county, where the query itself takes about as long.
    # Parallel workers: a query split across the cores plans a sequential scan of the county
    # where an index finds the village's rows (one village's gap report: 356 ms parallel, 40 ms
    # not), and on a server of few cores the workers take the cores other requests are waiting
    # for. DB_PARALLEL_WORKERS gives queries workers again.
    parallel = int(os.environ.get("DB_PARALLEL_WORKERS", "0"))
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c max_parallel_workers_per_gather={parallel}"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; IMMEDIATE avoids "database is locked"
    # upgrades from read to write transactions; the busy timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    # Three of lower case, upper case, digits and other characters (等保2.0 complexity).
    {"NAME": "villagedesk.accounts.password_validation.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed-login throttling: at most this many attempts for one username (four times as many for
# one client address) within the window; further attempts wait until the window has passed.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))


def networks(items: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses or networks (10.0.0.0/8); anything else is a configuration error."""
    try:
        return [ipaddress.ip_network(item, strict=False) for item in items]
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from error


# The reverse proxies whose X-Forwarded-For names the client (accounts.network.client_address);
# a request from any other address is taken to come from that address itself.
TRUSTED_PROXIES = networks(env_list("TRUSTED_PROXIES", []))

# A session ends after this many minutes without a request, and at the latest this many hours
# after logging in.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600

# Second factor (django-otp, TOTP): the roles that must use an authenticator app, e.g.
# "administrator,county_supervisor,township_supervisor"; anyone else may choose to.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", [])
OTP_TOTP_ISSUER = "Village Desk"

# Audit events are kept this many days, at least 183 (six months; a check refuses less).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "183"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Uploaded ledgers and their error reports are removed after this many days
# (`manage.py uploads_prune`, daily).
UPLOAD_RETENTION_DAYS = int(os.environ.get("UPLOAD_RETENTION_DAYS", "30"))
# The base64 key that encrypts `manage.py backup` files (`manage.py backup --new-key` makes one).
BACKUP_KEY = env_secret("BACKUP_KEY")
# Identity numbers are sealed at rest (core/sealing.py). IDENTITY_KEYS: "id:base64,id:base64",
# the first seals and all open; IDENTITY_HASH_KEY: the base64 key of the hashes that find them.
# A developer's machine (DEBUG, or no SECRET_KEY given) derives both from the development key;
# `check --deploy` refuses those, and every command refuses an installation with neither.
IDENTITY_KEYS = env_secret("IDENTITY_KEYS")
IDENTITY_HASH_KEY = env_secret("IDENTITY_HASH_KEY")
IDENTITY_KEYS_DERIVED = not (IDENTITY_KEYS and IDENTITY_HASH_KEY) and (
    DEBUG or not SECRET_KEY_GIVEN
)
if IDENTITY_KEYS_DERIVED:
    IDENTITY_KEYS = IDENTITY_KEYS or "dev:" + development_key(SECRET_KEY, "identity keys")
    IDENTITY_HASH_KEY = IDENTITY_HASH_KEY or development_key(SECRET_KEY, "identity hashes")

# Map tiles, e.g. "https://tile.example.org/{z}/{x}/{y}.png"; empty shows points on plain
# coordinates, which works with no internet at all.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's form renderer, with plain selects written without a template per option.
FORM_RENDERER = "villagedesk.core.forms.FormRenderer"


def caches_from_url(url: str) -> dict:
    """The cache named by CACHE_URL: Redis (redis:// or rediss://, a database number as its
    path) shared by every server process, or, unset, each process's own memory."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {url!r}")
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "villagedesk",
        }
    }


# The API's request counts per token (api/auth.py) live in the cache, so a rate holds across
# the server's processes only with a shared cache: production runs several gunicorn workers and
# `check --deploy` asks for CACHE_URL (core/checks.py).
CACHES = caches_from_url(os.environ.get("CACHE_URL", ""))

# Requests a minute each access token (or session) may make to the API: across every process
# with CACHE_URL, per process without it.
API_RATE = os.environ.get("API_RATE", "600/min")

# Imports and exports run outside the request; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from this site, inline scripts
# only with the nonce of the response (`nonce="{{ request.csp_nonce }}"`), no eval. The map tile
# host is added to img-src at each response from MAP_TILE_URL (core.middleware). Style attributes
# stay allowed: templates and ECharts' tooltips use them, and a style attribute runs no script;
# <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Permissions-Policy: the work diary asks for the browser's position; nothing uses any other
# powerful feature (photos are chosen with <input type=file>, which needs no camera permission).
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Registry pages
HOUSEHOLD_PAGE_SIZES = [25, 50, 100, 200]
