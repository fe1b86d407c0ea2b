"""Settings: one module, read from the environment through one ``env`` object.

Defaults give a working SQLite demo with ``DEBUG`` off (``DEBUG=1`` turns it on, never in production).
``DATABASE_URL=postgres://...`` selects PostgreSQL; ``MEDIA_ROOT``, ``STATIC_ROOT`` and ``CACHE_DIR``
move the files out of ``var/``. ``ANSINH_ENV=production`` refuses to start without a secret key of its
own, without ``ALLOWED_HOSTS`` or with ``DEBUG`` on, and turns on HTTPS-only cookies, HSTS and the
redirect to HTTPS (``manage.py check --deploy`` is clean; ``scripts/test`` runs it).
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]  # the repository root
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "ansinh-development-only-not-secret"
ANSINH_ENV = env.str("ANSINH_ENV", default="development").strip().lower()
PRODUCTION = ANSINH_ENV == "production"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("ANSINH_ENV=production: thiếu SECRET_KEY (50+ ký tự ngẫu nhiên, xem docs/operations.md).")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured("ANSINH_ENV=production: SECRET_KEY đang là khoá mặc định của bản phát triển; "
                                   "hãy tạo khoá riêng (xem docs/operations.md).")
    if DEBUG:
        raise ImproperlyConfigured("ANSINH_ENV=production: không được bật DEBUG (trang lỗi sẽ lộ cấu hình).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ANSINH_ENV=production: thiếu ALLOWED_HOSTS (tên miền của hệ thống).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # WhiteNoise serves static files under runserver too, DEBUG on or off
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "simple_history",
    "ansinh.config.apps.AxesConfig",  # axes, named in Vietnamese
    "django_htmx",
    "django_tasks",
    "ansinh.config.apps.TasksDatabaseConfig",  # django_tasks_db, named in Vietnamese
    "ninja",  # the API documents rendered from the package's own static files (no CDN)
    "django_otp",  # two-factor login (accounts.two_factor): before ansinh.accounts, whose admin unregisters its device
    "django_otp.plugins.otp_totp",
    "ansinh.core",
    "ansinh.geo",
    "ansinh.accounts",
    "ansinh.registry",
    "ansinh.policy",
    "ansinh.programmes",
    "ansinh.poverty",
    "ansinh.payroll",
    "ansinh.payments",
    "ansinh.matching",
    "ansinh.labour",
    "ansinh.planning",
    "ansinh.api",
    "ansinh.dossiers",
    "ansinh.casework",
    "ansinh.web",
    "ansinh.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second step passed in this session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "ansinh.accounts.middleware.TwoFactorMiddleware",  # every page but the 2FA pages, logins, static files and /api/
    "ansinh.api.middleware.ApiAuditMiddleware",
]

ROOT_URLCONF = "ansinh.config.urls"
WSGI_APPLICATION = "ansinh.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "ansinh" / "web" / "admin_templates"],  # admin/base_site.html: before the admin's
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ansinh.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ansinh.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling (django-axes): 5 failures per username and address lock for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Two-factor login (TOTP, accounts.two_factor): leaders, administrators and staff verify a 6-digit code from an
# authenticator app after the password. On by default in production (turning it off there is a warning of
# `manage.py check --deploy`), off by default in development and the demo (the login page says so).
ANSINH_2FA_REQUIRED = env.bool("ANSINH_2FA_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ansinh")  # the account's name in the authenticator app
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)  # waits of 1, 2, 4, 8… s after wrong codes

SESSION_COOKIE_HTTPONLY = True
# Idle timeout (NĐ 356/2025: protect personal data on unattended office PCs): a session ends after
# SESSION_IDLE_MINUTES without a request; every request moves the expiry on.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# HTTPS (production defaults; each can be set in the environment). Behind a reverse proxy that ends TLS,
# set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (and have the proxy set that header itself).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
_proxy_header = env.tuple("SECURE_PROXY_SSL_HEADER", default=())
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER phải có dạng TÊN_HEADER,giá_trị, "
                               "ví dụ HTTP_X_FORWARDED_PROTO,https.")
SECURE_PROXY_SSL_HEADER = tuple(part.strip() for part in _proxy_header) or None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "src" / "ansinh" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["ansinh.config.formats"]  # dd/mm/yyyy in the administration's date boxes (config/formats/vi)

# Files: static files are served by WhiteNoise (with DEBUG off too). In production from STATIC_ROOT after
# `collectstatic`, with hashed names (manifest) and compressed copies; in development also straight from the
# apps (no collectstatic needed). Uploads and generated files go to MEDIA_ROOT (back it up).
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "ansinh.config.storage.StaticFilesStorage" if PRODUCTION
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG and not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks there too (after `collectstatic`)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# File cache: shared by the web process and the background worker (import progress, throttles).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.str("CACHE_DIR", default=str(VAR_DIR / "cache")),
    }
}

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# The province this installation serves (statistics office code). Hà Tĩnh = 42.
ANSINH_PROVINCE_CODE = env.str("ANSINH_PROVINCE_CODE", default="42")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Splink's training messages (u sampling, EM sessions, levels it could not train): normal for every run, so only
    # its errors by default; SPLINK_LOG_LEVEL=INFO shows them (matching.model.SPLINK_LOGGING)
    "loggers": {"splink": {"level": env.str("SPLINK_LOG_LEVEL", default="ERROR")}},
}
