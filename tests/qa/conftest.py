import pytest

from ruche.qa.services import question_ask


@pytest.fixture
def question(alice):
    return question_ask(author=alice, body="Comment régler la presse hydraulique de l'atelier 2 ?")
