import json

import pytest

from ruche.scim import services

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """A SCIM client over Django's test client, with a bearer token and no session."""

    def __init__(self, client, secret):
        self.client, self.secret = client, secret

    def _headers(self, headers):
        base = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"} if self.secret else {}
        return {**base, **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}}

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/scim/v2/{path}", params or {}, **self._headers(headers))

    def _send(self, method, path, body, headers):
        data = json.dumps(body) if body is not None else ""
        return getattr(self.client, method)(
            f"/scim/v2/{path}", data, content_type=SCIM, **self._headers(headers)
        )

    def post(self, path, body, headers=None):
        return self._send("post", path, body, headers)

    def put(self, path, body, headers=None):
        return self._send("put", path, body, headers)

    def patch(self, path, operations, headers=None):
        return self._send("patch", path, {"schemas": [PATCH], "Operations": operations}, headers)

    def delete(self, path, headers=None):
        return self.client.delete(f"/scim/v2/{path}", **self._headers(headers))


@pytest.fixture
def scim_token(db, admin):
    _token, secret = services.token_create(name="Entra ID", by=admin)
    return secret


@pytest.fixture
def scim(client, scim_token):
    return Scim(client, scim_token)


def new_user(user_name="bjensen@example.com", **extra):
    body = {
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
    }
    body.update(extra)
    return body
