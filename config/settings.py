"""Ruche settings. Every value comes from the environment through config.env; defaults suit a laptop."""

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    env_bool,
    env_hosts,
    env_int,
    env_list,
    env_mapping,
    env_str,
    file_storage_from_env,
    media_accel_from_env,
    url_origin,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RUCHE_VAR_DIR", str(BASE_DIR / "var")))

# "local" (a laptop, `make run`) or "production" (refuses insecure settings).
ENVIRONMENT = env_str("RUCHE_ENV", "local")
if ENVIRONMENT not in {"local", "production"}:
    raise ImproperlyConfigured("RUCHE_ENV must be 'local' or 'production'")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("RUCHE_DEBUG", False)


def _secret_key() -> str:
    key = env_str("RUCHE_SECRET_KEY")
    if PRODUCTION:
        if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
            raise ImproperlyConfigured(
                "RUCHE_SECRET_KEY must be set to a random string of at least 50 characters "
                "in production (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
            )
        return key
    if key:
        return key
    # A laptop gets a random key kept in var/, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("RUCHE_DEBUG must be off in production")

ALLOWED_HOSTS = env_list("RUCHE_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("RUCHE_ALLOWED_HOSTS must list the host names served in production")
CSRF_TRUSTED_ORIGINS = env_list("RUCHE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("RUCHE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("RUCHE_SITE_NAME", "Ruche")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' assets from our own static files (no CDN)
    # Ruche's apps come before allauth so that their templates (login, layout) win.
    "ruche.core",
    "ruche.worker",
    "ruche.accounts",
    "ruche.ldap",
    "ruche.links",
    "ruche.files",
    "ruche.posts",
    "ruche.communities",
    "ruche.feed",
    "ruche.notifications",
    "ruche.qa",
    "ruche.ideas",
    "ruche.search",
    "ruche.realtime",
    "ruche.announcements",
    "ruche.rooms",
    "ruche.sources",
    "ruche.alerts",
    "ruche.integrations",
    "ruche.analytics",
    "ruche.activities",
    "ruche.privacy",
    "ruche.scim",
    "ruche.mastodon",  # Mastodon's client API and its OAuth server (docs/api.md)
    "ruche.api",
    "ruche.web",
    "ruche.demo",
    "oauth2_provider",  # django-oauth-toolkit: the OAuth server of ruche.mastodon
    "allauth",
    "allauth.account",
    # Single sign-on (docs/sso.md): installed always, so their tables exist; off until configured.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ruche.accounts.middleware.CompanyLanguageMiddleware",  # the company's language before sign-in
    "ruche.api.middleware.JsonErrorsMiddleware",  # outside CommonMiddleware: sees its slash redirects
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ruche.accounts.middleware.UserLanguageMiddleware",
    "ruche.web.middleware.InputGuardMiddleware",  # in the person's language, before CSRF reads the form
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ruche.analytics.middleware.ActivityMiddleware",  # before LastSeen: reads the last request's time
    "ruche.accounts.middleware.LastSeenMiddleware",
    "ruche.accounts.middleware.OnboardingMiddleware",
    "ruche.activities.middleware.ActivityStreamsMiddleware",  # a profile or community asked as AS2
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ruche.web.context_processors.ruche",
            ],
            "builtins": ["ruche.web.templatetags.ruche"],
        },
    },
    {
        # The post card, drawn dozens of times a page, the page header and the home page (see ruche/web/jinja.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "ruche.web.jinja.environment", "autoescape": True},
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("RUCHE_DATABASE_URL", f"sqlite:///{VAR_DIR / 'ruche.sqlite3'}"), BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("RUCHE_REDIS_URL")
if REDIS_URL:
    # An accelerator: a Redis that stops or hangs reads as an empty cache (ruche/core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "ruche.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Realtime (Server-Sent Events): how events travel from the process that publishes them to the web
# processes holding the browsers' streams. "database" (one machine: every web process polls the event
# log) or "redis" (several app servers: Redis pub/sub). See docs/operations.md.
REALTIME_BROADCASTER = env_str("RUCHE_REALTIME_BROADCASTER", "redis" if REDIS_URL else "database")
if REALTIME_BROADCASTER not in {"database", "redis"}:
    raise ImproperlyConfigured("RUCHE_REALTIME_BROADCASTER must be 'database' or 'redis'")
if REALTIME_BROADCASTER == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("RUCHE_REALTIME_BROADCASTER=redis needs RUCHE_REDIS_URL")
REALTIME_REDIS_PREFIX = env_str("RUCHE_REALTIME_REDIS_PREFIX", "ruche")
REALTIME_POLL_MS = env_int("RUCHE_REALTIME_POLL_MS", 50)  # database broadcaster: one query a tick
REALTIME_HEARTBEAT_SECONDS = env_int("RUCHE_REALTIME_HEARTBEAT_SECONDS", 20)
REALTIME_STREAM_SECONDS = env_int("RUCHE_REALTIME_STREAM_SECONDS", 300)  # then the browser reconnects
REALTIME_RETRY_MS = 3_000
REALTIME_RETENTION_MINUTES = env_int("RUCHE_REALTIME_RETENTION_MINUTES", 60)  # the replay window
REALTIME_REPLAY_MAX = 500  # missed more than this: reload the page rather than replay
REALTIME_QUEUE_SIZE = 1_000  # events waiting for one slow browser before it is told to reload
REALTIME_MAX_STREAMS = env_int("RUCHE_REALTIME_MAX_STREAMS", 10_000)  # requests in flight per web process
REALTIME_TRIM_EVERY = 500  # trim the log each time its ids cross a multiple of this

# Background work: rows of ruche.worker's task table, written with the change they follow and run
# by `manage.py worker` processes (docs/architecture.md, "Background work").
TASKS = {
    "default": {
        "BACKEND": env_str("RUCHE_TASK_BACKEND", "ruche.worker.backend.DatabaseBackend"),
        "OPTIONS": {"eager": env_bool("RUCHE_TASKS_EAGER", False)},
    }
}
TASKS_LEASE_SECONDS = env_int("RUCHE_TASKS_LEASE_SECONDS", 60)  # a worker silent this long is dead
TASKS_RETRY_BASE_SECONDS = env_int("RUCHE_TASKS_RETRY_BASE_SECONDS", 5)  # then x2 each attempt
TASKS_RETRY_MAX_SECONDS = env_int("RUCHE_TASKS_RETRY_MAX_SECONDS", 15 * 60)
TASKS_KEEP_SUCCEEDED_HOURS = env_int("RUCHE_TASKS_KEEP_SUCCEEDED_HOURS", 24)
TASK_WORKERS = env_int("RUCHE_TASK_WORKERS", 0)  # started by `manage.py serve`; 0: chosen for the machine

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "ruche.accounts.backends.ModelBackend",
    "ruche.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # Addresses come from the company directory, not from strangers.
ACCOUNT_ADAPTER = "ruche.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# Single sign-on through the company's identity provider (docs/sso.md). Nothing set: SSO is off and
# the log-in page is the password form alone. The provider is configured here, never in the database.
SOCIALACCOUNT_ADAPTER = "ruche.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True  # no sign-up form: the adapter refuses or provisions (sso.py)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # the adapter matches people itself, by verified e-mail
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False  # the log-in page's buttons POST (CSRF), a GET asks to confirm
SOCIALACCOUNT_STORE_TOKENS = False  # Ruche calls nothing on the person's behalf
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Whether people may still sign in with a Ruche password. Off: only the SSO buttons; superusers keep
# theirs (the way back in when the identity provider is down or misconfigured).
PASSWORD_LOGIN = env_bool("RUCHE_PASSWORD_LOGIN", True)
# E-mail domains allowed to sign in through SSO ("example.com,example.fr"); empty: any.
SSO_ALLOWED_DOMAINS = [d.lower().lstrip("@") for d in env_list("RUCHE_SSO_ALLOWED_DOMAINS", [])]
# Which claims (OIDC) or attributes (SAML) carry the profile's fields.
SSO_CLAIMS = {
    "first_name": env_str("RUCHE_SSO_CLAIM_FIRST_NAME", "given_name"),
    "last_name": env_str("RUCHE_SSO_CLAIM_LAST_NAME", "family_name"),
    "job_title": env_str("RUCHE_SSO_CLAIM_JOB_TITLE", "job_title"),
    "department": env_str("RUCHE_SSO_CLAIM_DEPARTMENT", "department"),
    "site": env_str("RUCHE_SSO_CLAIM_SITE", "site"),
    "manager_email": env_str("RUCHE_SSO_CLAIM_MANAGER", "manager_email"),
}
# OpenID Connect: an e-mail counts only with `email_verified: true`, unless the provider is trusted
# for its addresses (Entra ID sends no such claim: RUCHE_OIDC_TRUST_EMAIL=true).
SSO_OIDC_TRUST_EMAIL = env_bool("RUCHE_OIDC_TRUST_EMAIL", False)
SSO_OIDC_ID = env_str("RUCHE_OIDC_PROVIDER_ID", "company")  # in the redirect URI
SSO_OIDC_BUTTON_LABEL = env_str("RUCHE_OIDC_BUTTON_LABEL")  # empty: "Sign in with your company account"
SOCIALACCOUNT_PROVIDERS = {}
# The log-in page's buttons post to Ruche, which redirects the browser to the provider: the page's
# Content-Security-Policy must let a form lead there (form-action, below).
SSO_ORIGINS = []
_OIDC_ISSUER = env_str("RUCHE_OIDC_ISSUER")
if _OIDC_ISSUER:
    SSO_ORIGINS.append(url_origin("RUCHE_OIDC_ISSUER", _OIDC_ISSUER))
    if not env_str("RUCHE_OIDC_CLIENT_ID"):
        raise ImproperlyConfigured("RUCHE_OIDC_ISSUER needs RUCHE_OIDC_CLIENT_ID (and its secret)")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": SSO_OIDC_ID,
                "name": SSO_OIDC_BUTTON_LABEL or "OpenID Connect",
                "client_id": env_str("RUCHE_OIDC_CLIENT_ID"),
                "secret": env_str("RUCHE_OIDC_CLIENT_SECRET"),
                "settings": {"server_url": _OIDC_ISSUER, "fetch_userinfo": True},
            }
        ],
    }
