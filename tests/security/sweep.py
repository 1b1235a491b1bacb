"""Every URL of the site and every operation of the API, filled from the world and requested as an
outsider: what the outside review did by hand, made automatic so that a URL added later is swept too.

A route's parameters are filled by `SLOTS` (which object a parameter names, from the literal text
before it and its name). A parameter nothing fills is reported as a problem, with the route, unless
the route is in `UNFILLED_ALLOWED`."""

import functools
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.apps import apps
from django.db import connection
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.html import escape

from ruche.accounts.tokens import activation_uid
from ruche.api.api import api
from ruche.notifications.mail import unsubscribe_token
from tests.security.world import MARK, mark

MISSING_ID = 987_654_321  # no row of any table has this id
MISSING_WORD = "zznothinghere"
INTRUDER = "intrus-" + MARK[2:]  # what an outsider's write would carry (no MARK inside)
API_PREFIX = "api/ruche/v1/"
MASTODON_PREFIXES = ("api/v1/", "api/v2/")


@dataclass
class Value:
    text: str  # what goes into the URL
    oracle: bool  # private: the outsider must get what a made-up value gets


@dataclass
class Slot:
    kind: str
    values: list[Value]
    missing: str


# (the route's literal text right before the parameter, the parameter's name) -> kind of object.
# The first match wins: the most specific prefixes come first. API paths are matched on the name only.
SLOT_RULES = [
    # Mastodon's timelines and lists (ruche/mastodon): a list is a community, by id.
    ("timelines/tag/", "hashtag", "tag"),
    ("timelines/list/", "pk", "community_pk"),
    ("lists/", "pk", "community_pk"),
    ("communities/admin/requests/", "pk", "community_pk"),
    ("/webhooks/", "pk", "webhook"),  # manage/webhooks/<pk>/, communities/<slug>/webhooks/<pk>/
    ("activities/", "pk", "activity"),
    ("communities/reports/", "pk", "report"),
    ("/requests/", "pk", "join_request"),
    ("/rules/", "pk", "rule"),
    ("/sources/", "pk", "source"),
    ("/integrations/", "pk", "integration"),
    ("hooks/in/", "public_id", "hook"),
    ("hooks/in//", "secret", "hook_secret"),
    ("alerts/", "pk", "alert"),
    ("files/", "pk", "file"),
    ("/members/", "user_id", "member"),
    ("/members/", "handle", "member_handle"),
    ("/moderation/posts/", "post_id", "post"),
    ("/moderation/replies/", "post_id", "post"),
    ("/pin/", "post_id", "post"),
    ("communities/", "slug", "community"),
    ("notifications/threads/", "pk", "post"),
    ("notifications/", "pk", "notification"),
    ("notifications/unsubscribe/", "token", "unsubscribe"),
    ("ideas/campaigns/", "pk", "campaign"),
    ("ideas/workflows/", "pk", "workflow"),
    ("ideas/", "pk", "idea"),
    ("questions/", "pk", "question"),
    ("answers/", "pk", "answer"),
    ("posts/", "pk", "post"),
    ("tags/", "key", "tag"),
    ("api/v1/tags/", "name", "tag"),
    ("api/v1/media/", "media_id", "file"),
    ("analytics/export/", "key", "analytics_table"),
    ("analytics/tables/", "key", "analytics_table"),
    ("/export/", "key", "community_table"),  # analytics/communities/<slug>/export/<key>.csv
    ("/tables/", "key", "community_table"),  # api/ruche/v1/analytics/communities/{slug}/tables/{key}
    ("skills/", "key", "skill"),
    ("manage/departments/", "pk", "department"),
    ("manage/sites/", "pk", "site"),
    ("org/departments/", "pk", "org_department"),
    ("people/", "handle", "person"),
    ("activate/", "uid", "uid"),
    ("/", "token", "activation_token"),
    ("announcements/", "pk", "announcement"),
    ("rooms/", "pk", "room"),
    ("api-tokens/", "pk", "token"),
    ("me/apps/", "pk", "mastodon_app"),
    ("manage/scim/", "pk", "scim_token"),
    ("scim/v2/Users/", "scim_id", "scim_user"),
    ("scim/v2/Groups/", "scim_id", "scim_group"),
    ("scim/v2/ResourceTypes/", "name", "scim_name"),
    ("scim/v2/Schemas/", "uri", "scim_name"),
    ("scim/v2/", "rest", "scim_rest"),
    ("api/v1/accounts/", "account_id", "account"),
    ("media/", "path", "media"),
    ("", "app_label", "admin_app"),
    ("", "url", "admin_url"),
    ("", "object_id", "admin_object"),
    ("", "content_type_id", "admin_content_type"),
    ("oidc/", "provider_id", "sso_provider"),
    ("oidc/^", "provider_id", "sso_provider"),  # allauth's regex route
    ("saml/", "organization_slug", "sso_provider"),
    ("", "key", "allauth_key"),
    ("", "uidb36", "allauth_key"),
    # the API
    ("", "post_id", "post"),
    ("", "answer_id", "answer"),
    ("", "question_id", "question"),
    ("", "campaign_id", "campaign"),
    ("", "idea_id", "idea"),
    ("", "announcement_id", "announcement"),
    ("", "notification_id", "notification"),
    ("", "request_id", "join_request"),
    ("", "token_id", "token"),
    ("", "alert_id", "alert"),
    ("", "source_id", "source"),
    ("", "integration_id", "integration"),
    ("", "file_id", "file"),
    ("", "webhook_id", "webhook"),
    ("", "slug", "community"),
    ("", "handle", "person"),
]

