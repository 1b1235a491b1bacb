"""A small company with something private of every kind, each carrying a marker, built through the
services (so that fan-out, search indexing, notifications, e-mails and live events all run).

Every private text contains `MARK` (followed by a word saying what it is): any page, API answer,
e-mail, notification or live event an outsider gets must be free of it."""

import datetime
import io
import random
import string
from types import SimpleNamespace

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from ruche.accounts.models import Department, ProfileSettings, Site
from ruche.accounts.services import user_activate, user_follow, user_invite
from ruche.activities.models import Activity, WebhookEndpoint
from ruche.alerts.services import alert_create
from ruche.announcements.services import announcement_publish
from ruche.api.services import api_token_create
from ruche.communities import services as communities
from ruche.communities.models import Community, CommunitySettings, Placement
from ruche.files.services import attachment_upload, attachments_attach
from ruche.ideas import services as ideas
from ruche.ideas.models import InnovationManager
from ruche.integrations.services import integration_create, integration_post
from ruche.notifications.models import Notification
from ruche.notifications.services import thread_mute
from ruche.posts.models import Hashtag
from ruche.posts.services import hashtag_follow, post_create, post_share, reaction_set
from ruche.qa.services import answer_accept, answer_vote, question_ask
from ruche.rooms.services import room_start
from ruche.scim.services import token_create as scim_token_create
from ruche.sources.models import Source

MARK = "zq" + "".join(random.choices(string.ascii_lowercase, k=10))  # a word no page holds by chance
Visibility = Community.Visibility


def mark(what: str) -> str:
    return f"{MARK}{what}"


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("cover.jpg", out.getvalue(), content_type="image/jpeg")


