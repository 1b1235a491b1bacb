"""The task table: the queue, the outbox and the record of background work in one.

A row is written by `Task.enqueue()` in the same transaction as the change it follows, so the work
is decided atomically with the write: a crash after commit delays it, never drops it. Workers
claim rows under a lease they renew while running; a row whose lease ran out (its worker died) is
claimed again. Rows are kept a while after they succeed (the queue's recent history), and failed
rows until an administrator retries or deletes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    class Status(models.TextChoices):
        READY = "ready", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    task_path = models.CharField(max_length=200)
    args_kwargs = models.JSONField()
    queue_name = models.CharField(max_length=32, default="default")
    priority = models.SmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    run_after = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=8)
    # Who runs it, and until when the claim holds unless renewed (heartbeat).
    worker_id = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # A long task's progress (e.g. the last follower reached by a fan-out): a retry resumes from it.
    checkpoint = models.JSONField(null=True, blank=True)
    enqueued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    return_value = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)  # "ExceptionClass: message" of the last failed attempt
    traceback = models.TextField(blank=True)
    # A coalesced task's call (ruche.worker.backend.coalesce), set while the row waits and cleared
    # when a worker takes it: an identical call enqueued meanwhile finds this row and adds nothing.
    coalesce_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        # Whole indexes led by the status, not partial ones: a query's status is a bound parameter,
        # and neither SQLite nor a generic PostgreSQL plan can prove a parameter matches a partial
        # index's condition.
        indexes = [
            # What a worker asks for: the next ready row, by priority then due time.
            models.Index(
                fields=["status", "queue_name", "-priority", "run_after", "id"], name="worker_task_next"
            ),
            # Expired leases (dead workers); the failed and finished lists.
            models.Index(fields=["status", "lease_until"], name="worker_task_lease"),
            models.Index(fields=["status", "-finished_at"], name="worker_task_finished"),
        ]

    def __str__(self):
        return f"{self.task_name} #{self.pk} ({self.status})"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]
