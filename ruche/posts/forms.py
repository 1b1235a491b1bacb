from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ruche.posts.models import Reaction


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "data-autocomplete": "",
                "placeholder": _(
                    "Share news, ask a question, thank a colleague… @ to mention, # for a topic"
                ),
            }
        ),
        max_length=settings.POST_MAX_LENGTH,
        required=False,  # a message may be only its files: the service decides (posts.services._clean_body)
    )
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    communities = forms.TypedMultipleChoiceField(coerce=int, required=False, label=_("Publish in"))
    # A question is a post that waits for answers (ruche.qa): same text, same audience.
    kind = forms.ChoiceField(
        choices=[("post", _("Post")), ("question", _("Question"))], required=False, label=_("Kind")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.waiting = []  # files uploaded for this message (ruche.files), shown again after a refusal
        from ruche.communities.selectors import composer_choices

        self.user = user
        self.postable = composer_choices(user) if user is not None else []  # pk, name, visibility
        self.fields["communities"].choices = [(c["pk"], c["name"]) for c in self.postable]

    @property
    def is_question(self) -> bool:
        return self.cleaned_data.get("kind") == "question"

    def chosen_communities(self):
        from ruche.communities.selectors import postable_communities

        ids = set(self.cleaned_data.get("communities") or [])
        return [c for c in postable_communities(self.user) if c.pk in ids] if ids else []


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 1, "data-autocomplete": "", "placeholder": _("Write a reply…")}),
        max_length=settings.POST_MAX_LENGTH,
        required=False,
    )
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.waiting = []


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)
