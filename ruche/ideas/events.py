"""What happens to ideas, for the apps above ideas (ruche/core/events.py: who subscribes is in their
AppConfig.ready, and tests/core/test_seams.py pins it)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class IdeaSubmitted:
    """An idea (`idea_id`, its post's id) was submitted to its campaign."""

    idea_id: int
    author_id: int
    campaign_id: int


@dataclass(frozen=True)
class IdeaMoved:
    """An idea moved along its workflow (`transition_id`: the IdeaTransition recorded)."""

    transition_id: int
    idea_id: int
    by_id: int
