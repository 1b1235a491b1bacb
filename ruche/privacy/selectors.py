from ruche.accounts.models import SignIn
from ruche.privacy.models import DataExport

SIGNINS_SHOWN = 50


def latest_export(*, user) -> DataExport | None:
    """The person's latest export, whatever its state (the My data page and the API show it)."""
    return DataExport.objects.filter(user=user).order_by("-id").first()


def my_signins(*, user, limit: int = SIGNINS_SHOWN) -> list[SignIn]:
    return list(SignIn.objects.filter(user=user).order_by("-at", "-id")[:limit])
