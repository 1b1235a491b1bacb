"""Mastodon's client API and the OAuth server Mastodon apps sign in with (docs/api.md, "Use your
favourite Mastodon app").

The rooms: `oauth.py` (django-oauth-toolkit's views: consent page, token, revoke; scopes; the
validator), `scopes.py` (Mastodon's scopes, a parent grants its children), `tokens.py` (who a
bearer token speaks for: an OAuth token or a personal token), `endpoint.py` (the `@endpoint`
decorator), `pagination.py` (max_id / since_id / min_id and the Link header), `serializers.py`
(Ruche's rows in Mastodon's JSON shapes: `account`, `accounts`, `credential_account`, `statuses`, `status`),
`views.py`, `selectors.py`, `services.py`.

How to add an endpoint
----------------------
1. Write a plain Django view in a module of its own for your resource (`statuses.py`,
   `timelines.py`...), decorated with `@endpoint(methods=("GET",), scopes=("read:statuses",),
   auth=True)`. Read the input from `request.params` (query and body merged; `a[]` arrays are lists,
   `a[b]` nested dicts; JSON, form and multipart bodies alike) and the caller from `request.user`.
   Call Ruche's services, selectors and policies, as the pages do: never a query that decides
   visibility of its own (`posts.policies.visible_posts`, `posts.selectors.access_post`).
2. Answer `JsonResponse(serializers.…)` in Mastodon's shape (ids as strings). For a list, page with
   `pagination.page(request, queryset)` and answer `pagination.paged_response(request, rows, data)`.
3. Raise `Http404` (→ 404 `{"error": "Record not found"}`), `PermissionDenied` (→ 403) or
   `ValidationError` (→ 422 `{"error": "Validation failed: …"}`); the decorator answers them.
4. Add the path to `urls.py` (Mastodon's path exactly, no trailing slash), a slot in
   `tests/security/sweep.py` if it has a parameter, and a test driving it with Mastodon.py
   (`tests/mastodon/conftest.py`: `mastodon_for(user)`).
"""
