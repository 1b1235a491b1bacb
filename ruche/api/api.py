"""The one NinjaAPI of Ruche, at /api/ruche/v1/ (OpenAPI at /api/ruche/v1/openapi.json, docs at
/api/ruche/v1/docs). Mastodon's client API lives under /api/v1/ and /api/v2/ (ruche.mastodon)."""

from ninja import NinjaAPI

from ruche.api import (
    alerts,
    analytics,
    announcements,
    communities,
    community_admin,  # noqa: F401 (registers its operations on the communities router)
    errors,
    feed,
    files,
    ideas,
    integrations,
    notifications,
    people,
    posts,
    privacy,
    privacy_admin,
    questions,
    search,
    sources,
    tokens,
    webhooks,
)
from ruche.api.auth import AUTH

api = NinjaAPI(
    title="Ruche API",
    version="1",
    description=(
        "Everything Ruche does in the browser, in JSON. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`, created on the “API tokens” page) or, from the browser, "
        "with the session cookie and the `X-CSRFToken` header. See docs/api.md."
    ),
    auth=AUTH,
    urls_namespace="api",
)
errors.install(api)

api.add_router("/feed", feed.router)
api.add_router("/posts", posts.router)
api.add_router("/communities", communities.router)  # community_admin adds its operations to it
api.add_router("/people", people.router)
api.add_router("/people", privacy_admin.router)  # erasure, for administrators
api.add_router("/notifications", notifications.router)
api.add_router("/questions", questions.router)
api.add_router("/ideas", ideas.router)
api.add_router("/search", search.router)
api.add_router("/tokens", tokens.router)
api.add_router("/announcements", announcements.router)
api.add_router("/alerts", alerts.router)
api.add_router("/files", files.router)
api.add_router("/analytics", analytics.router)
api.add_router("/communities", sources.router)  # a community's news sources
api.add_router("/communities", integrations.router)  # a community's incoming webhooks
api.add_router("/me", privacy.router)  # my data export, my sign-ins
api.add_router("/webhooks", webhooks.router)  # outgoing webhooks (ruche/activities)
