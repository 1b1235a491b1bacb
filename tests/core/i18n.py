from django.utils import translation


def in_french(message: str, **values) -> str:
    """The French of an English message; it must be translated (not the English text again)."""
    with translation.override("fr"):
        french = translation.gettext(message)
    assert french != message, f"not translated into French: {message!r}"
    return french % values if values else french
