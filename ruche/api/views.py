"""The "API tokens" page: create a token (shown once), see when each was last used, revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ruche.api import selectors, services
from ruche.core.views import apply_errors


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the new token"),
        max_length=100,
        help_text=gettext_lazy("What it is for, e.g. “weekly report script”."),
    )


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            created = {"token": token, "secret": raw}
            form = TokenForm()
    context = {"form": form, "created": created, "tokens": selectors.tokens_of(request.user)}
    response = render(request, "api/tokens.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the page may hold a secret shown once
    return response


@login_required
@require_POST
def revoke(request, pk: int):
    token = selectors.token_of(request.user, pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")
