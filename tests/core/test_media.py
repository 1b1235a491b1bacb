"""Every upload folder has a rule saying who may read its files (ruche/core/media.py)."""

import pytest
from django.apps import apps
from django.db import models

from ruche.core import media


def test_every_upload_folder_has_a_reading_rule():
    """A new upload field without a rule would be served to nobody; one with a rule to the right people."""
    folders = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                sample = field.generate_filename(model(), "x.jpg")
                folders.add(sample.split("/", 1)[0])
    assert folders and folders <= set(media._readers), folders - set(media._readers)


@pytest.mark.parametrize("path", ["/media/elsewhere/x.jpg", "/media/../config/settings.py", "/media/photos/"])
def test_nothing_outside_a_registered_folder_is_served(client, alice, path):
    client.force_login(alice)
    assert client.get(path).status_code == 404
