"""Forms of the innovation pages: they parse input; services decide and write."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ruche import resolvers
from ruche.accounts.models import Department, Site
from ruche.communities.models import Community
from ruche.core.ids import IdsField
from ruche.ideas.models import Campaign, Stage, Workflow


class HandlesField(forms.CharField):
    """People by handle, separated by commas or spaces (`@marie.dupont, paul`)."""

    def clean(self, value):
        return resolvers.people(resolvers.handles_in(super().clean(value)), field=None)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    brief = forms.CharField(
        label=_("Question or brief"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. What you ask, why, and what a good idea looks like."),
    )
    cover = forms.ImageField(label=_("Cover image"), required=False)
    starts_at = forms.DateTimeField(label=_("Start"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("End"), widget=DateTimeInput())
    everyone = forms.BooleanField(label=_("The whole company"), required=False)
    departments = IdsField(
        label=_("Departments"), queryset=Department.objects.order_by("name"), required=False
    )
    sites = IdsField(label=_("Sites"), queryset=Site.objects.order_by("name"), required=False)
    communities = IdsField(
        label=_("Communities (their members)"), queryset=Community.objects.none(), required=False
    )
    people = HandlesField(label=_("People (handles)"), required=False, max_length=2000)
    audience = forms.ChoiceField(
        label=_("Who may see, vote and comment"),
        choices=Campaign.Audience.choices,
        initial=Campaign.Audience.POPULATION,
        widget=forms.RadioSelect,
    )
    workflow = forms.ModelChoiceField(
        label=_("Workflow"),
        queryset=Workflow.objects.order_by("-is_default", "name"),
        required=False,
        empty_label=None,
        help_text=_("The stages its ideas go through (admins edit workflows)."),
    )
    managers = HandlesField(label=_("Other campaign managers (handles)"), required=False, max_length=2000)
    reviewers = HandlesField(label=_("Review committee (handles)"), required=False, max_length=2000)

    def __init__(self, *args, user=None, existing=False, **kwargs):
        super().__init__(*args, **kwargs)
        from ruche.communities.policies import listed_communities

        self.fields["communities"].queryset = listed_communities(user, Community.objects.all()).order_by(
            "name"
        )
        if existing:
            del self.fields["workflow"]  # a campaign keeps its workflow: its ideas are in its stages

    @classmethod
    def for_campaign(cls, campaign: Campaign, user, data=None, files=None):
        targets = list(campaign.targets.select_related("user"))
        initial = {
            "title": campaign.title,
            "brief": campaign.brief,
            "starts_at": campaign.starts_at,
            "ends_at": campaign.ends_at,
            "everyone": campaign.everyone,
            "departments": [t.department_id for t in targets if t.department_id],
            "sites": [t.site_id for t in targets if t.site_id],
            "communities": [t.community_id for t in targets if t.community_id],
            "people": ", ".join(t.user.handle for t in targets if t.user_id),
            "audience": campaign.audience,
            "managers": ", ".join(u.handle for u in campaign.managers.exclude(pk=user.pk)),
            "reviewers": ", ".join(u.handle for u in campaign.reviewers.all()),
        }
        return cls(data, files, initial=initial, user=user, existing=True)


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown, @mentions welcome."),
        max_length=10000,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas: énergie, atelier")
    )
    coauthors = HandlesField(
        label=_("Co-authors (handles)"),
        required=False,
        max_length=1000,
        help_text=_("They are invited, and accept or decline."),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.waiting = []  # files uploaded for this idea, shown again after a refusal

    def tag_names(self) -> list[str]:
        return [t for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class MoveForm(forms.Form):
    stage = forms.CharField(label=_("Move to"), max_length=80)
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a decision (approved, rejected, parked): it is shown to everyone."),
    )

    def __init__(self, *args, workflow_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workflow_id = workflow_id

    def clean_stage(self) -> Stage:
        """By id (the page's list) or by name; whether the move is allowed is the service's rule."""
        return resolvers.stage(self.workflow_id, self.cleaned_data["stage"], field=None)


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    terminal = forms.BooleanField(label=_("Terminal (the journey ends here)"), required=False)
    decision = forms.BooleanField(label=_("Decision (a rationale is required)"), required=False)
