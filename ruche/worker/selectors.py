"""Reads of the task table for the administrators' page and dashboard."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from ruche.worker.models import Task

Status = Task.Status


@dataclass(frozen=True)
class QueueFigures:
    waiting: int  # due now
    scheduled: int  # due later (retries after backoff, deferred e-mails)
    running: int
    failed: int
    done_last_day: int
    oldest_waiting: datetime | None  # how far behind the workers are


def queue_figures() -> QueueFigures:
    now = timezone.now()
    figures = Task.objects.aggregate(
        waiting=Count("pk", filter=Q(status=Status.READY, run_after__lte=now)),
        scheduled=Count("pk", filter=Q(status=Status.READY, run_after__gt=now)),
        running=Count("pk", filter=Q(status=Status.RUNNING)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        done_last_day=Count(
            "pk", filter=Q(status=Status.SUCCEEDED, finished_at__gte=now - timedelta(days=1))
        ),
        oldest_waiting=Min("run_after", filter=Q(status=Status.READY, run_after__lte=now)),
    )
    return QueueFigures(**figures)


def failed_count() -> int:
    return Task.objects.filter(status=Status.FAILED).count()


def failed_tasks(*, limit: int = 100):
    return Task.objects.filter(status=Status.FAILED).order_by("-finished_at", "-pk")[:limit]


def running_tasks(*, limit: int = 50):
    return Task.objects.filter(status=Status.RUNNING).order_by("started_at", "pk")[:limit]
