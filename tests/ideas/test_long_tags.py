import pytest
from django.core.exceptions import ValidationError

from ruche.ideas import services
from tests.rows import table_rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("tag", ["t" * 51, "#" + "ﬁ" * 30, "Qualité " * 10])
def test_an_idea_with_a_too_long_tag_is_refused_naming_the_field(campaign, author, tag):
    before = table_rows()
    with pytest.raises(ValidationError) as refused:
        services.idea_submit(
            campaign=campaign, author=author, title="Trier", description="Un bac", tags=["ok", tag]
        )
    assert list(refused.value.message_dict) == ["tags"]
    assert "is too long: 50 characters at most" in refused.value.message_dict["tags"][0]
    assert table_rows() == before
