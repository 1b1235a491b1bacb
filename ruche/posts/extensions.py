"""What apps above posts add to its pages, registered in their `AppConfig.ready` so that posts does
not import them (docs/architecture.md, "The rule"):

- a publisher per kind of post the composer offers besides a plain post (qa: "question");
- panels for a post's page (qa: the experts to call on for a question);
- the page that shows the composer again with its errors, when a browser without htmx sent it (web:
  the home page).
"""

from collections.abc import Callable

PUBLISHERS: dict[str, Callable] = {}
DETAIL_PANELS: dict[str, Callable] = {}
_composer_page: list[Callable] = []


def register_publisher(kind: str, publish: Callable) -> None:
    """`publish(*, author, body, client_token, communities, attachments)` -> Post, like `post_create`."""
    PUBLISHERS[kind] = publish


def register_detail_panel(name: str, panel: Callable) -> None:
    """`panel(viewer, post)` -> dict, added to the post page's context."""
    DETAIL_PANELS[name] = panel


def register_composer_page(view: Callable) -> None:
    """`view(request, form=form, status=400)`: the page drawn around a refused composer."""
    _composer_page[:] = [view]


def composer_page() -> Callable | None:
    return _composer_page[0] if _composer_page else None
