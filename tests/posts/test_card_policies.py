"""The card's Edit and Delete links are the posts policies' answer, not a rule of the template's."""

from ruche.posts.services import post_create


def test_delete_link_for_author_and_admin_only(client, alice, bruno, admin):
    post = post_create(author=bruno, body="Bonjour")
    reply = post_create(author=bruno, body="Re", parent=post)
    links = (f"/posts/{post.pk}/delete/", f"/posts/{reply.pk}/delete/")
    for viewer, shown in ((alice, False), (bruno, True), (admin, True)):
        client.force_login(viewer)
        page = client.get(f"/posts/{post.pk}/").content.decode()
        assert all((link in page) is shown for link in links), viewer
        assert (f"/posts/{post.pk}/edit/" in page) is (viewer == bruno)