# SAML 2.0: the IdP's entity id and its signing certificate, with its sign-on URL or its metadata URL.
# Signed assertions are required. Ruche's (the SP's) metadata: /accounts/saml/<RUCHE_SAML_SLUG>/metadata/.
SSO_SAML_SLUG = env_str("RUCHE_SAML_SLUG", "company")
SSO_SAML_BUTTON_LABEL = env_str("RUCHE_SAML_BUTTON_LABEL")  # empty: "Sign in with your company account"
# Which attributes carry what: each a comma list of names, the first one present wins.
SSO_SAML_ATTRIBUTES = {
    name: env_list(f"RUCHE_SAML_ATTR_{name.upper()}", default)
    for name, default in {
        "uid": [],  # empty: the assertion's NameID identifies the person
        "email": [
            "email",
            "mail",
            "urn:oid:0.9.2342.19200300.100.1.3",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        ],
        "email_verified": ["email_verified"],
        "first_name": [
            "givenName",
            "urn:oid:2.5.4.42",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        ],
        "last_name": [
            "sn",
            "urn:oid:2.5.4.4",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        ],
        "job_title": ["title", "jobTitle", "urn:oid:2.5.4.12"],
        "department": ["department"],
        "site": ["site"],
        "manager_email": ["manager_email"],
    }.items()
}
_SAML_IDP = {
    "entity_id": env_str("RUCHE_SAML_IDP_ENTITY_ID"),
    "sso_url": env_str("RUCHE_SAML_IDP_SSO_URL"),
    "x509cert": env_str("RUCHE_SAML_IDP_X509_CERT"),
    "metadata_url": env_str("RUCHE_SAML_IDP_METADATA_URL"),
}
if _SAML_IDP["entity_id"]:
    if not (_SAML_IDP["metadata_url"] or (_SAML_IDP["sso_url"] and _SAML_IDP["x509cert"])):
        raise ImproperlyConfigured(
            "RUCHE_SAML_IDP_ENTITY_ID needs RUCHE_SAML_IDP_METADATA_URL, or both RUCHE_SAML_IDP_SSO_URL "
            "and RUCHE_SAML_IDP_X509_CERT"
        )
    _idp_url = _SAML_IDP["sso_url"] or _SAML_IDP["metadata_url"]
    SSO_ORIGINS.append(url_origin("RUCHE_SAML_IDP_SSO_URL", _idp_url))
    SOCIALACCOUNT_PROVIDERS["saml"] = {
        "APPS": [
            {
                "name": SSO_SAML_BUTTON_LABEL or "SAML",
                "client_id": SSO_SAML_SLUG,
                "settings": {
                    "idp": {key: value for key, value in _SAML_IDP.items() if value},
                    "attribute_mapping": {
                        key: SSO_SAML_ATTRIBUTES[key]
                        for key in ("uid", "email", "email_verified", "first_name", "last_name")
                        if SSO_SAML_ATTRIBUTES[key]
                    },
                    "sp": {"entity_id": env_str("RUCHE_SAML_SP_ENTITY_ID")}
                    if env_str("RUCHE_SAML_SP_ENTITY_ID")
                    else {},
                    "advanced": {
                        "strict": True,  # Destination, Recipient, Audience and validity are checked
                        "want_assertion_signed": True,
                        "want_message_signed": env_bool("RUCHE_SAML_WANT_MESSAGE_SIGNED", False),
                        "reject_idp_initiated_sso": True,  # an answer must follow a request of ours
                        "reject_deprecated_algorithm": True,
                    },
                },
            }
        ],
    }

