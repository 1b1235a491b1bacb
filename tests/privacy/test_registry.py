"""The personal data registry covers every link from a row to a person (ruche/privacy/registry.py):
a model added later that holds someone's data fails here until it says what its export (and its
erasure) does with it."""

from django.apps import apps
from django.contrib.auth import get_user_model

from ruche.privacy.registry import NOT_EXPORTED, PERSONAL_DATA


def links_to_people() -> set[tuple[str, str]]:
    """Every (model, field) of every installed app (Ruche's, allauth's, Django's admin) that points
    at a person; a many-to-many counts once, by its field (its table is not walked again)."""
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is user_model:
                found.add((model._meta.label, field.name))
    return found


def test_every_link_to_a_person_is_exported_or_says_why_not():
    known = {entry.key for entry in PERSONAL_DATA}
    missing = links_to_people() - known
    assert not missing, f"personal data with no rule in ruche/privacy/registry.py: {sorted(missing)}"


def test_the_registry_names_only_real_links():
    stale = {entry.key for entry in PERSONAL_DATA} - links_to_people()
    assert not stale, f"entries for links that no longer exist: {sorted(stale)}"


def test_one_entry_per_link_and_a_reason_for_each_left_out():
    keys = [entry.key for entry in PERSONAL_DATA]
    assert len(keys) == len(set(keys))
    assert all(reason.strip() for reason in NOT_EXPORTED.values())
    for entry in PERSONAL_DATA:
        assert entry.serialize or entry.reason, entry.key  # written elsewhere: says where


def test_one_file_per_serializer():
    files = [entry.file for entry in PERSONAL_DATA if entry.serialize]
    assert len(files) == len(set(files))
