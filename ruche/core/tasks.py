"""Side effects run after commit, as tasks: never inside the transaction that caused them."""

from functools import partial

from django.db import transaction
from django.tasks import Task


def enqueue_on_commit(task: Task, **kwargs) -> None:
    transaction.on_commit(partial(task.enqueue, **kwargs))
