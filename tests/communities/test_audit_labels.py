"""Every action code written to the audit log has a translated label: the log never shows a raw code."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from ruche.communities.models import AuditEntry
from ruche.communities.services import audit

RUCHE = Path(__file__).resolve().parents[2] / "ruche"


def written_codes() -> set[str]:
    """The string constants passed as the action of every `audit(...)` and `refuse(...)` call."""
    codes = set()
    for path in RUCHE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("audit", "refuse"):
                continue
            constants = [n.value for n in ast.walk(node.args[1]) if isinstance(n, ast.Constant)]
            assert constants, f"{path}:{node.lineno}: the action must be a literal code, found in the source"
            codes.update(constants)
    return codes


def test_every_code_written_has_a_label():
    codes = written_codes()
    assert len(codes) > 30  # the scan found the calls
    assert codes - set(AuditEntry.Action.values) == set()


def test_every_label_is_translated_to_french():
    with translation.override("en"):
        english = [str(label) for label in AuditEntry.Action.labels]
    with translation.override("fr"):
        french = [str(label) for label in AuditEntry.Action.labels]
    assert [en for en, fr in zip(english, french, strict=True) if en == fr] == []


def test_labels_of_refusals_and_unknown_codes():
    with translation.override("fr"):
        assert AuditEntry.label_of("community_create") == "Communauté créée"
        assert AuditEntry.label_of("refused:report_dismiss") == "Refusé : Signalement classé"
    assert AuditEntry.label_of("refused:join") == "Refused: Joined"
    assert AuditEntry.label_of("gone_code") == "gone_code"  # rows written by older versions still show


@pytest.mark.django_db
def test_a_code_without_a_label_is_refused(alice):
    with pytest.raises(ValueError):
        audit(alice, "community_explode")
    assert not AuditEntry.objects.exists()
