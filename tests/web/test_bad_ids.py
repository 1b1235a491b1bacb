"""Numbers beyond a bigint in a page's path, query string or form: 404 or a form error, never a database
error (SQLite cannot bind them: "Python int too large to convert to SQLite INTEGER")."""

import importlib
import pkgutil

import pytest
from django import forms

import ruche
from ruche.core.ids import ID_MAX, IdsField
from tests.rows import table_rows

BEYOND = str(ID_MAX + 1)
HUGE = str(10**30)


@pytest.fixture
def signed_in(client, admin):
    client.force_login(admin)
    client.get("/")  # the company's settings rows are made once, on a first page
    return client


@pytest.mark.parametrize(
    "path",
    [
        f"/?before={HUGE}",
        f"/company/?before={BEYOND}",
        f"/questions/?before={BEYOND}",
        f"/notifications/?before={HUGE}",
        f"/announcements/?before={HUGE}",
        f"/people/?department={HUGE}&site={HUGE}&skill={HUGE}",
        f"/people/?page={HUGE}",
        f"/search/?q=x&community={HUGE}&department={HUGE}&site={HUGE}",
        f"/communities/?after={HUGE}",
        f"/communities/admin/audit/?community={HUGE}",
        f"/ideas/?page={HUGE}",
        "/?before=-5",
    ],
)
def test_a_number_beyond_a_bigint_in_a_query_string_is_no_error(signed_in, path):
    assert signed_in.get(path).status_code in {200, 400}


@pytest.mark.parametrize(
    "path",
    [
        f"/posts/{BEYOND}/",
        f"/posts/{HUGE}/reactions/",
        f"/rooms/{HUGE}/",
        f"/ideas/{HUGE}/",
        f"/communities/admin/requests/{HUGE}/",
        f"/me/api-tokens/{HUGE}/revoke/",
    ],
)
def test_an_id_beyond_a_bigint_in_a_path_is_not_found(signed_in, path):
    assert signed_in.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "fields", "field"),
    [
        ("/announcements/new/", {"title": "T", "body": "B", "departments": [HUGE]}, "departments"),
        ("/ideas/campaigns/new/", {"title": "T", "sites": [BEYOND]}, "sites"),
        ("/ideas/campaigns/new/", {"title": "T", "communities": ["1", HUGE]}, "communities"),
    ],
)
def test_an_id_beyond_a_bigint_in_a_form_is_an_invalid_choice(signed_in, path, fields, field):
    before = table_rows()
    response = signed_in.post(path, fields)
    assert response.status_code in {200, 400}
    assert field in response.context["form"].errors
    assert table_rows() == before


def _form_classes():
    for module in pkgutil.walk_packages(ruche.__path__, "ruche."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [cls for cls in subclasses(forms.BaseForm) if cls.__module__.startswith("ruche.")]


def test_every_form_bounds_the_ids_and_integers_it_takes():
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if (isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(field, IdsField))
        or (isinstance(field, forms.IntegerField) and field.max_value is None)
    ]
    assert unbounded == []
