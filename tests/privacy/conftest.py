import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory

from ruche.accounts.models import Skill
from ruche.accounts.services import signin_record, user_follow
from ruche.alerts.services import alert_create
from ruche.communities.models import Community
from ruche.files.services import attachment_upload
from ruche.ideas import services as ideas
from ruche.notifications.models import Notification
from ruche.posts import services as posts
from ruche.privacy.services.export import zip_write
from ruche.qa.services import answer_accept, question_ask
from tests.files.conftest import PDF, png, upload

SECRET = "Bruno-only: the merger with Ducros is on"  # a colleague's post in a community Alice is not in
BRUNO_REPLY = "Bruno answers Alice in her thread"  # a colleague's reply to Alice's post


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def export_of(user) -> dict[str, bytes]:
    out = io.BytesIO()
    zip_write(user=user, out=out)
    return unzip(out.getvalue())


def loaded(files: dict[str, bytes], name: str):
    return json.loads(files[name].decode("utf-8"))


@pytest.fixture
def world(alice, bruno, chloe, make_community, campaign, author, rnd, side_effects):
    """Alice, with something of every kind; Bruno and Chloé, colleagues with their own private data."""
    bruno.email = "bruno.private@example.org"
    bruno.save()
    profile = alice.profile
    profile.manager, profile.department, profile.job_title, profile.bio = (
        bruno,
        rnd,
        "Quality lead",
        "Laser welding",
    )
    profile.photo.save("me.png", ContentFile(png()), save=False)
    profile.save()
    profile.skills.add(Skill.objects.create(name="Soudure"))
    team = make_community("Équipe qualité", visibility=Community.Visibility.PRIVATE, members=[alice, bruno])
    board = make_community("Comité secret", visibility=Community.Visibility.SECRET, owner=bruno)
    with side_effects():
        report = attachment_upload(uploader=alice, upload=upload("rapport.pdf", PDF))
        mine = posts.post_create(
            author=alice, body="Alice's private note to the team", communities=[team], attachments=[report.pk]
        )
        posts.post_create(author=bruno, body=BRUNO_REPLY, parent=mine)
        bruno_post = posts.post_create(author=bruno, body="Bruno's public post")
        posts.post_create(author=bruno, body=SECRET, communities=[board])
        posts.post_create(author=alice, body="Alice replies to Bruno", parent=bruno_post)
        posts.post_create(author=chloe, body="Chloé's own post")
        posts.reaction_set(post=bruno_post, user=alice, kind="bravo")
        posts.bookmark_set(post=bruno_post, user=alice, saved=True)
        user_follow(follower=alice, followed=bruno)
        user_follow(follower=chloe, followed=alice)  # notifies Alice
        idea = ideas.idea_submit(
            campaign=campaign, author=alice, title="Alice's idea", description="Sort chips"
        )
        other = ideas.idea_submit(
            campaign=campaign, author=author, title="Rémi's idea", description="Rémi's text"
        )
        ideas.idea_vote(idea=other, user=alice)
        alert_create(user=alice, query="soudure laser")
        question = question_ask(author=alice, body="Alice asks: which filler wire?")
        answer = posts.post_create(author=bruno, body="Bruno's answer: ER70S-6", parent=question)
        answer_accept(by=alice, answer=answer)
        bruno_question = question_ask(author=bruno, body="Bruno asks about gas")
        mine_answer = posts.post_create(author=alice, body="Alice answers: argon", parent=bruno_question)
        answer_accept(by=bruno, answer=mine_answer)
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140")
    signin_record(user=alice, request=request)
    signin_record(user=bruno, request=RequestFactory().get("/", REMOTE_ADDR="198.51.100.9"))
    assert Notification.objects.filter(recipient=alice, kind="follow").exists()
    return {
        "mine": mine,
        "bruno_post": bruno_post,
        "idea": idea,
        "other_idea": other,
        "team": team,
        "answer": answer,
    }
