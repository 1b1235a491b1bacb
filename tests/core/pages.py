"""Builders for list pages of realistic weight, shared by the query-count pins."""

from ruche.posts.services import post_create, reaction_set

KINDS = ["like", "bravo", "love", "insightful", "funny"]


def busy_posts(authors, others, n: int, *, body: str = "Message {i} #qualite", replies: int = 4):
    """`n` posts by `authors` in turn, each with replies and reactions from several `others`."""
    posts = []
    for i in range(n):
        post = post_create(author=authors[i % len(authors)], body=body.format(i=i))
        for j in range(replies):
            reply = post_create(author=others[(i + j) % len(others)], body=f"Réponse {j} à {i}", parent=post)
            reaction_set(post=reply, user=others[(i + j + 1) % len(others)], kind=KINDS[j % len(KINDS)])
        for j, person in enumerate(others):
            reaction_set(post=post, user=person, kind=KINDS[(i + j) % len(KINDS)])
        posts.append(post)
    return posts
