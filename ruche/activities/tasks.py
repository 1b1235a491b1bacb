"""Webhook deliveries, run by the task worker; safe to run twice (a delivery is claimed once)."""

from django.tasks import task

from ruche.activities.services import delivery_attempt


@task()
def webhook_deliver(delivery_id: int) -> str:
    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else "already done"
