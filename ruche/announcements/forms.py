"""The form to publish an announcement: it parses input; the service decides and writes."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.accounts.models import Department, Site
from ruche.announcements.policies import targetable_communities
from ruche.announcements.services import TITLE_MAX
from ruche.communities.models import Community
from ruche.core.ids import IdsField

DEFAULT_DAYS = 14


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    everyone = forms.BooleanField(label=_("Everyone in the company"), required=False)
    departments = IdsField(
        label=_("Departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sites = IdsField(
        label=_("Sites"), queryset=Site.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    communities = IdsField(
        label=_("Members of communities"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Private and secret communities only if you belong to them."),
    )
    requires_ack = forms.BooleanField(
        label=_("Ask everyone to confirm “I have read this”"),
        required=False,
        help_text=_("It stays pinned at the top of their feed until they confirm."),
    )
    expires_at = forms.DateField(
        label=_("Pinned until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Included. Leave empty to keep it until it is read."),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"expires_at": timezone.localdate() + timedelta(days=DEFAULT_DAYS)})
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = targetable_communities(user, Community.objects.order_by("name"))

    def expiry(self) -> datetime | None:
        day = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "everyone": data["everyone"],
            "departments": data["departments"],
            "sites": data["sites"],
            "communities": data["communities"],
            "requires_ack": data["requires_ack"],
            "expires_at": self.expiry(),
        }
