from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    """A bearer token an identity provider presents. Only its SHA-256 is kept: the secret is shown once."""

    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("SCIM token")

    def __str__(self):
        return self.name


class ScimUser(models.Model):
    """What SCIM says of a person that Ruche's profile does not hold, and when it last changed.

    A row exists once SCIM or a change of the person (accounts.events.PeopleChanged) touched them;
    without one, userName is the e-mail address and lastModified the date they joined."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    # Blank: the e-mail address. As the client spelled it, unique whatever the case (caseExact false).
    user_name = models.CharField(max_length=255, blank=True)
    employee_number = models.CharField(max_length=64, blank=True)
    last_modified = models.DateTimeField(default=timezone.now)
    # DELETE by the identity provider: the person is deactivated in Ruche (a former colleague, their
    # words stay) and the resource answers 404 to SCIM from then on (RFC 7644 §3.6).
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("user_name"), condition=~models.Q(user_name=""), name="scim_user_name_once"
            )
        ]


class ScimGroup(models.Model):
    """A department or a community as SCIM sees it: its externalId and when SCIM last changed it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "d", _("department")
        COMMUNITY = "c", _("community")

    kind = models.CharField(max_length=1, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    external_id = models.CharField(max_length=255, blank=True)
    last_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="scim_group_once")]