LANGUAGE_CODE = env_str("RUCHE_LANGUAGE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ruche" / "locale"]
TIME_ZONE = env_str("RUCHE_TIME_ZONE", "Europe/Paris")
USE_I18N = True
FORMAT_MODULE_PATH = ["ruche.core.formats"]  # English dates day first (ruche/core/formats/en)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files: on local disk under MEDIA_ROOT, or in a private S3-compatible bucket
# (RUCHE_STORAGE=s3, RUCHE_S3_*); served only by ruche.core.media after the file's reading rule, the
# bytes sent by Django or, after the same check, by the web server (RUCHE_MEDIA_ACCEL: x-accel-redirect
# for nginx, x-sendfile for Apache or lighttpd). docs/operations.md, "Files".
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("RUCHE_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": file_storage_from_env(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ACCEL, MEDIA_ACCEL_PREFIX = media_accel_from_env(STORAGES["default"])
WHITENOISE_USE_FINDERS = True  # `make run` serves static files without a collectstatic step.
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "ruche.files.uploads.SizeLimitHandler",  # stops reading at the administrators' size limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail goes to SMTP when RUCHE_EMAIL_HOST is set; on a laptop it is printed by the server instead.
_EMAIL_HOST = env_str("RUCHE_EMAIL_HOST")
if PRODUCTION and not _EMAIL_HOST:
    raise ImproperlyConfigured("RUCHE_EMAIL_HOST must name the SMTP server in production (invitations).")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST,
            "port": env_int("RUCHE_EMAIL_PORT", 25),
            "username": env_str("RUCHE_EMAIL_USER"),
            "password": env_str("RUCHE_EMAIL_PASSWORD"),
            "use_tls": env_bool("RUCHE_EMAIL_USE_TLS", False),
            "timeout": 20,
        },
    }
    if _EMAIL_HOST
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("RUCHE_EMAIL_FROM", "Ruche <ruche@localhost>")

