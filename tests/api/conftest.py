import json

import pytest

from ruche.api.services import api_token_create
from tests.communities.conftest import add_member, counts_consistent, governance, make_community  # noqa: F401


class Api:
    """A JSON client for /api/v1/, signed in with a personal token (or not at all)."""

    def __init__(self, client, token: str | None = None, language: str | None = None):
        self.client = client
        self.headers = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if language:
            self.headers["Accept-Language"] = language

    def _call(self, method: str, path: str, data=None, **params):
        url = "/api/v1" + path
        call = getattr(self.client, method)
        if method in {"get", "delete"} and data is None:
            return call(url, params or None, headers=self.headers)
        body = json.dumps(data if data is not None else {})
        return call(url, body, content_type="application/json", headers=self.headers)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, data=None):
        return self._call("post", path, data)

    def put(self, path, data=None):
        return self._call("put", path, data)

    def patch(self, path, data=None):
        return self._call("patch", path, data)

    def delete(self, path, data=None):
        return self._call("delete", path, data)


@pytest.fixture
def token_of(db):
    return lambda user, name="script": api_token_create(user=user, name=name)[1]


@pytest.fixture
def api_as(client, token_of):
    """api_as(alice) is a JSON client calling with a token of Alice's."""
    return lambda user, **kw: Api(client, token_of(user), **kw)


@pytest.fixture
def anonymous_api(client):
    return Api(client)


@pytest.fixture
def queries_of(db):
    """How many queries a call makes (after a first call, so that once-a-while writes are done)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(call) -> tuple[int, object]:
        call()
        with CaptureQueriesContext(connection) as captured:
            result = call()
        return len(captured), result

    return count
