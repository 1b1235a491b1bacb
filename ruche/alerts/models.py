from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    """A saved search ("soudure laser", in the Production community or everywhere): new content the
    person may read that holds all its words notifies them, once per post."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    query = models.CharField(_("words"), max_length=200)
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    term_count = models.PositiveSmallIntegerField()  # a post matches when it holds this many terms
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keyword alert")
        verbose_name_plural = _("keyword alerts")

    def __str__(self):
        return self.query


class AlertTerm(models.Model):
    """One word of an alert, indexed: a new post finds the alerts it matches in one query, by its
    own words, however many alerts there are."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["term"], name="alert_term")]
        constraints = [models.UniqueConstraint(fields=["alert", "term"], name="alert_term_once")]
