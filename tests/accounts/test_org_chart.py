"""The org chart: a person's managers and reports, a department's tree, the company's tops, search;
former colleagues left out, manager loops cut, query counts that do not grow with the tree."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruche.accounts import selectors
from ruche.accounts.models import Department, Profile, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_user):
    """Hélène runs the company; Karim (R&D) and Thierry (Production) report to her; Léa and Paul
    report to Thierry, Zoé to Léa; Ana is in R&D but reports to Thierry (Production)."""
    rnd = Department.objects.create(name="R&D")
    prod = Department.objects.create(name="Production")
    lyon = Site.objects.create(name="Lyon")

    def colleague(first, last, department, manager=None, title=""):
        user = make_user(first, last)
        Profile.objects.filter(pk=user.pk).update(
            department=department, site=lyon, manager=manager, job_title=title
        )
        user.profile.refresh_from_db()
        return user

    helene = colleague("Hélène", "Marchand", None, title="CEO")
    karim = colleague("Karim", "Benali", rnd, helene, "R&D director")
    thierry = colleague("Thierry", "Garnier", prod, helene, "Plant director")
    lea = colleague("Léa", "Dubois", prod, thierry, "Methods engineer")
    paul = colleague("Paul", "Bernard", prod, thierry)
    zoe = colleague("Zoé", "Aubert", prod, lea)
    ana = colleague("Ana", "Costa", rnd, thierry)
    return {
        "helene": helene, "karim": karim, "thierry": thierry, "lea": lea, "paul": paul, "zoe": zoe,
        "ana": ana, "rnd": rnd, "prod": prod, "lyon": lyon,
    }  # fmt: skip


def set_manager(user, manager):
    Profile.objects.filter(pk=user.pk).update(manager=manager)


def names(people):
    return [p.first_name for p in people]


def tree_shape(nodes):
    return [(n.person.first_name, tree_shape(n.children)) for n in nodes]


# Selectors


def test_chain_goes_up_to_the_top_in_order(org):
    assert names(selectors.org_chain(org["zoe"])) == ["Hélène", "Thierry", "Léa"]
    assert names(selectors.org_chain(org["karim"])) == ["Hélène"]
    assert selectors.org_chain(org["helene"]) == []


def test_reports_are_ordered_by_last_name(org):
    reports = selectors.org_reports(org["thierry"])
    # Bernard, Costa, Dubois
    assert [(n.person.first_name, n.report_count) for n in reports] == [("Paul", 0), ("Ana", 0), ("Léa", 1)]


def test_department_tree_roots_are_people_whose_manager_is_elsewhere_or_missing(org):
    tree, _more = selectors.department_tree(org["prod"])
    assert tree_shape(tree) == [("Thierry", [("Paul", []), ("Léa", [("Zoé", [])])])]
    thierry = tree[0]
    assert thierry.report_count == 3 and thierry.reports_elsewhere == 1  # Ana, in R&D
    # In R&D, Karim's manager (Hélène) has no department and Ana's is in Production: both are roots.
    assert tree_shape(selectors.department_tree(org["rnd"])[0]) == [("Karim", []), ("Ana", [])]


def test_department_tree_closes_deep_branches(org):
    tree, _more = selectors.department_tree(org["prod"], depth=2)
    lea = tree[0].children[1]
    assert lea.person.first_name == "Léa" and not lea.open and lea.children == [] and lea.report_count == 1
    assert [n.person.first_name for n in tree] == ["Thierry"]  # Zoé is not a root because Léa is closed


def test_a_large_department_draws_fewer_levels(org, monkeypatch):
    monkeypatch.setattr(selectors, "ORG_DRAWN_MAX", 3)  # Thierry, then Paul and Léa: Zoé is one too many
    assert tree_shape(selectors.department_tree(org["prod"])[0]) == [("Thierry", [("Paul", []), ("Léa", [])])]
    monkeypatch.setattr(selectors, "ORG_DRAWN_MAX", 2)
    (thierry,), more = selectors.department_tree(org["prod"])
    assert not thierry.open and thierry.report_count == 3 and more == 0  # closed: opens on demand
    # Too many roots (managers elsewhere): those with reports first, the others counted.
    monkeypatch.setattr(selectors, "ORG_DRAWN_MAX", 1)
    nodes, more = selectors.department_tree(org["rnd"])  # Karim and Ana, both roots, by name
    assert [n.person.first_name for n in nodes] == ["Karim"] and more == 1
    set_manager(org["zoe"], org["ana"])
    nodes, more = selectors.department_tree(org["rnd"])
    assert [n.person.first_name for n in nodes] == ["Ana"] and more == 1


def test_company_tops_are_people_with_reports_and_no_manager(org, make_user):
    make_user("Solo", "Alone")  # no manager, no reports: counted, not listed
    tops, alone = selectors.org_tops()
    assert [(n.person.first_name, n.report_count) for n in tops] == [("Hélène", 2)]
    assert alone == 1


def test_a_manager_loop_neither_hangs_nor_repeats(org):
    set_manager(org["helene"], org["zoe"])  # Zoé → Léa → Thierry → Hélène → Zoé
    chain = selectors.org_chain(org["zoe"])
    assert names(chain) == ["Hélène", "Thierry", "Léa"]  # stops before coming back to Zoé
    set_manager(org["paul"], org["paul"])  # his own manager
    assert selectors.org_chain(org["paul"]) == []
    assert "Paul" not in names(n.person for n in selectors.org_reports(org["paul"]))
    # A loop inside a department has no root: its first person by name becomes one.
    set_manager(org["thierry"], org["zoe"])  # Thierry → Zoé → Léa → Thierry, all in Production
    shape = tree_shape(selectors.department_tree(org["prod"], depth=10)[0])
    flat = re.findall(r"'(\w+)'", str(shape))
    assert sorted(flat) == ["Léa", "Paul", "Thierry", "Zoé"]
    assert "Paul" in [name for name, _below in shape]  # his own manager: a root


def test_a_long_loop_is_cut_at_the_bound(make_user):
    people = [make_user(f"P{i}", "Chain") for i in range(5)]
    for i, p in enumerate(people):
        set_manager(p, people[(i + 1) % 5])
    chain = selectors.org_chain(people[0])
    assert names(chain) == ["P4", "P3", "P2", "P1"]


def test_former_colleagues_are_skipped_and_their_reports_are_roots(org):
    get_user_model().objects.filter(pk=org["thierry"].pk).update(is_active=False)
    assert names(selectors.org_chain(org["zoe"])) == ["Léa"]
    assert [n.person.first_name for n in selectors.org_reports(org["helene"])] == ["Karim"]
    tops, _alone = selectors.org_tops()
    # Léa's manager left: she is a top; one report each, by last name (Dubois, Marchand).
    assert [(n.person.first_name, n.report_count) for n in tops] == [("Léa", 1), ("Hélène", 1)]
    assert tree_shape(selectors.department_tree(org["prod"])[0]) == [("Léa", [("Zoé", [])]), ("Paul", [])]


def test_search_is_accent_and_case_insensitive(org):
    assert names(selectors.org_search("HELE")) == ["Hélène"]
    assert names(selectors.org_search("dub")) == ["Léa"]
    assert selectors.org_search("nobodyatall") == []
    assert selectors.org_search("   ") == []


def grow(org, make_user, n):
    """n more people under Zoé and n more in Production under Paul: a bigger tree, a longer chain."""
    boss = org["zoe"]
    for i in range(n):
        user = make_user(f"Extra{i}", "Person")
        Profile.objects.filter(pk=user.pk).update(department=org["prod"], manager=boss)
        boss = user
        more = make_user(f"Other{i}", "Person")
        Profile.objects.filter(pk=more.pk).update(department=org["prod"], manager=org["paul"])
    return boss


def count_queries(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_query_counts_do_not_grow_with_the_tree(org, make_user, client):
    client.force_login(org["karim"])
    pages = [
        lambda: client.get(f"/people/{org['zoe'].handle}/org/"),
        lambda: client.get(f"/people/{org['thierry'].handle}/org/"),
        lambda: client.get(f"/org/departments/{org['prod'].pk}/"),
        lambda: client.get("/org/?q=zoe"),
    ]
    for page in pages:
        assert page().status_code == 200  # warm caches (sessions, settings)
    before = [count_queries(page) for page in pages]
    deepest = grow(org, make_user, 8)
    pages.append(lambda: client.get(f"/people/{deepest.handle}/org/"))
    after = [count_queries(page) for page in pages]
    assert after[:4] == before
    assert after[4] == before[0]  # a chain of 12 managers costs what a chain of 3 did


def test_chain_and_tree_selectors_are_pinned(org, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.org_chain(org["zoe"])
    with django_assert_num_queries(3):
        selectors.department_tree(org["prod"])
    with django_assert_num_queries(1):
        selectors.org_reports(org["thierry"])
    with django_assert_num_queries(2):
        selectors.org_tops()


# Pages


def test_person_page_shows_chain_card_and_reports(org, client):
    client.force_login(org["karim"])
    response = client.get(f"/people/{org['lea'].handle}/org/")
    assert response.status_code == 200
    page = response.content.decode()
    chain = page[page.index('class="org-chain"') : page.index('class="card org-focus"')]
    assert chain.index("Hélène Marchand") < chain.index("Thierry Garnier")
    assert f'href="/people/{org["thierry"].handle}/org/"' in chain
    assert "Methods engineer" in page and "Production · Lyon" in page
    reports = page[page.index('id="org-reports-title"') :]
    assert "1 direct report" in reports and "Zoé Aubert" in reports
    assert f'href="/people/{org["zoe"].handle}/"' in reports  # the profile too


def test_expanding_a_branch_with_htmx_and_without(org, client):
    client.force_login(org["karim"])
    page = client.get(f"/people/{org['helene'].handle}/org/").content.decode()
    branch = f"/people/{org['thierry'].handle}/org/branch/?open=1"
    # The toggle is a link to Thierry's page (no JavaScript) that htmx opens in place.
    assert f'href="/people/{org["thierry"].handle}/org/" hx-get="{branch}"' in page
    assert 'aria-expanded="false"' in page
    opened = client.get(branch, headers={"HX-Request": "true"})
    assert opened.status_code == 200
    html = opened.content.decode()
    assert html.lstrip().startswith('<li class="org-node"') and 'aria-expanded="true"' in html
    assert "Léa Dubois" in html and "Paul Bernard" in html and "Ana Costa" in html
    assert "?open=0" in html
    closed = client.get(branch.replace("open=1", "open=0"), headers={"HX-Request": "true"}).content.decode()
    assert 'aria-expanded="false"' in closed and "Léa Dubois" not in closed
    # Opened without htmx (a copied link): the person's org page.
    response = client.get(branch)
    assert response.status_code == 302 and response["Location"] == f"/people/{org['thierry'].handle}/org/"


def test_department_page_is_a_nested_tree(org, client):
    client.force_login(org["karim"])
    page = client.get(f"/org/departments/{org['prod'].pk}/").content.decode()
    page = page[page.index("<main") :]
    assert page.index("Thierry Garnier") < page.index("Léa Dubois") < page.index("Zoé Aubert")
    assert "and 1 report in other departments" in page
    assert page.count('<ul class="org-tree') >= 3


def test_org_page_lists_tops_departments_and_finds_people(org, client):
    client.force_login(org["zoe"])
    page = client.get("/org/").content.decode()
    assert "Hélène Marchand" in page and "2 reports" in page
    assert f'href="/org/departments/{org["prod"].pk}/"' in page and "4 people" in page
    found = client.get("/org/?q=thier").content.decode()
    assert f'href="/people/{org["thierry"].handle}/org/"' in found
    partial = client.get("/org/?q=benal", headers={"HX-Request": "true"}).content.decode()
    assert "Karim Benali" in partial and "<html" not in partial
    assert "Nobody" in client.get("/org/?q=qqqqq").content.decode()


def test_profile_and_directory_link_to_the_chart(org, client):
    client.force_login(org["zoe"])
    profile = client.get(f"/people/{org['lea'].handle}/").content.decode()
    assert f'href="/people/{org["lea"].handle}/org/"' in profile
    directory = client.get("/people/").content.decode()
    assert 'href="/org/"' in directory


def test_unknown_handle_department_and_former_colleague_are_404(org, client):
    client.force_login(org["zoe"])
    assert client.get("/people/nobody-here/org/").status_code == 404
    assert (
        client.get("/people/nobody-here/org/branch/?open=1", headers={"HX-Request": "true"}).status_code
        == 404
    )
    assert client.get("/org/departments/987654/").status_code == 404
    assert client.get("/org/departments/99999999999999999999/").status_code == 404  # beyond a bigint
    get_user_model().objects.filter(pk=org["paul"].pk).update(is_active=False)
    assert client.get(f"/people/{org['paul'].handle}/org/").status_code == 404


def test_anonymous_are_sent_to_sign_in(org, client):
    for path in ("/org/", f"/people/{org['lea'].handle}/org/", f"/org/departments/{org['prod'].pk}/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_policy():
    from django.contrib.auth.models import AnonymousUser

    from ruche.accounts.policies import can_view_org_chart

    assert not can_view_org_chart(AnonymousUser())


# API


def test_api_returns_chain_and_reports_with_the_people_schema(org, make_user, api_as, queries_of):
    api = api_as(org["karim"])
    response = api.get(f"/people/{org['lea'].handle}/org")
    assert response.status_code == 200
    data = response.json()
    assert [p["handle"] for p in data["chain"]] == [org["helene"].handle, org["thierry"].handle]
    assert data["person"]["handle"] == org["lea"].handle and data["person"]["report_count"] == 1
    assert [(p["handle"], p["report_count"]) for p in data["reports"]] == [(org["zoe"].handle, 0)]
    thierry = data["chain"][1]
    assert thierry["job_title"] == "Plant director" and thierry["department"]["name"] == "Production"
    assert thierry["site"]["name"] == "Lyon" and thierry["url"] == f"/people/{org['thierry'].handle}/"
    few, _ = queries_of(lambda: api.get(f"/people/{org['lea'].handle}/org"))
    deepest = grow(org, make_user, 6)
    many, response = queries_of(lambda: api.get(f"/people/{deepest.handle}/org"))
    assert len(response.json()["chain"]) == 9 and many == few


def test_api_404_for_unknown_and_former_colleagues_and_401_anonymous(org, api_as, anonymous_api):
    api = api_as(org["karim"])
    assert api.get("/people/nobody-here/org").status_code == 404
    get_user_model().objects.filter(pk=org["paul"].pk).update(is_active=False)
    assert api.get(f"/people/{org['paul'].handle}/org").status_code == 404
    assert anonymous_api.get(f"/people/{org['lea'].handle}/org").status_code == 401


def test_any_search_text_is_answered(org, client):
    client.force_login(org["zoe"])
    for q in ["((((", '"', "*", "-", "a" * 500, "%_", "OR AND NOT", "é" * 200, "  "]:
        response = client.get("/org/", {"q": q})
        assert response.status_code == 200, q