# Routes whose parameters cannot be filled meaningfully, and why. Keep this list short: every other
# route is swept, and a new route whose parameter nothing fills fails the sweep until it is added
# to SLOT_RULES (preferred) or here (with the reason).
UNFILLED_ALLOWED: dict[str, str] = {}

# Writes an outsider may make on a private community that is listed (not secret): asking to join.
WRITES_ALLOWED = {
    ("POST", "communities/<slug:slug>/request/"),
    ("POST", "api/ruche/v1/communities/{slug}/requests"),
}

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def slots_of(world) -> dict[str, Slot]:
    w = world
    ids = lambda *objs: [Value(str(o.pk), True) for o in objs]  # noqa: E731
    return {
        # A post of a private community, a reply in a secret one, a comment on a restricted idea.
        "post": Slot("post", ids(w.priv, w.sec_reply, w.comment), str(MISSING_ID)),
        "question": Slot("question", ids(w.question), str(MISSING_ID)),
        "answer": Slot("answer", ids(w.answer, w.comment), str(MISSING_ID)),
        "campaign": Slot("campaign", ids(w.campaign), str(MISSING_ID)),
        "idea": Slot("idea", ids(w.idea), str(MISSING_ID)),
        "announcement": Slot("announcement", ids(w.announcement), str(MISSING_ID)),
        "notification": Slot("notification", ids(w.notification), str(MISSING_ID)),
        "join_request": Slot("join_request", ids(w.waiting), str(MISSING_ID)),
        "rule": Slot("rule", ids(w.rule), str(MISSING_ID)),
        "source": Slot("source", ids(w.source), str(MISSING_ID)),
        "integration": Slot("integration", ids(w.integration), str(MISSING_ID)),
        # An incoming webhook's public id is itself random: who holds it may learn that it exists
        # (401 or 403 rather than 404), never post without its secret.
        "hook": Slot("hook", [Value(w.integration.public_id, False)], "0123456789abcdef"),
        "hook_secret": Slot("hook_secret", [Value("made-up-secret", False)], "another-made-up"),
        "alert": Slot("alert", ids(w.alert), str(MISSING_ID)),
        "file": Slot("file", ids(w.private_file, w.waiting_file), str(MISSING_ID)),
        "report": Slot("report", ids(w.report), str(MISSING_ID)),
        "webhook": Slot("webhook", ids(*w.webhooks), str(MISSING_ID)),
        "activity": Slot("activity", ids(*w.activities), str(MISSING_ID)),
        "room": Slot("room", ids(w.room), str(MISSING_ID)),
        "token": Slot("token", ids(w.token), str(MISSING_ID)),
        "mastodon_app": Slot("mastodon_app", ids(w.mastodon_app), str(MISSING_ID)),
        # SCIM answers 401 to anyone without a bearer token, whatever the path names.
        "scim_token": Slot("scim_token", ids(w.scim_token), str(MISSING_ID)),
        "scim_user": Slot("scim_user", ids(w.mia), str(MISSING_ID)),
        "scim_group": Slot("scim_group", [Value(f"d-{w.rnd.pk}", True)], f"d-{MISSING_ID}"),
        "scim_name": Slot("scim_name", [Value("User", False)], MISSING_WORD),
        "scim_rest": Slot("scim_rest", [Value(f"Users/{w.mia.pk}/x", True)], MISSING_WORD),
        # Mastodon's accounts are colleagues (not private), an active one and one not yet activated.
        "account": Slot(
            "account", [Value(str(w.mia.pk), False), Value(str(w.ivan.pk), False)], str(MISSING_ID)
        ),
        "tag": Slot("tag", [Value(t, True) for t in w.tags], MISSING_WORD),
        # A private community is listed (its name and about are for every colleague); a secret one
        # does not exist for them.
        "community": Slot(
            "community", [Value(w.private.slug, False), Value(w.secret.slug, True)], MISSING_WORD
        ),
        "community_pk": Slot("community_pk", ids(w.secret), str(MISSING_ID)),
        # Who belongs to a private community is for its readers: a member is answered as a non-member.
        "member": Slot("member", [Value(str(w.mia.pk), True)], str(w.jules.pk)),
        "member_handle": Slot("member_handle", [Value(w.mia.handle, True)], w.jules.handle),
        "media": Slot(
            "media",
            [
                Value(n, True)
                for n in (
                    w.campaign.cover.name,
                    w.private_file.file.name,
                    w.private_file.thumbnail.name,
                    w.waiting_file.file.name,
                )
            ],
            f"campaigns/{MISSING_WORD}.jpg",
        ),
        # Not private: people, skills, workflows, links carried by e-mails.
        "person": Slot("person", [Value(w.mia.handle, False), Value(w.ivan.handle, False)], MISSING_WORD),
        "skill": Slot("skill", [Value("soudure", False)], MISSING_WORD),
        # Departments and sites are not private; their administration pages are for admins only.
        "department": Slot("department", ids(w.rnd), str(MISSING_ID)),
        "site": Slot("site", ids(w.brest), str(MISSING_ID)),
        # A department's org chart is for every colleague, like the directory.
        "org_department": Slot("org_department", [Value(str(w.rnd.pk), False)], str(MISSING_ID)),
        "analytics_table": Slot(
            "analytics_table", [Value("actives.daily", False), Value("activation.waiting", False)], "no.such"
        ),
        "workflow": Slot("workflow", [Value(str(w.campaign.workflow_id), False)], str(MISSING_ID)),
        "uid": Slot("uid", [Value(activation_uid(w.ivan), False)], "MTIzNDU2Nzg5"),
        "activation_token": Slot("activation_token", [Value("made-up-token", False)], "another-made-up"),
        "unsubscribe": Slot(
            "unsubscribe", [Value(unsubscribe_token(w.mia.pk, "mention"), False)], "made-up.token"
        ),
        "admin_app": Slot("admin_app", [Value("posts", False)], "posts"),
        "admin_url": Slot("admin_url", [Value(f"posts/post/{w.priv.pk}/change/", False)], MISSING_WORD),
        "admin_content_type": Slot("admin_content_type", [Value("1", False)], str(MISSING_ID)),
        "admin_object": Slot("admin_object", ids(w.priv), str(MISSING_ID)),
        "allauth_key": Slot("allauth_key", [Value("made-up", False)], "made-up-too"),
        # Single sign-on providers: named in settings, public (the log-in page shows them).
        "sso_provider": Slot("sso_provider", [Value("company", False)], MISSING_WORD),
        # A table of a community's dashboard: not private (its reader is checked on its own).
        "community_table": Slot(
            "community_table",
            [Value("members.daily", False), Value("unanswered.questions", False)],
            "no.such",
        ),
    }


