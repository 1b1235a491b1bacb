import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded photos go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(english_company):
    """Anonymous pages speak the company's language (French by default): these tests read English."""


@pytest.fixture
def rules(admin, django_capture_on_commit_callbacks):
    """Make these profile items mandatory, as an admin would."""
    from ruche.accounts import services

    def make(*keys):
        with django_capture_on_commit_callbacks(execute=True):
            return services.profile_settings_update(by=admin, mandatory=list(keys))

    return make
