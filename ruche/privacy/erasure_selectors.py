"""Reads for the personal data pages."""

from ruche.posts.models import Post


def erasure_preview(person) -> dict:
    """What the confirmation page counts: the person's live posts and replies (kept or deleted)."""
    live = Post.objects.filter(author=person, deleted_at__isnull=True)
    return {
        "posts": live.filter(parent__isnull=True).count(),
        "replies": live.filter(parent__isnull=False).count(),
    }
