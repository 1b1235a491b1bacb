"""Webhook deliveries, run by the task worker; safe to run twice (a delivery is claimed once)."""

from django.tasks import task

from ruche.activities.services import deliveries_trim, delivery_attempt
from ruche.worker.backend import coalesce


@task()
def webhook_deliver(delivery_id: int) -> str:
    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else "already done"


@coalesce
@task()
def webhook_deliveries_trim() -> int:
    return deliveries_trim()
