"""Questions follow their replies (ruche/core/events.py; registered in QaConfig.ready)."""

from ruche.core.events import subscribe
from ruche.posts.events import PostDeleted, PostPublished
from ruche.qa import services


def register() -> None:
    subscribe(PostPublished, note_answer)
    subscribe(PostDeleted, forget_answer)


def note_answer(event: PostPublished) -> None:
    if event.post.parent_id is not None:
        services.question_note_answer(reply=event.post)


def forget_answer(event: PostDeleted) -> None:
    if event.post.parent_id is not None:
        services.question_forget_answer(answer=event.post)