# Security: strict by default, HTTPS-only in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read on every request: from Redis when there is one, the database on a miss. Never
# from a cache of the process's own: a session ended elsewhere (a log-out served by another web
# worker, a deactivation or an erasure run by the task worker) would live on in that copy.
SESSION_ENGINE = "ruche.accounts.sessions"  # Django's, cached_db with Redis, else db
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'", *SSO_ORIGINS],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("RUCHE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("RUCHE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RUCHE_LOG_LEVEL", "WARNING")},
    # Django logs every task's start and end at INFO: two lines a task, thousands a minute under
    # load. Failures stay logged (ERROR), and our worker logs retries (WARNING).
    "loggers": {"django.tasks": {"level": env_str("RUCHE_TASKS_LOG_LEVEL", "WARNING")}},
}

# Product limits and feed tuning.
POST_MAX_LENGTH = env_int("RUCHE_POST_MAX_LENGTH", 10_000)
# Ten posts a page, then "load more": enough to read, and each page renders in tens of ms (performance.md).
FEED_PAGE_SIZE = env_int("RUCHE_FEED_PAGE_SIZE", 10)
# Authors or hashtags followed by more people than this are pulled at read time, not fanned out.
FEED_LARGE_AUDIENCE = env_int("RUCHE_FEED_LARGE_AUDIENCE", 2_000)
FEED_MAX_ENTRIES = env_int("RUCHE_FEED_MAX_ENTRIES", 1_000)
# Post cards kept per web process, drawn once for every reader (ruche/web/cards.py); ~15 KB each.
CARD_CACHE_ENTRIES = env_int("RUCHE_CARD_CACHE_ENTRIES", 2_000)
# A web process's garbage collector runs every this many new objects, over what the process made
# since it loaded the site (ruche/core/serving.py). Each run stops the process for a time that grows
# faster than the threshold: measured per 1,000 feed requests, 50,000 stopped it for 21-64 ms at a
# time (the p99 under load), 5,000 for under 2 ms, at the same total cost (docs/performance.md).
GC_THRESHOLD = env_int("RUCHE_GC_THRESHOLD", 5_000)
# People not seen for this many days get no fan-out; their feed is rebuilt when they come back.
FEED_INACTIVE_DAYS = env_int("RUCHE_FEED_INACTIVE_DAYS", 30)
FEED_REBUILD_DAYS = env_int("RUCHE_FEED_REBUILD_DAYS", 60)
# Fan-out writes (and checkpoints) this many feed entries at a time.
FANOUT_BATCH_SIZE = env_int("RUCHE_FANOUT_BATCH_SIZE", 1_000)
INVITATION_DAYS = env_int("RUCHE_INVITATION_DAYS", 14)  # activation links (ruche.accounts.tokens)
# Password-reset links: short-lived, whoever holds the mailbox for an hour holds the account.
PASSWORD_RESET_TIMEOUT = env_int("RUCHE_PASSWORD_RESET_MINUTES", 60) * 60

