"""Maillage settings: one module, read from ``MAILLAGE_*`` environment variables.

Every variable is declared once in :data:`REGISTRY` with its default and its documentation;
the README documents them all (a test fails when one is missing).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


@dataclass(frozen=True)
class Setting:
    """One ``MAILLAGE_*`` environment variable."""

    name: str
    default: str
    doc: str


REGISTRY: tuple[Setting, ...] = (
    Setting("MAILLAGE_ENV", "development", "`development` ou `production` (contrôles stricts)."),
    Setting("MAILLAGE_SECRET_KEY", "", "Clé secrète Django ; obligatoire en production."),
    Setting(
        "MAILLAGE_ALLOWED_HOSTS",
        "127.0.0.1,localhost",
        "Noms d'hôte servis, séparés par des virgules ; obligatoire en production.",
    ),
    Setting(
        "MAILLAGE_DATABASE_URL",
        "",
        "URL de la base (ex. `postgres://user@127.0.0.1:5432/maillage`) ; "
        "vide : SQLite dans `var/maillage.sqlite3`.",
    ),
    Setting("MAILLAGE_VAR_DIR", "var", "Dossier des données locales (SQLite, fichiers déposés)."),
    Setting("MAILLAGE_DEBUG", "", "`1` pour le mode débogage (développement seulement)."),
    Setting(
        "MAILLAGE_TILE_URL",
        "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM"
        "&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        "Modèle d'URL du fond de carte ; par défaut le « Plan IGN » de la Géoplateforme (WMTS, "
        "sans clé) ; vide : carte sans fond (contours seuls), lisible hors ligne.",
    ),
    Setting(
        "MAILLAGE_TILE_ATTRIBUTION",
        "",
        "Attribution affichée avec le fond de carte ; vide : « © IGN » pour le Plan IGN.",
    ),
    Setting(
        "MAILLAGE_GEOCODER_URL",
        "https://data.geopf.fr/geocodage/search",
        "Géocodeur d'adresses : le service national de la Géoplateforme (IGN) par défaut ; "
        "vide : désactivé (la table locale de la BAN répond seule si elle est chargée).",
    ),
    Setting(
        "MAILLAGE_EMAIL_URL", "", "Serveur SMTP (`smtp://user:pass@hote:587`) ; vide : console."
    ),
    Setting("MAILLAGE_DEFAULT_FROM_EMAIL", "maillage@localhost", "Expéditeur des courriels."),
    Setting(
        "MAILLAGE_REMINDER_MONTHS",
        "12",
        "Mois sans vérification d'une fiche avant relance du partenaire.",
    ),
    Setting(
        "MAILLAGE_ACCESSIBILITY_CONTACT",
        "",
        "Adresse électronique ou page web (https://…) où signaler un défaut d'accessibilité, "
        "affichée par la déclaration d'accessibilité ; vide : la page dit qu'elle manque.",
    ),
    Setting(
        "MAILLAGE_TASKS_BACKEND",
        "database",
        "File des tâches longues (PDF, guide) : `database` (dans la base, traitée par "
        "`maillage worker`) ou `immediate` (exécutées pendant la requête, sans travailleur).",
    ),
    Setting(
        "MAILLAGE_SITE_URL",
        "",
        "Adresse publique du site (ex. `https://ctg.example.org`), utilisée dans les liens "
        "d'invitation, de campagne et les QR codes ; vide : l'adresse de la requête.",
    ),
)

_NAMES = {s.name for s in REGISTRY}


def env(name: str) -> str:
    """Return the value of a registered ``MAILLAGE_*`` variable (or its default)."""
    if name not in _NAMES:
        raise KeyError(f"{name} n'est pas une variable déclarée dans REGISTRY")
    default = next(s.default for s in REGISTRY if s.name == name)
    return os.environ.get(name, default)


MAILLAGE_ENV = env("MAILLAGE_ENV").strip().lower()
if MAILLAGE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("MAILLAGE_ENV doit valoir « development » ou « production ».")
PRODUCTION = MAILLAGE_ENV == "production"

VAR_DIR = Path(env("MAILLAGE_VAR_DIR"))
if not VAR_DIR.is_absolute():
    VAR_DIR = PROJECT_DIR / VAR_DIR

SECRET_KEY = env("MAILLAGE_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in env("MAILLAGE_ALLOWED_HOSTS").split(",") if h.strip()]
if PRODUCTION:
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "MAILLAGE_SECRET_KEY est obligatoire en production (au moins 50 caractères)."
        )
    if "MAILLAGE_ALLOWED_HOSTS" not in os.environ or not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "MAILLAGE_ALLOWED_HOSTS est obligatoire en production (sans « * »)."
        )
    DEBUG = False
else:
    SECRET_KEY = SECRET_KEY or "maillage-dev-insecure-key-do-not-use-in-production"
    DEBUG = env("MAILLAGE_DEBUG") == "1"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves the OpenAPI docs (Swagger UI) from its bundled static files, no CDN
    "maillage.territory",
    "maillage.directory",
    "maillage.plan",
    "maillage.network",
    "maillage.accounts",
    "maillage.diagnostic",
    "maillage.addresses",
    "maillage.contributions",  # residents: « Signaler une erreur », « Proposer un lieu »
    "maillage.web",
    "django_tasks",
    "django_tasks_db",
    "maillage.jobs",  # background documents (ADR 0010)
    "maillage.usage",  # audience measurement without a consent banner (aggregated counters)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A strict Content-Security-Policy on every response without its own (maillage.web.csp).
    "maillage.web.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "maillage.urls"
WSGI_APPLICATION = "maillage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.web.context.site",
            ],
        },
    },
]

_db_url = env("MAILLAGE_DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "maillage.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on SQLite: WAL lets readers run beside the writer; IMMEDIATE takes the
    # write lock when a transaction begins, so a writer waits (up to ``timeout`` seconds) instead
    # of failing with « database is locked » when its read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every password login (/connexion/, /admin/login/, any authenticate() call) goes through the
# rate limit of maillage.accounts.ratelimit.
AUTHENTICATION_BACKENDS = ["maillage.accounts.backends.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{v}"}
    for v in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "uploads"

TILE_URL = env("MAILLAGE_TILE_URL").strip()
TILE_ATTRIBUTION = env("MAILLAGE_TILE_ATTRIBUTION").strip() or (
    "© IGN" if TILE_URL.startswith("https://data.geopf.fr/") else ""
)
GEOCODER_URL = env("MAILLAGE_GEOCODER_URL").strip()

_email_url = env("MAILLAGE_EMAIL_URL")
if _email_url:
    from urllib.parse import unquote, urlparse

    _e = urlparse(_email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _e.hostname or "localhost"
    EMAIL_PORT = _e.port or 25
    EMAIL_HOST_USER = unquote(_e.username or "")
    EMAIL_HOST_PASSWORD = unquote(_e.password or "")
    EMAIL_USE_TLS = EMAIL_PORT == 587
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("MAILLAGE_DEFAULT_FROM_EMAIL")
try:
    REMINDER_MONTHS = int(env("MAILLAGE_REMINDER_MONTHS"))
except ValueError as exc:
    raise ImproperlyConfigured("MAILLAGE_REMINDER_MONTHS doit être un nombre de mois.") from exc

# The public address of the site (scheme://host[:port]) in e-mailed links and QR codes
# (maillage.web.site_url.absolute_url); empty: the request's own address.
SITE_URL = env("MAILLAGE_SITE_URL").strip().rstrip("/")
if SITE_URL:
    from urllib.parse import urlparse as _urlparse

    _site = _urlparse(SITE_URL)
    if _site.scheme not in ("http", "https") or not _site.netloc or _site.path:
        raise ImproperlyConfigured(
            "MAILLAGE_SITE_URL doit être une adresse comme « https://ctg.example.org » "
            "(http ou https, sans chemin)."
        )

# Long work off the request (ADR 0010): django-tasks, its database backend by default (no extra
# server; a worker started by « maillage worker » or « maillage demo » runs the tasks).
_tasks_backend = env("MAILLAGE_TASKS_BACKEND").strip().lower()
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if _tasks_backend not in _TASKS_BACKENDS:
    raise ImproperlyConfigured("MAILLAGE_TASKS_BACKEND doit valoir « database » ou « immediate ».")
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS[_tasks_backend]}}
JOBS_DIR = VAR_DIR / "taches"
TERRITORY_BUILDS_DIR = VAR_DIR / "territoires"  # folders built by « Créer un territoire »
NATIONAL_SOURCES = VAR_DIR / "sources-nationales"  # its default folder of national files

# Where to report an accessibility problem (« Déclaration d'accessibilité », RGAA 4.1.2 model):
# an e-mail address or an http(s) page.
ACCESSIBILITY_CONTACT = env("MAILLAGE_ACCESSIBILITY_CONTACT").strip()
if ACCESSIBILITY_CONTACT and not (
    ACCESSIBILITY_CONTACT.startswith(("https://", "http://"))
    or ("@" in ACCESSIBILITY_CONTACT and " " not in ACCESSIBILITY_CONTACT)
):
    raise ImproperlyConfigured(
        "MAILLAGE_ACCESSIBILITY_CONTACT doit être une adresse électronique ou une page "
        "https://… (contact pour l'accessibilité)."
    )

LOGIN_URL = "/connexion/"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True

# Per-process memory cache; search result cards and computed figures are keyed on the
# territory's data_version, so a larger cull threshold than Django's 300 keeps them warm.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
# Indicator charts, shared by the web processes and the worker (reports/chart_cache.py).
CACHES["charts"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(VAR_DIR / "cache" / "graphiques"),
    # Content-keyed: a changed figure is a new file. Room for many plans' charts before the
    # backend culls a third of them at random (its default is 300 entries).
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
