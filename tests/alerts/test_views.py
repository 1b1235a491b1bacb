"""The alerts page and the search page's button: saved, told, removed; bad input told on the form."""

from ruche.alerts.models import Alert
from ruche.communities.models import Community


def test_a_search_becomes_an_alert_and_the_person_comes_back_to_the_results(client, alice):
    client.force_login(alice)
    page = client.get("/search/?q=soudure+laser").content.decode()
    assert "Tell me of new posts about" in page
    response = client.post("/alerts/", {"q": "soudure laser", "next": "/search/?q=soudure+laser"})
    assert response.status_code == 302 and response["Location"] == "/search/?q=soudure+laser"
    assert list(Alert.objects.values_list("user", "query", "community")) == [
        (alice.pk, "soudure laser", None)
    ]
    assert "soudure laser" in client.get("/alerts/").content.decode()


def test_bad_alerts_are_told_on_the_form(client, alice, make_community):
    secret = make_community("Fusion", visibility=Community.Visibility.SECRET)
    client.force_login(alice)
    for data in (
        {"q": "?!"},
        {"q": "rachat", "community": secret.pk},
        {"q": "x", "next": "https://evil.example/"},
    ):
        client.post("/alerts/", data)
    assert client.post("/alerts/", {"q": "?!"}).status_code == 400
    response = client.post("/alerts/", {"q": "rachat", "community": secret.pk})
    assert response.status_code == 400 and "Fusion" not in response.content.decode()
    assert list(Alert.objects.values_list("query", flat=True)) == ["x"]
    assert client.post("/alerts/", {"q": "y", "next": "https://evil.example/"})["Location"] == "/alerts/"


def test_only_ones_own_alert_can_be_removed(client, alice, bruno):
    client.force_login(alice)
    client.post("/alerts/", {"q": "laser"})
    alert = Alert.objects.get()
    client.force_login(bruno)
    assert client.post(f"/alerts/{alert.pk}/delete/").status_code == 404
    client.force_login(alice)
    assert client.post(f"/alerts/{alert.pk}/delete/").status_code == 302 and not Alert.objects.exists()


def test_a_community_id_beyond_any_row_is_a_form_error(client, alice):
    client.force_login(alice)
    response = client.post("/alerts/", {"q": "laser", "community": "9" * 30})
    assert response.status_code == 400 and not Alert.objects.exists()
