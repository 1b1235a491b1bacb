import uuid

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


class ShareForm(forms.Form):
    """Share a post with a comment, into one community or to one's followers and the company feed."""

    body = forms.CharField(
        label=_("Your comment"),
        required=False,  # a share may go without a word
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "data-autocomplete": "",
                "placeholder": _("Say why it matters… @ to mention, # for a topic"),
            }
        ),
        max_length=settings.POST_MAX_LENGTH,
    )
    destination = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Share with"),
        help_text=_(
            "Sharing never widens who may read the post: whoever may not read it sees “not available”."
        ),
    )
    # A fresh token with each blank form: a double-submitted page shares once.
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from ruche.communities.selectors import composer_choices

        self.user = user
        # In our model a post in no community is for the whole company, and reaches one's followers.
        everyone = [("", _("My followers and the company feed"))]
        self.fields["destination"].choices = everyone + [(c["pk"], c["name"]) for c in composer_choices(user)]

    def chosen_communities(self):
        from ruche.communities.selectors import postable_communities

        pk = self.cleaned_data.get("destination")
        return [c for c in postable_communities(self.user) if c.pk == pk] if pk else []
