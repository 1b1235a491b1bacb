from django.conf import settings
from django.tasks import task
from django.urls import reverse

from ruche.accounts.models import User
from ruche.accounts.tokens import activation_tokens, activation_uid
from ruche.core.outbox import email_queue

# The outbox's kind for invitations: no unsubscribe link (one cannot unsubscribe from being invited).
INVITATION = "invitation"


def activation_url(user: User) -> str:
    path = reverse("accounts:activate", args=[activation_uid(user), activation_tokens.make_token(user)])
    return settings.SITE_URL + path


def invitation_key(user: User) -> str:
    """One e-mail per invitation sent: `invited_at` says which (sending again sets it anew)."""
    sent = user.invited_at or user.date_joined
    return f"{INVITATION}:{sent:%Y%m%d%H%M%S%f}"


@task()
def send_invitation(user_id: int) -> bool:
    """Queue the invitation e-mail in the outbox (sent by the worker, retried while the mail server
    refuses), in the invitee's language, with their activation link. Keyed by the invitation: a task
    run twice queues one e-mail."""
    user = User.objects.select_related("invited_by").filter(pk=user_id, activated_at__isnull=True).first()
    if user is None:
        return False
    email = email_queue(
        recipient=user,
        kind=INVITATION,
        template="accounts/email/invitation",
        context={
            "user": user,
            "inviter": user.invited_by,
            "url": activation_url(user),
            "days": settings.INVITATION_DAYS,
        },
        key=invitation_key(user),
        check_preference=False,
    )
    return email is not None
