import pytest

from tests.communities.conftest import add_member, governance, make_community  # noqa: F401

VIDEO = "https://meet.example.org"


@pytest.fixture(autouse=True)
def _video(settings):
    settings.VIDEO_BASE_URL = VIDEO
