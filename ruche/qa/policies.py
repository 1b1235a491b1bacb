"""Who may do what with questions and answers. Built on the posts' and communities' policies."""

from ruche.communities.policies import can_moderate_post
from ruche.posts.policies import can_view_post


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_question(post) -> bool:
    return post.parent_id is None and hasattr(post, "question")


def is_answer(post) -> bool:
    return post.parent_id is not None and is_question(post.parent)


def can_accept(user, answer) -> bool:
    """The asker, or a moderator of the question's community, picks the answer that solved it."""
    if not (_active(user) and is_answer(answer)) or answer.deleted_at or answer.hidden_at:
        return False
    question = answer.parent
    return can_view_post(user, answer) and (
        question.author_id == user.pk or can_moderate_post(user, question)
    )


def may_accept_in_card(user, question_post) -> bool:
    """The same rule as can_accept, from what a hydrated card already knows (`can_moderate`)."""
    return user.pk == question_post.author_id or question_post.can_moderate


def can_vote(user, answer) -> bool:
    """Anyone who can read an answer may vote for it, except on their own."""
    return (
        _active(user)
        and is_answer(answer)
        and answer.author_id != user.pk
        and not answer.hidden_at
        and can_view_post(user, answer)
    )


def can_ask_experts(user, question_post) -> bool:
    return _active(user) and is_question(question_post) and question_post.author_id == user.pk


def may_be_asked(expert, question_post) -> bool:
    """An expert is only called to a question they can read (a private community's stays inside)."""
    return _active(expert) and can_view_post(expert, question_post)
