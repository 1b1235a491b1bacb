"""What happens to questions, for the apps above qa (ruche/core/events.py: who subscribes is in their
AppConfig.ready, and tests/core/test_seams.py pins it)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerAccepted:
    """`by` marked `answer_id` as the answer that solved its question (switching counts again)."""

    answer_id: int
    by_id: int
