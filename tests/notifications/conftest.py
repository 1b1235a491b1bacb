import pytest


@pytest.fixture
def smtp(smtp, settings):
    """The shared SMTP server (tests/fixtures/mail.py), with links in e-mails on a known address."""
    settings.SITE_URL = "https://ruche.example.com"
    return smtp
