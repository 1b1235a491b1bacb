import pytest

from ruche.qa.services import question_ask


@pytest.fixture
def make_person(make_user):
    """Another colleague, named after `n` (make_user gives handles from names)."""
    return lambda name: make_user(name, "Test")


@pytest.fixture
def question(alice):
    return question_ask(author=alice, body="Comment régler la presse hydraulique de l'atelier 2 ?")
