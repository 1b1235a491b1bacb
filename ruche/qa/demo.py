"""Questions for the demo company: one resolved, one answered and voted on, one still waiting, so
that the questions page, the experts panel and search all have something true to show."""

from ruche.accounts.models import User
from ruche.posts.services import post_create
from ruche.qa.services import answer_accept, answer_vote, question_ask


def _with_skill(name: str, *, besides: User) -> User | None:
    return (
        User.objects.filter(is_active=True, profile__skills__name=name)
        .exclude(pk=besides.pk)
        .order_by("pk")
        .first()
    )


def seed_questions(asker: User) -> int:
    """Three questions; `asker` is the demo employee, who finds their own question resolved."""
    resolved = question_ask(
        author=asker,
        body="Quelqu'un sait-il exporter les indicateurs qualité de la semaine vers Excel sans tout "
        "ressaisir ? #qualite",
    )
    expert = _with_skill("Excel", besides=asker) or User.objects.exclude(pk=asker.pk).first()
    answer = post_create(
        author=expert,
        parent=resolved,
        body="Oui : dans le tableau de bord, menu **Exporter** puis « Format Excel ». "
        "Je peux te montrer en cinq minutes.",
    )
    answer_accept(by=asker, answer=answer)

    # Asked to everyone (the safety community approves its posts first: an answer would have to wait).
    people = list(
        User.objects.filter(is_active=True, is_staff=False).exclude(pk__in=[asker.pk, expert.pk])[:4]
    )
    answered = question_ask(
        author=people[0],
        body="Quelle est la procédure pour faire vérifier un harnais après une chute ? #securite",
    )
    first = post_create(
        author=people[1],
        parent=answered,
        body="Il part en contrôle chez le fournisseur, et on le remplace en attendant (stock au magasin).",
    )
    for voter in people[2:]:
        answer_vote(user=voter, answer=first)

    question_ask(
        author=people[-1],
        body="Des retours sur la formation gestion de projet du printemps ? Je me demande si elle vaut "
        "le déplacement à Paris. #formation",
    )
    return 3
