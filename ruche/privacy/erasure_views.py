"""The erasure page: an administrator erases a person's data, after reading what will happen and
typing the person's e-mail (an accident would be final)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ruche.accounts.models import DirectorySettings
from ruche.accounts.policies import is_admin
from ruche.accounts.selectors import access_person
from ruche.privacy import policies
from ruche.privacy.erasure_selectors import erasure_preview
from ruche.privacy.services.erasure import person_erase


class EraseForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Type the person's e-mail address to confirm"), max_length=254, strip=True
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_email(self):
        typed = self.cleaned_data["email"]
        if typed.lower() != self.person.email.lower():
            raise forms.ValidationError(_("This is not the person's e-mail address: nothing was erased."))
        return typed


@login_required
def erase(request, handle: str):
    if not is_admin(request.user):
        raise PermissionDenied
    person = access_person(request.user, handle)
    refusal = "" if policies.can_erase(request.user, person) else policies.erase_refusal(request.user, person)
    form = EraseForm(request.POST or None, person=person)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            person_erase(user=person, by=request.user)
        except PermissionDenied as error:  # someone else was quicker (made them the last admin...)
            refusal = str(error)
        else:
            messages.success(
                request, _("The person's data was erased; they now appear as a former colleague.")
            )
            return redirect(reverse("accounts:people_admin"))
    context = {
        "person": person,
        "form": form,
        "refusal": refusal,
        "keeps": DirectorySettings.current().erasure_keeps_contributions,
        "preview": erasure_preview(person),
    }
    status = 400 if form.errors else (409 if refusal and request.method == "POST" else 200)
    return render(request, "privacy/erase.html", context, status=status)