# Outbound HTTP (ruche.core.outbound): link previews, news sources. Only public addresses, on these
# ports, within this time and size; intranet hosts ("host" or "host:port") are let through by name.
FETCH_ALLOWED_HOSTS = env_hosts("RUCHE_FETCH_ALLOWED_HOSTS")
FETCH_ALLOWED_PORTS = [int(port) for port in env_list("RUCHE_FETCH_ALLOWED_PORTS", ["80", "443"])]
FETCH_TIMEOUT_SECONDS = env_int("RUCHE_FETCH_TIMEOUT_SECONDS", 8)
FETCH_MAX_BYTES = env_int("RUCHE_FETCH_MAX_BYTES", 5 * 1024 * 1024)
FETCH_MAX_REDIRECTS = env_int("RUCHE_FETCH_MAX_REDIRECTS", 4)

# LDAP / Active Directory sync (ruche.ldap, docs/ldap.md): people read from the directory, created,
# updated and deactivated every RUCHE_LDAP_SYNC_MINUTES by the worker and by `manage.py ldap_sync`.
# Off while RUCHE_LDAP_URL is empty. The attribute mapping's defaults fit OpenLDAP's inetOrgPerson.
LDAP_URL = env_str("RUCHE_LDAP_URL").strip()
if LDAP_URL and not LDAP_URL.lower().startswith(("ldap://", "ldaps://")):
    raise ImproperlyConfigured(f"RUCHE_LDAP_URL must start with ldap:// or ldaps://, got {LDAP_URL!r}")
