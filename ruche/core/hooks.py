"""Providers: how a lower app reads an answer only a higher app knows, without importing it.

The lower app declares the question as a `Hook` where it needs it
(`campaign_readers = Hook("posts.campaign_readers")` in ruche/posts/policies.py) and calls it like a
function; exactly one higher app provides the answer in its `AppConfig.ready`
(`campaign_readers.provide(ideas.policies.campaign_viewers)`). Unlike an event, a hook returns a
value, has one provider, and calling it before anyone provided it is an error: a rule that is
missing must never read as "no rule" (docs/architecture.md, "Seams").
"""

from collections.abc import Callable

_hooks: list["Hook"] = []


class Hook[**P, R]:
    def __init__(self, name: str):
        self.name = name
        self.provider: Callable[P, R] | None = None
        _hooks.append(self)

    def provide(self, provider: Callable[P, R]) -> None:
        if self.provider is not None and self.provider is not provider:
            raise RuntimeError(f"{self.name} is already provided by {self.provider.__qualname__}")
        self.provider = provider

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.provider is None:
            raise RuntimeError(f"nobody provides {self.name}: is its app installed and ready?")
        return self.provider(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"


def all_hooks() -> list[Hook]:
    """Every hook declared so far (for the test that each one has its provider)."""
    return list(_hooks)
