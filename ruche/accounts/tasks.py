from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from ruche.accounts.models import User
from ruche.accounts.tokens import activation_tokens, activation_uid


def activation_url(user: User) -> str:
    path = reverse("accounts:activate", args=[activation_uid(user), activation_tokens.make_token(user)])
    return settings.SITE_URL + path


@task()
def send_invitation(user_id: int) -> bool:
    """The invitation e-mail, in the invitee's language, with their activation link."""
    user = User.objects.select_related("invited_by").filter(pk=user_id, activated_at__isnull=True).first()
    if user is None:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "inviter": user.invited_by,
            "url": activation_url(user),
            "site_name": settings.SITE_NAME,
            "days": settings.INVITATION_DAYS,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