LDAP_BIND_DN = env_str("RUCHE_LDAP_BIND_DN")
LDAP_BIND_PASSWORD = env_str("RUCHE_LDAP_BIND_PASSWORD")
LDAP_BASE_DN = env_str("RUCHE_LDAP_BASE_DN")
if LDAP_URL and not LDAP_BASE_DN:
    raise ImproperlyConfigured("RUCHE_LDAP_BASE_DN is required with RUCHE_LDAP_URL")
LDAP_FILTER = env_str("RUCHE_LDAP_FILTER", "(objectClass=inetOrgPerson)")
LDAP_START_TLS = env_bool("RUCHE_LDAP_START_TLS", False)
LDAP_ATTRIBUTES = env_mapping(
    "RUCHE_LDAP_ATTRIBUTES",
    {
        "email": "mail",
        "first_name": "givenName",
        "last_name": "sn",
        "job_title": "title",
        "department": "departmentNumber",
        "site": "l",
        "phone": "telephoneNumber",
        "manager": "manager",
        "photo": "jpegPhoto",
        "id": "entryUUID",
        "active": "",  # Active Directory: userAccountControl (bit 2 set: disabled)
    },
)
if LDAP_URL and not LDAP_ATTRIBUTES["email"]:
    raise ImproperlyConfigured("RUCHE_LDAP_ATTRIBUTES: email= cannot be empty, people are matched by it")
LDAP_SYNC_MINUTES = env_int("RUCHE_LDAP_SYNC_MINUTES", 60)
LDAP_PAGE_SIZE = env_int("RUCHE_LDAP_PAGE_SIZE", 500)  # Active Directory answers at most 1,000 a page
LDAP_TIMEOUT_SECONDS = env_int("RUCHE_LDAP_TIMEOUT_SECONDS", 30)
# A link preview older than this is fetched again when someone shares the address anew.
LINK_PREVIEW_REFRESH_DAYS = env_int("RUCHE_LINK_PREVIEW_REFRESH_DAYS", 7)
# `manage.py serve` looks for news sources due this often (each has its own interval, chosen by its animators).
SOURCES_SWEEP_SECONDS = env_int("RUCHE_SOURCES_SWEEP_SECONDS", 60)

# Adoption analytics (docs/analytics.md): daily facts kept this many months; figures about fewer
# people than the minimum group are shown as "fewer than N". Visits and pages are counted in each
# web process's memory and written every so many pages or seconds; the facts held by the database
# (posts, replies...) are recomputed for today and yesterday every so many seconds.
ANALYTICS_RETENTION_MONTHS = env_int("RUCHE_ANALYTICS_RETENTION_MONTHS", 25)
ANALYTICS_MIN_GROUP = env_int("RUCHE_ANALYTICS_MIN_GROUP", 5)
ANALYTICS_FLUSH_PAGES = env_int("RUCHE_ANALYTICS_FLUSH_PAGES", 200)
ANALYTICS_FLUSH_SECONDS = env_int("RUCHE_ANALYTICS_FLUSH_SECONDS", 60)
ANALYTICS_REFRESH_SECONDS = env_int("RUCHE_ANALYTICS_REFRESH_SECONDS", 900)
# A dashboard's figures that are the same for every reader are computed once per this many seconds.
ANALYTICS_CACHE_SECONDS = env_int("RUCHE_ANALYTICS_CACHE_SECONDS", 300)