# Routes -------------------------------------------------------------------------------------------

PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^()]*\)|\{(\w+)\}")


@dataclass
class Route:
    route: str  # as declared: 'posts/<id:pk>/', 'api/ruche/v1/posts/{post_id}'
    name: str
    methods: list[str]
    api: bool = False
    body_schema: dict = field(default_factory=dict)  # API: per method, the JSON body's schema

    def params(self) -> list[tuple[str, str]]:
        """(name, the literal text just before it) of each parameter."""
        found = []
        for match in PARAM.finditer(self.route):
            name = next(g for g in match.groups() if g)
            before = PARAM.sub("", self.route[: match.start()])
            found.append((name, before))
        return found

    def url(self, values: dict[str, str]) -> str:
        def fill(match):
            name = next(g for g in match.groups() if g)
            return quote(values[name], safe="/")

        path = PARAM.sub(fill, self.route).replace("^", "").replace("$", "")
        return "/" + path


def _walk(patterns, prefix="", namespace=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), ":".join((*namespace, pattern.name or "")), pattern


def site_routes() -> list[Route]:
    """Every URL pattern of the site, from Django's resolver; the API's, from its OpenAPI schema."""
    routes, api_routes = [], set()
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(API_PREFIX) and getattr(pattern.callback, "__module__", "") == "ninja.operation":
            api_routes.add(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
            continue
        routes.append(Route(route, name, ["GET", "POST"]))
    schema = openapi()
    swept = set()
    for path, operations in schema["paths"].items():
        route = path.lstrip("/")
        swept.add(route)
        bodies = {
            method.upper(): _body_schema(schema, op)
            for method, op in operations.items()
            if method.upper() in UNSAFE
        }
        routes.append(Route(route, route, [m.upper() for m in operations], api=True, body_schema=bodies))
    missing = api_routes - swept
    assert not missing, f"API routes the OpenAPI schema does not describe (not swept): {sorted(missing)}"
    return routes


@functools.cache
def openapi() -> dict:
    return api.get_openapi_schema()


def _body_schema(schema: dict, operation: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    return _resolve(schema, body)


def _resolve(schema: dict, node: dict) -> dict:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(schema, schema["components"]["schemas"][name])
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def json_body(schema: dict, full: dict, world) -> dict:
    """A plausible body for an API write: each field filled by its name or its type."""
    body = {}
    for name, prop in schema.get("properties", {}).items():
        body[name] = _json_value(full, name, _resolve(full, prop), world)
    return body


def _json_value(full, name, prop, world):
    by_name = {
        "kind": "bravo",
        "role": "owner",
        "accept": True,
        "approve": True,
        "pin": True,
        "hide": True,
        "handle": world.colin.handle,
        "reviewer": world.colin.handle,
        "stage": "Shortlisted",
        "into": world.idea.pk,
        "communities": [world.secret.slug, world.private.slug],
    }
    if name in by_name:
        return by_name[name]
    if "anyOf" in prop:
        prop = _resolve(full, next(p for p in prop["anyOf"] if p.get("type") != "null"))
    kind = prop.get("type")
    if "enum" in prop:
        return prop["enum"][0]
    if kind == "integer":
        return world.idea.pk
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return json_body(prop, full, world)
    return INTRUDER


FORM = {  # what an outsider's form would say; each view reads the fields it knows
    "body": INTRUDER,
    "kind": "bravo",
    "reason": INTRUDER,
    "message": INTRUDER,
    "topic": INTRUDER,
    "title": INTRUDER,
    "description": INTRUDER,
    "comment": INTRUDER,
    "rationale": INTRUDER,
    "name": INTRUDER,
    "accept": "1",
    "approve": "1",
    "decision": "approve",
    "action": "approve",
    "role": "owner",
    "pin": "1",
    "hide": "1",
    "visibility": "public",
}


def probe_query(world, *, missing: bool) -> dict[str, str]:
    """The query string of a list page naming private things (or made-up ones): filters, cursors."""
    w, made_up = world, str(MISSING_ID)
    return {
        "q": mark("secpost"),
        "community": made_up if missing else str(w.secret.pk),
        "tag": MISSING_WORD if missing else w.tags[1],
        "campaign": made_up if missing else str(w.campaign.pk),
        "before": made_up if missing else str(w.sec.pk),
        "after": made_up if missing else str(w.sec.pk),
        "post": made_up if missing else str(w.sec.pk),
    }


def form_body(world) -> dict:
    return {
        **FORM,
        "user": world.colin.pk,
        "handle": world.colin.handle,
        "experts": [world.colin.pk],
        "reviewer": world.colin.pk,
        "stage": world.idea.stage_id,
        "into": world.idea.pk,
    }


# What a request changed -----------------------------------------------------------------------------

VOLATILE = {  # columns any request may touch: the requester's own visit, sign-in, feed and its choice
    "accounts.User": {
        "last_seen_at",
        "last_login",
        "feed_built_at",
        "feed_horizon",
        "feed_filter",
        "feed_order",
        "feed_seen_up_to",
        "feed_unread_after",
        "feed_opened_at",
    },
    "api.ApiToken": {"last_used_at"},
}
# Rows a refused request writes on purpose: the audit log's record of the refusal.
KEPT_OUT = {"communities.AuditEntry": "action NOT LIKE 'refused:%%'"}
# Tables the database writes itself when another table changes (triggers): that other write is
# what is checked. The feed's stamps (ruche/feed/stamps.py) move with the requester's visit.
DERIVED = {"feed.Stamp"}


@functools.cache
def _fingerprint_queries() -> list[tuple[str, str]]:
    """(label, SELECT of the rows) of each of Ruche's tables; on PostgreSQL, one query digesting all."""
    queries, quote = [], connection.ops.quote_name
    for model in apps.get_models():
        if not model.__module__.startswith("ruche.") or not model._meta.managed:
            continue
        if model._meta.label in DERIVED:
            continue
        label, skip = model._meta.label, VOLATILE.get(model._meta.label, set())
        columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields if f.attname not in skip)
        where = f" WHERE {KEPT_OUT[label]}" if label in KEPT_OUT else ""
        pk, table = quote(model._meta.pk.column), quote(model._meta.db_table)
        if connection.vendor == "postgresql":  # one round trip for all tables
            digest = f"md5(coalesce(string_agg(ROW({columns})::text, ',' ORDER BY {pk}), ''))"
            queries.append((label, f"SELECT '{label}', {digest} FROM {table}{where}"))  # noqa: S608
        else:
            queries.append((label, f"SELECT {columns} FROM {table}{where} ORDER BY {pk}"))  # noqa: S608
    if connection.vendor == "postgresql":
        return [("", " UNION ALL ".join(f"({sql})" for _label, sql in queries))]
    return queries


def fingerprint() -> dict[str, int]:
    """A digest of every row of Ruche's tables (raw SQL: this runs around every request)."""
    prints = {}
    with connection.cursor() as cursor:
        for label, sql in _fingerprint_queries():
            cursor.execute(sql)
            if label:
                prints[label] = hash(repr(cursor.fetchall()))
            else:
                prints.update(dict(cursor.fetchall()))
    return prints


def changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


# The sweep -------------------------------------------------------------------------------------------


def leaked(body: str, sent: list[str]) -> bool:
    """Whether MARK is in the answer, once what the request itself sent (echoed back) is removed.
    Only what carries MARK is removed: taking out an id ("2") would cut markers apart."""
    for text in sorted((t for t in sent if MARK in t), key=len, reverse=True):
        for form in {text, quote(text, safe=""), quote(text, safe="/"), escape(text), json.dumps(text)[1:-1]}:
            body = body.replace(form, "")
    return MARK in body


def content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@dataclass
class Sweep:
    world: object
    client: object
    api_headers: dict
    unsafe: bool  # also try the writes
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    state: dict = field(default_factory=dict)

    def run(self) -> list[str]:
        slots = slots_of(self.world)
        logger = logging.getLogger("django.request")  # thousands of expected 403s and 404s
        level, logger.level = logger.level, logging.ERROR
        try:
            self.state = fingerprint()
            for route in site_routes():
                self.sweep_route(route, slots)
        finally:
            logger.setLevel(level)
        return self.problems

    def sweep_route(self, route: Route, slots: dict[str, Slot]) -> None:
        params = route.params()
        filled = {}
        for name, before in params:
            kind = next(
                (k for b, n, k in SLOT_RULES if n == name and (before.endswith(b) or (route.api and not b))),
                None,
            )
            if kind is None:
                if route.route not in UNFILLED_ALLOWED:
                    self.problems.append(f"{route.route} ({route.name}): nothing fills <{name}>")
                return
            filled[name] = slots[kind]
        for method in route.methods:
            if method in UNSAFE and not self._try_writes(route, filled):
                continue
            self.sweep_method(route, method, filled)

    def _try_writes(self, route, filled) -> bool:
        """Writes are tried where the route names something private (a private community included)."""
        return self.unsafe and any(
            v.oracle or slot.kind == "community" for slot in filled.values() for v in slot.values
        )

    def sweep_method(self, route: Route, method: str, filled: dict[str, Slot]) -> None:
        base = {name: slot.values[0].text for name, slot in filled.items()}
        if not filled:
            self.request(route, method, {})
            if method == "GET":  # a list page: its filters and cursors, naming private things
                private = self.request(route, method, {}, query=probe_query(self.world, missing=False))
                missing = self.request(route, method, {}, query=probe_query(self.world, missing=True))
                if private != missing:
                    self.problems.append(
                        f"GET {route.route}?<filters>: private ones answer {private}, made-up ones {missing}"
                    )
            return
        for name, slot in filled.items():
            statuses = defaultdict(list)
            for value in slot.values:
                status = self.request(route, method, {**base, name: value.text}, private=value.oracle)
                if value.oracle:
                    statuses[status].append(value.text)
            missing = self.request(route, method, {**base, name: slot.missing})
            for status, texts in statuses.items():
                if status != missing:
                    self.problems.append(
                        f"{method} {route.route}: <{name}> = private {texts} answers {status}, "
                        f"a made-up one {missing} (an existence oracle)"
                    )

    def request(self, route: Route, method: str, values: dict[str, str], *, private=False, query=None) -> int:
        url = route.url(values) + (f"?{urlencode(query)}" if query else "")
        sent = [*values.values(), *(query or {}).values()]
        before = self.state
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = self._send(route, method, url)
        self.requests += 1
        body = content(response)
        if response.status_code >= 500:
            self.problems.append(f"{method} {url}: server error {response.status_code}")
        if leaked(body, sent):
            at = body.find(MARK)
            self.problems.append(f"{method} {url} ({response.status_code}) shows {body[at : at + 40]!r}")
        self.state = fingerprint()
        writes = changed(before, self.state)
        if writes and not self._write_allowed(route, method, values):
            self.problems.append(f"{method} {url} ({response.status_code}) wrote to {writes}")
        return response.status_code

    def _write_allowed(self, route, method, values) -> bool:
        return (method, route.route) in WRITES_ALLOWED and self.world.secret.slug not in values.values()

    def _send(self, route: Route, method: str, url: str):
        call = getattr(self.client, method.lower())
        if not route.api:
            # Mastodon's client API ignores the session: it is asked with the outsider's token.
            headers = self.api_headers if route.route.startswith(MASTODON_PREFIXES) else {}
            if method == "GET":
                return call(url, headers=headers)
            return call(url, form_body(self.world), headers=headers)
        if method == "GET":
            return call(url, headers=self.api_headers)
        schema = route.body_schema.get(method, {})
        body = json_body(schema, openapi(), self.world) if schema else {}
        return call(url, json.dumps(body), content_type="application/json", headers=self.api_headers)


def query_url(path: str, **params) -> str:
    return f"{path}?{urlencode(params)}"
