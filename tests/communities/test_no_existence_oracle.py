"""What is inside a private community (its placements, join requests, rules, members' roles, reports)
does not exist for someone who cannot read it: the moderators' and managers' URLs answer them 404,
as for an id that does not exist, never a 403 that confirms it (found by tests/security)."""

import json

import pytest

from ruche.accounts.models import Site
from ruche.api.services import api_token_create
from ruche.communities import services
from ruche.communities.models import Community, JoinRequest
from ruche.posts.services import post_create
from tests.rows import table_rows

pytestmark = pytest.mark.django_db
MISSING = 987_654_321


@pytest.fixture
def inside(make_user, make_community):
    olivia, mia, jules = make_user("Olivia", "Owner"), make_user("Mia", "Member"), make_user("Jules", "Asks")
    private = make_community("Atelier", visibility=Community.Visibility.PRIVATE, owner=olivia, members=[mia])
    post = post_create(author=olivia, body="Interne", communities=[private])
    waiting = JoinRequest.objects.create(community=private, user=jules)
    rule = services.rule_add(community=private, by=olivia, site=Site.objects.create(name="Brest"))
    report = services.report_create(by=mia, reason="Hors sujet", post=post)
    return {
        "community": private,
        "mia": mia,
        "post": post,
        "waiting": waiting,
        "rule": rule,
        "report": report,
    }


def _urls(w, made_up: bool) -> list[str]:
    post, request, rule, member, report = (
        [MISSING] * 5
        if made_up
        else [w["post"].pk, w["waiting"].pk, w["rule"].pk, w["mia"].pk, w["report"].pk]
    )
    return [
        f"/communities/atelier/moderation/posts/{post}/",
        f"/communities/atelier/pin/{post}/",
        f"/communities/atelier/requests/{request}/",
        f"/communities/atelier/rules/{rule}/remove/",
        f"/communities/atelier/members/{member}/role/",
        f"/communities/atelier/members/{member}/remove/",
        f"/communities/reports/{report}/hide/",
        f"/communities/reports/{report}/dismiss/",
    ]


def test_an_outsider_gets_404_alike_for_real_and_made_up_ids(client, make_user, inside):
    client.force_login(make_user("Colin", "Colleague"))
    client.get("/")  # the company's settings rows are made once, on a first page
    before = table_rows()
    form = {"approve": "1", "pin": "1", "role": "owner", "reason": "x"}
    real = [client.post(url, form).status_code for url in _urls(inside, made_up=False)]
    made_up = [client.post(url, form).status_code for url in _urls(inside, made_up=True)]
    assert real == made_up == [404] * len(real)
    assert table_rows() == before  # not even a refusal in the audit log: nothing was there


def test_a_member_who_may_not_act_is_still_refused(client, inside):
    client.force_login(inside["mia"])
    assert client.post(f"/communities/atelier/pin/{inside['post'].pk}/", {"pin": "1"}).status_code == 403
    assert client.post(f"/communities/reports/{inside['report'].pk}/dismiss/").status_code == 403


def test_the_api_answers_the_outsider_as_for_a_made_up_id(client, make_user, inside):
    _row, token = api_token_create(user=make_user("Colin", "Colleague"), name="script")
    headers = {"Authorization": f"Bearer {token}"}

    def status(path, body):
        return client.post(
            path, json.dumps(body), content_type="application/json", headers=headers
        ).status_code

    for post, request in [(inside["post"].pk, inside["waiting"].pk), (MISSING, MISSING)]:
        assert status(f"/api/ruche/v1/communities/atelier/moderation/posts/{post}", {"approve": True}) == 404
        assert status(f"/api/ruche/v1/communities/atelier/pins/{post}", {"pin": True}) == 404
        assert (
            status(f"/api/ruche/v1/communities/atelier/requests/{request}/decision", {"approve": True}) == 404
        )
