"""Small helpers shared by the routers: fetch-or-404 through the policies, and the error responses."""

from django.http import Http404

from ruche.accounts.models import User
from ruche.api.errors import Error
from ruche.posts.models import Post
from ruche.posts.policies import can_view_post

# The error responses every operation may give, for the OpenAPI description.
READ_ERRORS = {401: Error, 404: Error, 422: Error}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def post_or_404(viewer, pk: int) -> Post:
    """A post or a reply the viewer may see; 404 for the others, which the viewer may not know exist."""
    post = Post.objects.select_related("author", "parent").filter(pk=pk).first()
    if post is None or not can_view_post(viewer, post):
        raise Http404
    return post


def person_or_404(handle: str) -> User:
    person = User.objects.select_related("profile").filter(handle=handle).first()
    if person is None:
        raise Http404
    return person
