"""`readers_among(post, people)` asks `can_view_post` of many people at once (a notice to a crowd):
it must give the same answers, for every kind of post and every kind of person."""

import pytest
from django.utils import timezone

from ruche.communities.models import Community, Placement
from ruche.ideas import services as ideas
from ruche.posts.models import Post
from ruche.posts.policies import can_view_post, readers_among, readers_of
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db
Visibility = Community.Visibility


def _people(request) -> dict:
    """Colleagues of every sort: members of some communities or none, an admin, a former colleague,
    people in a campaign's population or outside it, its manager and reviewer."""
    make_user = request.getfixturevalue("make_user")
    member, secret_member, gone = (
        make_user("Mia", "Member"),
        make_user("Sid", "Secret"),
        make_user("Gil", "Gone"),
    )
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    found = {"member": member, "secret_member": secret_member, "gone": gone}
    for name in ("admin", "author", "voter", "outsider", "manager", "reviewer"):
        found[name] = request.getfixturevalue(name)
    return found


def _posts(request, people) -> dict[str, Post]:
    community, new_campaign = (request.getfixturevalue(f) for f in ("make_community", "make_campaign"))
    writer, member, secret_member = people["author"], people["member"], people["secret_member"]
    public = community("Public", owner=writer)
    private = community("Private", visibility=Visibility.PRIVATE, owner=writer, members=[member])
    secret = community("Secret", visibility=Visibility.SECRET, owner=writer, members=[secret_member])
    found = {
        "anywhere": post_create(author=writer, body="Pour tous"),
        "public community": post_create(author=writer, body="Public", communities=[public]),
        "private community": post_create(author=writer, body="Privé", communities=[private]),
        "private and public": post_create(author=writer, body="Les deux", communities=[private, public]),
        "secret community": post_create(author=writer, body="Secret", communities=[secret]),
        "hidden": post_create(author=writer, body="Masqué"),
        "deleted": post_create(author=writer, body="Effacé"),
        "pending": post_create(author=writer, body="En attente", communities=[public]),
        "rejected": post_create(author=writer, body="Refusé", communities=[private]),
    }
    for name in ("anywhere", "private community", "secret community", "hidden", "deleted"):
        found[f"reply in {name}"] = post_create(author=writer, body="Réponse", parent=found[name])
    found["reply awaiting approval"] = post_create(
        author=people["voter"], body="À modérer", parent=found["anywhere"]
    )
    Placement.objects.filter(post=found["pending"]).update(status=Placement.Status.PENDING)
    Placement.objects.filter(post=found["rejected"]).update(status=Placement.Status.REJECTED)
    Post.objects.filter(pk=found["hidden"].pk).update(hidden_at=timezone.now())
    Post.objects.filter(pk=found["deleted"].pk).update(deleted_at=timezone.now())
    Post.objects.filter(pk=found["reply awaiting approval"].pk).update(awaiting_approval=True)
    aimed = request.getfixturevalue("campaign")  # at R&D, where the author and the voter are
    idea = ideas.idea_submit(campaign=aimed, author=writer, title="Trier", description="Un bac.")
    found["idea"] = idea.post
    found["comment on an idea"] = post_create(author=people["voter"], body="Oui", parent=idea.post)
    draft = new_campaign(open=False, title="Brouillon")
    found["post of a campaign not open yet"] = post_create(
        author=people["manager"], body="Prêt ?", campaign=draft
    )
    wider = new_campaign(title="Pour tous", audience="everyone")
    found["post of a campaign open to everyone"] = post_create(author=writer, body="Tous", campaign=wider)
    return {name: Post.objects.select_related("parent").get(pk=p.pk) for name, p in found.items()}


def test_readers_among_answers_as_can_view_post(request):
    people = _people(request)
    ids = [p.pk for p in people.values()]
    sizes = set()
    for name, post in _posts(request, people).items():
        expected = {p.pk for p in people.values() if can_view_post(p, post)}
        assert readers_among(post, ids) == expected, name
        sizes.add(len(expected))
    assert len(sizes) >= 4  # the cases are not all alike: for everyone, for some, for the author only...


def test_readers_among_costs_the_same_for_many(make_user, request, django_assert_max_num_queries):
    writer = make_user("Will", "Writer")
    crowd = [make_user(f"P{i}", "Crowd") for i in range(30)]
    community = request.getfixturevalue("make_community")
    private = community("Private", visibility=Visibility.PRIVATE, owner=writer, members=crowd[:10])
    post = post_create(author=writer, body="Privé", communities=[private])
    reply = Post.objects.select_related("parent").get(
        pk=post_create(author=crowd[0], body="R", parent=post).pk
    )
    with django_assert_max_num_queries(5):
        assert readers_among(reply, [u.pk for u in crowd]) == {u.pk for u in crowd[:10]}


def test_readers_of_many_posts_answers_as_can_view_post(request, django_assert_max_num_queries):
    people = _people(request)
    ids = [p.pk for p in people.values()]
    posts = _posts(request, people)
    # Three campaigns among the posts: two queries each, besides the people, placements, members.
    with django_assert_max_num_queries(3 + 2 * 3):
        readers = readers_of(posts.values(), ids)
    for name, post in posts.items():
        assert readers[post.pk] == {p.pk for p in people.values() if can_view_post(p, post)}, name
