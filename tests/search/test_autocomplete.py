"""Autocomplete reads folded, indexed columns: the people index, Hashtag.key and Skill.key."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruche.accounts.selectors import people_suggestions, skill_suggestions
from ruche.accounts.services import profile_update, skills_from_names
from ruche.posts.selectors import hashtag_suggestions
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db


def test_hashtags_and_skills_by_folded_prefix(alice, side_effects):
    with side_effects():
        post_create(author=alice, body="#Qualité #QualiteTotale #Sécurité #quai")
    assert [t.name for t in hashtag_suggestions(alice, "#QUALI")] == ["Qualité", "QualiteTotale"]
    assert [t.name for t in hashtag_suggestions(alice, "séc")] == ["Sécurité"]
    assert hashtag_suggestions(alice, "%") == [] and hashtag_suggestions(alice, "_") == []
    skills_from_names(["Gestion de projet", "Génie civil", "Gestuelle"])
    assert [s.name for s in skill_suggestions("GE")] == ["Génie civil", "Gestion de projet", "Gestuelle"]
    assert [s.name for s in skill_suggestions("gén")] == ["Génie civil"]


def test_people_follow_the_index(alice, bruno, side_effects):
    assert people_suggestions("lef") == [bruno]
    with side_effects():
        profile_update(profile=bruno.profile, by=bruno, last_name="Moreau")
    assert people_suggestions("mor") == [bruno]
    assert people_suggestions("lef") == [bruno]  # the handle (bruno.lefevre) stays what follows @


def test_index_is_used_not_a_scan(alice, side_effects):
    with side_effects():
        post_create(author=alice, body="#Qualité")
    with CaptureQueriesContext(connection) as captured:
        hashtag_suggestions(alice, "qual")
        skill_suggestions("ges")
    for query in captured:
        with connection.cursor() as cursor:
            explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            cursor.execute(explain + query["sql"])
            plan = " ".join(str(row) for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


def test_a_hashtag_used_only_in_a_secret_community_is_suggested_to_its_members_only(
    make_community, make_user, alice, bruno, side_effects
):
    from ruche.communities.models import Community

    outsider = make_user("Oscar", "Outsider")
    secret = make_community("Omega", visibility=Community.Visibility.SECRET, owner=alice, members=[bruno])
    with side_effects():
        post_create(author=alice, body="Lancement #OmegaSecret", communities=[secret])
        post_create(author=alice, body="Ouvert à tous #OmegaPublic")
    assert [t.name for t in hashtag_suggestions(bruno, "omega")] == ["OmegaPublic", "OmegaSecret"]
    assert [t.name for t in hashtag_suggestions(outsider, "omega")] == ["OmegaPublic"]