def _done():
    """Run what the services left for after commit (tasks run eagerly), as the worker would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def _person(first_name: str, department: str = "", site: str = "", *, activate: bool = True):
    user = user_invite(
        email=f"{first_name.lower()}.{MARK[2:]}@example.com",
        first_name=first_name,
        last_name="Test",
        invited_by=None,
        department=department,
        site=site,
        language="en",
        send=not activate,  # only the one who stays invited gets (and keeps) an invitation e-mail
    )
    if activate:
        user = user_activate(user=user, password="correct-horse-battery")
    return user


def _mastodon_app_allowed_by(user, name):
    """A Mastodon app `user` allowed (one OAuth token of theirs)."""
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from ruche.mastodon.services import app_register

    application, _secret = app_register(name=name, redirect_uris="https://app.example/cb", scopes="read")
    AccessToken.objects.create(
        user=user, application=application, token=f"sweep-{name}", scope="read",
        expires=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    return application


def build_world() -> SimpleNamespace:
    cache.clear()  # nothing cached by an earlier test (whose rows were rolled back) may survive
    rules = CommunitySettings.current()
    rules.creation_policy = CommunitySettings.Creation.EVERYONE
    rules.private_share_max = 100
    rules.private_per_creator_max = 0
    rules.save()
    ProfileSettings.objects.get_or_create(pk=1)  # made on the first page otherwise
    with _done():
        olivia = _person("Olivia", "R&D")  # owns the communities, in the campaign's department
        mia = _person("Mia", "R&D")  # member of everything
        rita = _person("Rita", "R&D")  # on the campaign's committee
        jules = _person("Jules", "Sales")  # asked to join the private community, still waiting
        claire = _person("Claire", "R&D")  # publishes announcements
        manon = _person("Manon")  # innovation manager
        colin = _person("Colin", "Sales")  # THE OUTSIDER: a colleague in none of it
        ivan = _person("Ivan", "Sales", activate=False)  # THE OUTSIDER, invited but not activated yet
        type(claire).objects.filter(pk=claire.pk).update(is_announcer=True)
        claire.refresh_from_db()
        InnovationManager.objects.create(user=manon)
        rnd = Department.objects.get(name="R&D")
        brest = Site.objects.create(name="Brest")
        user_follow(follower=colin, followed=olivia)
        user_follow(follower=colin, followed=mia)

    with _done():
        private = communities.community_create(by=olivia, name="Atelier privé", visibility=Visibility.PRIVATE)
        secret = communities.community_create(
            by=olivia,
            name=f"Omega {mark('secretname')}",
            description=mark("secretabout"),
            visibility=Visibility.SECRET,
        )
        asked = communities.join_request_create(community=private, user=mia, message=mark("askmia"))
        communities.join_request_decide(request=asked, by=olivia, approve=True)
        waiting = communities.join_request_create(community=private, user=jules, message=mark("askjules"))
        invitation = communities.community_invite(community=secret, by=olivia, user=mia)
        communities.invitation_answer(invitation=invitation, user=mia, accept=True)
        communities.community_invite(community=secret, by=olivia, user=rita)  # pending
        rule = communities.rule_add(community=private, by=olivia, site=brest)

    privtag, sectag = mark("privtag"), mark("sectag")
    public_tag = "chantier"  # followed by the outsider; also used in private posts
    with _done():
        public = post_create(author=olivia, body=f"Réunion publique #{public_tag}")
        hashtag_follow(user=colin, hashtag=Hashtag.objects.get(key=public_tag))
        about = f"#{public_tag} @{colin.handle} @{ivan.handle} @{mia.handle}"
        priv = post_create(
            author=olivia, body=f"{mark('privpost')} #{privtag} {about}", communities=[private]
        )
        priv_reply = post_create(author=mia, body=f"{mark('privreply')} #{privtag} {about}", parent=priv)
        # Shared for the whole company by someone the outsider follows, mentioning him: he gets the
        # comment (feeds, notification, e-mail) and never anything of the private original.
        shared = post_share(author=mia, original=priv, body=f"Worth reading, @{colin.handle}")
        # A photo on the private post's reply, and an upload of Mia's not attached yet.
        private_file = attachment_upload(uploader=mia, upload=_photo())
        attachments_attach(kind="post", holder_id=priv_reply.pk, ids=[private_file.pk], by=mia)
        waiting_file = attachment_upload(uploader=mia, upload=_photo())
        sec = post_create(author=olivia, body=f"{mark('secpost')} #{sectag} {about}", communities=[secret])
        sec_reply = post_create(author=mia, body=f"{mark('secreply')} {about}", parent=sec)
        for post in (priv, priv_reply, sec, sec_reply):
            reaction_set(post=post, user=mia if post.author == olivia else olivia, kind="bravo")
        question = question_ask(author=mia, body=f"{mark('question')} ? {about}", communities=[private])
        answer = post_create(author=olivia, body=f"{mark('answer')} {about}", parent=question)
        answer_vote(user=mia, answer=answer)
        answer_accept(by=mia, answer=answer)
        communities.placement_pin(placement=Placement.objects.get(post=priv, community=private), by=olivia)
        report = communities.report_create(by=mia, reason=mark("report"), post=priv)
        thread_mute(user=mia, post=priv)
        room = room_start(by=olivia, community=private, topic=mark("room"))

    now = timezone.now()
    with _done():
        campaign = ideas.campaign_create(
            by=manon,
            title=mark("campaign"),
            brief=mark("brief"),
            starts_at=now - datetime.timedelta(days=1),
            ends_at=now + datetime.timedelta(days=10),
            departments=[rnd],
            reviewers=[rita],
            cover=_photo(),
        )
        campaign = ideas.campaign_open(campaign=campaign, by=manon)
        idea = ideas.idea_submit(
            campaign=campaign,
            author=mia,
            title=mark("idea"),
            description=f"{mark('ideadesc')} #{public_tag} {about}",
            tags=[mark("ideatag")],
        )
        comment = post_create(author=olivia, body=f"{mark('ideacomment')} {about}", parent=idea.post)
        ideas.idea_vote(idea=idea, user=olivia)
        ideas.idea_follow(idea=idea, user=olivia)
        shortlisted = campaign.workflow.stages.get(name="Shortlisted")
        ideas.idea_move(idea=idea, stage=shortlisted, by=manon, rationale=mark("rationale"))
        ideas.review_assign(idea=idea, reviewer=rita, by=manon)
        announcement = announcement_publish(
            author=claire,
            title=mark("announcement"),
            body=mark("announcementbody"),
            departments=[rnd],
            requires_ack=True,
        )
        token, _secret = api_token_create(user=mia, name=mark("token"))
        mastodon_app = _mastodon_app_allowed_by(mia, mark("app"))
        scim_token, _secret = scim_token_create(name=mark("scimtoken"), by=olivia)
    # source_add fetches the feed over the network: the row is made as it would leave it.
    source = Source.objects.create(
        community=private, added_by=olivia, url=f"https://news.example.com/{MARK}.xml", title=mark("source")
    )

    alert = alert_create(user=olivia, query=mark("alert"), community=private)
    # Webhooks as registration leaves them (registering resolves the address over the network).
    company_hook = WebhookEndpoint.objects.create(
        owner=olivia, name=mark("hook"), url=f"https://hooks.example.com/{MARK}", types=["Create"]
    )
    secret_hook = WebhookEndpoint.objects.create(
        owner=olivia,
        community=secret,
        name=mark("secrethook"),
        url=f"https://hooks.example.com/{MARK}/s",
        types=["Create"],
    )
    # An incoming webhook of the private community, and what a business tool posted through it.
    integration = integration_create(community=private, by=olivia, name=mark("integration")).integration
    hookpost = integration_post(integration=integration, text=f"{mark('hookpost')} #{privtag} {about}")

    return SimpleNamespace(
        olivia=olivia,
        mia=mia,
        rita=rita,
        jules=jules,
        claire=claire,
        manon=manon,
        colin=colin,
        ivan=ivan,
        rnd=rnd,
        brest=brest,
        private=private,
        secret=secret,
        waiting=waiting,
        rule=rule,
        public=public,
        priv=priv,
        priv_reply=priv_reply,
        shared=shared,
        sec=sec,
        sec_reply=sec_reply,
        question=question,
        answer=answer,
        report=report,
        room=room,
        campaign=campaign,
        idea=idea,
        comment=comment,
        announcement=announcement,
        token=token,
        mastodon_app=mastodon_app,
        scim_token=scim_token,
        source=source,
        alert=alert,
        webhooks=[company_hook, secret_hook],
        # What was done in private: a post of the private community, a reply in the secret one, a
        # comment on the restricted idea, joining the secret community.
        activities=[
            Activity.objects.filter(post=priv).first(),
            Activity.objects.filter(post=sec_reply).first(),
            Activity.objects.filter(post=comment).first(),
            Activity.objects.filter(type=Activity.Type.JOIN, community=secret).first(),
        ],
        integration=integration,
        private_file=private_file,
        waiting_file=waiting_file,
        tags=[privtag, sectag, mark("ideatag")],
        public_tag=public_tag,
        notification=Notification.objects.filter(recipient=mia).order_by("pk").first(),
        private_posts=[priv, priv_reply, sec, sec_reply, question, answer, idea.post, comment, hookpost],
    )