# Announcements: audiences up to this size get their receipts written in the publishing request;
# larger ones by the task worker, after commit. E-mails and notifications go out in batches.
ANNOUNCEMENT_INLINE_RECIPIENTS = env_int("RUCHE_ANNOUNCEMENT_INLINE_RECIPIENTS", 1_000)
ANNOUNCEMENT_BATCH_SIZE = env_int("RUCHE_ANNOUNCEMENT_BATCH_SIZE", 200)
# "Remind those who have not": at most once in this many hours per announcement.
ANNOUNCEMENT_REMIND_HOURS = env_int("RUCHE_ANNOUNCEMENT_REMIND_HOURS", 24)
# Video rooms: the base URL of a Jitsi-Meet-style service (https://meet.example.com); a room is
# <base>/<unguessable name>. Empty (the default): video rooms are hidden, since a public service
# would send who meets with whom outside the company (docs/operations.md).
VIDEO_BASE_URL = env_str("RUCHE_VIDEO_BASE_URL", "").strip().rstrip("/")
if VIDEO_BASE_URL and not VIDEO_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("RUCHE_VIDEO_BASE_URL must be an http(s) URL, e.g. https://meet.example.com")

# E-mail notifications and the digest (docs/operations.md, "E-mail and digest").
# A notification e-mail waits this long, and is not sent if the person read it or used the app since
# (last_seen_at is refreshed every 5 minutes, so keep this above 5).
EMAIL_NOTIFY_DELAY_MINUTES = env_int("RUCHE_EMAIL_NOTIFY_DELAY_MINUTES", 10)
# At most one e-mail per conversation per this many minutes; what comes meanwhile joins the next one.
EMAIL_THREAD_INTERVAL_MINUTES = env_int("RUCHE_EMAIL_THREAD_INTERVAL_MINUTES", 30)
# A refused or unreachable SMTP server: retried after 1, 2, 4... minutes (at most 6 hours apart),
# then marked failed after this many attempts (`manage.py send_emails --retry-failed` retries them).
EMAIL_RETRY_MINUTES = env_int("RUCHE_EMAIL_RETRY_MINUTES", 1)
EMAIL_MAX_ATTEMPTS = env_int("RUCHE_EMAIL_MAX_ATTEMPTS", 12)
EMAIL_SENDING_TIMEOUT_MINUTES = 15
# Digests are built at this local hour (TIME_ZONE); the weekly one on this day (0 = Monday).
DIGEST_HOUR = env_int("RUCHE_DIGEST_HOUR", 7)
DIGEST_WEEKDAY = env_int("RUCHE_DIGEST_WEEKDAY", 0)
# `manage.py serve` runs the scheduler (e-mail sweep every minute, digests at DIGEST_HOUR).
SCHEDULER_ENABLED = env_bool("RUCHE_SCHEDULER", True)
EMAIL_SWEEP_SECONDS = env_int("RUCHE_EMAIL_SWEEP_SECONDS", 60)
# Scheduled digests need a mail server: on a laptop they would flood the console (send_digests still works).
DIGESTS_SCHEDULED = env_bool("RUCHE_DIGESTS_SCHEDULED", bool(_EMAIL_HOST))

# Personal data (ruche/privacy, docs/privacy.md).
# A person's data export stays downloadable this many days, then its file is deleted.
EXPORT_DAYS = env_int("RUCHE_EXPORT_DAYS", 7)
if EXPORT_DAYS < 1:
    raise ImproperlyConfigured("RUCHE_EXPORT_DAYS must be at least 1")

