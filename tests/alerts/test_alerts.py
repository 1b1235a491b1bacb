"""Keyword alerts: saved with clear refusals, matched by all their words in one query."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from ruche.alerts import services
from ruche.alerts.models import Alert
from ruche.communities.models import Community
from ruche.posts.services import post_create


@pytest.fixture
def production(make_community, bruno):
    return make_community("Production", members=[bruno])


def test_a_post_matches_the_alerts_whose_words_it_all_holds(alice, bruno, make_user):
    chloe = make_user("Chloé", "Durand")
    laser = services.alert_create(user=alice, query="Soudure  LASER")
    services.alert_create(user=chloe, query="soudure rivet")
    post = post_create(author=bruno, body="Nouvelles soudures au laser à Toulouse")
    assert services.alerts_matching(post) == {alice.pk: laser}


def test_a_community_alert_only_matches_posts_placed_there(alice, bruno, production, add_member):
    add_member(production, alice)
    services.alert_create(user=alice, query="laser", community=production)
    elsewhere = post_create(author=bruno, body="Le laser du labo")
    there = post_create(author=bruno, body="Le laser de l'atelier", communities=[production])
    reply = post_create(author=bruno, body="Et un autre laser", parent=there)
    assert services.alerts_matching(elsewhere) == {}
    assert set(services.alerts_matching(there)) == {alice.pk} == set(services.alerts_matching(reply))


def test_one_alert_per_person_and_none_for_the_author(alice, bruno):
    services.alert_create(user=alice, query="laser")
    services.alert_create(user=alice, query="soudure laser")
    services.alert_create(user=bruno, query="laser")
    post = post_create(author=bruno, body="soudure laser")
    assert set(services.alerts_matching(post)) == {alice.pk}


@pytest.mark.parametrize(
    "query,message", [("", "Type a word"), ("  ?! ", "Type a word"), ("x" * 201, "too long")]
)
def test_an_alert_without_words_is_refused(alice, query, message):
    with pytest.raises(ValidationError, match=message):
        services.alert_create(user=alice, query=query)
    assert not Alert.objects.exists()


def test_the_same_alert_twice_is_refused_whatever_its_spelling(alice):
    services.alert_create(user=alice, query="Soudure laser")
    with pytest.raises(ValidationError, match="already"):
        services.alert_create(user=alice, query="lasers, soudure")


def test_an_alert_on_a_secret_community_one_cannot_read_is_refused(alice, make_community):
    secret = make_community("Fusion", visibility=Community.Visibility.SECRET)
    with pytest.raises(ValidationError, match="community you can read"):
        services.alert_create(user=alice, query="rachat", community=secret)


def test_someone_elses_alert_cannot_be_deleted(alice, bruno):
    alert = services.alert_create(user=alice, query="laser")
    with pytest.raises(Http404):
        services.alert_delete(user=bruno, alert_id=alert.pk)
    services.alert_delete(user=alice, alert_id=alert.pk)
    assert not Alert.objects.exists()


def test_matching_is_one_query_whatever_the_number_of_alerts(
    alice, bruno, make_user, django_assert_max_num_queries
):
    people = [make_user(f"P{n}", "Veille") for n in range(10)]
    for person in people:
        services.alert_create(user=person, query="laser soudure")
    post = post_create(author=bruno, body="soudure laser")
    with django_assert_max_num_queries(1):
        assert len(services.alerts_matching(post)) == 10


def test_an_alert_notifies_once_those_who_may_read_the_post(
    alice, bruno, make_user, make_community, side_effects
):
    from ruche.notifications.models import Notification

    chloe = make_user("Chloé", "Durand")
    secret = make_community("Fusion", visibility=Community.Visibility.SECRET, members=[bruno, alice])
    for person in (alice, chloe):
        services.alert_create(user=person, query="soudure laser")
        services.alert_create(user=person, query="laser")
    with side_effects():
        public = post_create(author=bruno, body="La soudure laser arrive")
        post_create(author=bruno, body="Soudure laser : le rachat", communities=[secret])
    told = Notification.objects.filter(kind="alert").order_by("recipient_id", "post_id")
    assert [(n.recipient_id, n.post_id) for n in told] == sorted(
        [(alice.pk, public.pk), (chloe.pk, public.pk), (alice.pk, public.pk + 1)]
    )
    assert {n.detail for n in told} == {"soudure laser"}
