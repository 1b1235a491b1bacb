from django import template
from django.conf import settings

from ruche.accounts import sso

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_login(context):
    """The log-in page's single sign-on part: a button per provider, and whether the password form
    shows (always without SSO; with passwords off, only at ?password=1, the superusers' way in)."""
    request = context["request"]
    form = context.get("form")
    buttons = sso.buttons()
    posted = bool(form is not None and form.is_bound)
    show_password = not buttons or settings.PASSWORD_LOGIN or posted or request.GET.get("password") == "1"
    return {"buttons": buttons, "show_password": show_password}
