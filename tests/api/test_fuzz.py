"""Schemathesis fuzzes every operation of the API, in-process, with a token of a member of a small
company: no server error, no status code the OpenAPI document does not list, every answer as its
schema says. Writes are fuzzed too; each call is rolled back, so every one meets the same data and a
run is the same on every machine (derandomized, a fixed number of cases per operation)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ruche.api.api import api
from ruche.communities.models import Community
from ruche.notifications.models import Notification
from ruche.posts.services import post_create, reaction_set
from ruche.qa.services import question_ask

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 20  # cases per operation (valid, invalid, aimed at real rows): bad values reach each input

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def company(alice, bruno, make_user, make_community, side_effects):
    """A couple of colleagues, a public community Alice owns and a private one she is not in, a few posts,
    a question and its answer, notifications. Returns real values for the operations' path parameters."""
    with side_effects():
        public = make_community("Qualité", owner=alice, members=[bruno])
        private = make_community("Comité", visibility=Community.Visibility.PRIVATE, owner=bruno)
        post = post_create(author=alice, body="Bonjour #qualite @bruno.lefevre", communities=[public])
        post_create(author=bruno, body="Merci @alice.martin !", parent=post)
        reaction_set(post=post, user=bruno, kind="like")
        post_create(author=bruno, body="Réservé au comité", communities=[private])
        question = question_ask(author=bruno, body="Qui connaît **Lean** ?")
        answer = post_create(author=alice, body="Moi !", parent=question)
        make_user("Chloé", "Petit")
    return {
        "post_id": post.pk,
        "question_id": question.pk,
        "answer_id": answer.pk,
        "slug": public.slug,
        "handle": bruno.handle,
        "key": "qualite",
        "notification_id": Notification.objects.filter(recipient=alice).values_list("pk", flat=True).first(),
    }


@pytest.fixture
def app():
    """Django's WSGI handler, keeping the test's database connection open across calls (as Django's
    test client does: the test's transaction lives on it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _cases(operation, known: dict):
    """Valid and invalid input, and valid input aimed at the company's real rows (random ids mostly
    miss, so writes would only ever answer 404)."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = {p.name for p in operation.path_parameters}
    if names and names <= {name for name, value in known.items() if value is not None}:
        aimed = {name: known[name] for name in names}
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=aimed))
    return st.one_of(strategies)


def _fuzz(operation, cases, app, bearer) -> str | None:
    """Runs the operation's cases; the failure found (shrunk to a small case), if any."""

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        with transaction.atomic():  # each call meets the same data
            response = case.call(headers=bearer, app=app)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS, headers=bearer)

    try:
        fuzz()
    except (Exception, BaseExceptionGroup) as failure:  # schemathesis groups its check failures
        return f"{operation.label}: {failure}"
    return None


def test_every_operation_survives_fuzzing(company, app, alice, token_of):
    """One test for all operations: the company is made once, and every failure is told at once."""
    bearer = {"Authorization": f"Bearer {token_of(alice)}"}
    failures = [_fuzz(op, _cases(op, company), app, bearer) for op in OPERATIONS]
    assert not [f for f in failures if f], "\n\n".join(f for f in failures if f)