# Personal data: retention (docs/processing-register.md). `retention_enforce` (ruche/privacy),
# run daily by `manage.py serve`, deletes older rows in batches. Realtime events are kept
# REALTIME_RETENTION_MINUTES (above), analytics facts ANALYTICS_RETENTION_MONTHS, succeeded worker
# tasks TASKS_KEEP_SUCCEEDED_HOURS: their own apps sweep them.
RETENTION_NOTIFICATIONS_DAYS = env_int("RUCHE_RETENTION_NOTIFICATIONS_DAYS", 180)
# Sent, skipped and failed e-mails of the outbox; a waiting one is never deleted.
RETENTION_OUTBOX_DAYS = env_int("RUCHE_RETENTION_OUTBOX_DAYS", 30)
# The administrators' log and the communities' audit logs.
RETENTION_AUDIT_DAYS = env_int("RUCHE_RETENTION_AUDIT_DAYS", 730)
RETENTION_SIGNINS_DAYS = env_int("RUCHE_RETENTION_SIGNINS_DAYS", 365)
RETENTION_BATCH = 1_000  # rows deleted per transaction: readers and writers never wait long
for _name in ("NOTIFICATIONS", "OUTBOX", "AUDIT", "SIGNINS"):
    if globals()[f"RETENTION_{_name}_DAYS"] < 1:
        raise ImproperlyConfigured(f"RUCHE_RETENTION_{_name}_DAYS must be at least 1 (days)")

# OAuth 2 for Mastodon apps (ruche.mastodon, django-oauth-toolkit). Mastodon's tokens do not expire:
# a person revokes an app on /me/apps/. PKCE is accepted (S256 only) but not required: most Mastodon
# clients predate it. An authorization code lives 10 minutes and serves once.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "ruche.mastodon.oauth.MastodonScopes",
    "OAUTH2_VALIDATOR_CLASS": "ruche.mastodon.oauth.Validator",
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 365 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
    "PKCE_REQUIRED": False,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],  # an app's own schemes: ruche.mastodon.oauth
    "REQUEST_APPROVAL_PROMPT": "force",
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit nor password grant, PKCE with S256 only, no token
    # in a query string (Mastodon's streaming reads `access_token` itself), `iss` in the answer, tokens
    # stored hashed (looked up by their SHA-256), a replayed refresh token revokes its family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}
# Two RFC 9700 advices Mastodon's clients cannot follow, knowingly set aside: most of them predate
# PKCE (it is accepted, S256 only, not required), and native apps call back on http://127.0.0.1
# (RFC 8252) as web apps on https.
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008", "oauth2_provider.W010"]
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # named: a migration of ours points at it

# Webhooks (ruche/activities, docs/webhooks.md): an endpoint whose deliveries keep failing for more
# than this many days is paused and its owner told by e-mail.
WEBHOOK_PAUSE_DAYS = env_int("RUCHE_WEBHOOK_PAUSE_DAYS", 3)
# Delivery attempts are kept this many days (those waiting to be sent are never deleted).
WEBHOOK_DELIVERIES_DAYS = env_int("RUCHE_WEBHOOK_DELIVERIES_DAYS", 30)
for _name in ("PAUSE", "DELIVERIES"):
    if globals()[f"WEBHOOK_{_name}_DAYS"] < 1:
        raise ImproperlyConfigured(f"RUCHE_WEBHOOK_{_name}_DAYS must be at least 1 (days)")

# Incoming webhooks (ruche/integrations, docs/integrations.md): a business tool posts into a
# community. A larger body is refused (413) before it is read; each integration may post this many
# times a minute (429 with Retry-After beyond).
INCOMING_WEBHOOK_MAX_BYTES = env_int("RUCHE_INCOMING_WEBHOOK_MAX_BYTES", 64 * 1024)
INCOMING_WEBHOOK_PER_MINUTE = env_int("RUCHE_INCOMING_WEBHOOK_PER_MINUTE", 60)
if INCOMING_WEBHOOK_MAX_BYTES < 1 or INCOMING_WEBHOOK_PER_MINUTE < 1:
    raise ImproperlyConfigured("RUCHE_INCOMING_WEBHOOK_MAX_BYTES and _PER_MINUTE must be at least 1")
