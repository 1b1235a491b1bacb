"""The form a community's owner creates an incoming webhook with: it parses; the service checks."""

from django import forms
from django.utils.translation import gettext_lazy as _


class IntegrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Shown as the author of its posts: “CI Jenkins”, “Supervision alerts”."),
    )
    icon = forms.FileField(
        label=_("Icon"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP, 5 MB at most; its initial otherwise."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
