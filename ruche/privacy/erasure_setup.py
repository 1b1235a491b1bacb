"""What erasure and retention register at start-up (PrivacyConfig.ready): the profile's admin link
to the erasure page, and the daily retention job."""

from ruche.accounts.sections import ProfileSection, register_profile_section
from ruche.core.periodic import Every, register_periodic

DAY = 24 * 3600


def _erase_link(request, person) -> dict:
    from ruche.privacy.policies import can_erase

    return {"can_erase": can_erase(request.user, person)}


def ready() -> None:
    from ruche.privacy.tasks import retention_enforce_task

    register_profile_section(
        ProfileSection("privacy_erase", "privacy/_erase_link.html", _erase_link, place="card")
    )
    register_periodic("privacy_retention", lambda: Every(DAY, retention_enforce_task.enqueue).tick)
