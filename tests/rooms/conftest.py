import pytest

VIDEO = "https://meet.example.org"


@pytest.fixture(autouse=True)
def _video(settings):
    settings.VIDEO_BASE_URL = VIDEO
