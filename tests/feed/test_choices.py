"""Reading `?filter=`, `?order=`, `?cursor=` and the older `?before=`: bad input never raises, it gives
the first page of a valid choice and a message."""

import pytest

from ruche.feed.choices import FILTERS, ORDERS, Choice, Cursor, Reading, read_choice

DAMAGED = "That page link is out of date or damaged: here is the first page."
MINE = Choice("following", "relevant")  # what the person chose last time


def test_nothing_asked_reads_the_remembered_choice():
    assert read_choice(MINE) == Reading(MINE, None, None, explicit=False)
    assert read_choice(Choice()) == Reading(Choice("all", "recent"))


def test_an_asked_filter_or_order_is_explicit_and_keeps_the_other_half():
    assert read_choice(MINE, filter="questions") == Reading(Choice("questions", "relevant"), explicit=True)
    assert read_choice(MINE, order="recent") == Reading(Choice("following", "recent"), explicit=True)


@pytest.mark.parametrize("name", list(FILTERS))
@pytest.mark.parametrize("order", list(ORDERS))
def test_every_filter_and_order_is_accepted(name, order):
    reading = read_choice(Choice(), filter=name, order=order)
    assert reading == Reading(Choice(name, order), None, None, explicit=True)


def test_an_unknown_filter_gives_everything_and_says_so():
    reading = read_choice(MINE, filter="secret")
    assert reading.choice == Choice("all", "relevant") and reading.cursor is None
    assert reading.problem == "There is no feed filter “secret”: here is everything."


def test_an_unknown_order_gives_the_most_recent_and_says_so():
    reading = read_choice(MINE, order="popular")
    assert reading.choice == Choice("following", "recent")
    assert reading.problem == "There is no feed order “popular”: here are the most recent posts."


def test_both_unknown_give_both_messages_and_no_cursor():
    reading = read_choice(MINE, filter="x", order="y", cursor="all:recent:5")
    assert reading.choice == Choice() and reading.cursor is None
    assert reading.problem.startswith("There is no feed filter “x”") and "order “y”" in reading.problem


def test_a_long_unknown_name_is_cut_in_the_message():
    reading = read_choice(MINE, filter="a" * 5000)
    assert reading.problem.count("a") < 60


def test_a_remembered_value_from_an_older_version_falls_back_to_the_default():
    assert read_choice(Choice("gone", "relevant")) == Reading(Choice())
    assert read_choice(Choice("all", "gone")) == Reading(Choice())


@pytest.mark.parametrize(
    ("choice", "cursor", "expected"),
    [
        (Choice("all", "recent"), "all:recent:812", Cursor("", 812)),
        (Choice("unread", "recent"), "unread:recent:9", Cursor("", 9)),
        (Choice("announcements", "relevant"), "announcements:relevant:9", Cursor("", 9)),
        (Choice("questions", "recent"), "questions:recent:u812", Cursor("u", 812)),
        (Choice("questions", "recent"), "questions:recent:a3", Cursor("a", 3)),
        (Choice("all", "relevant"), "all:relevant:r812-24", Cursor("r", 812, 24)),
        (Choice("questions", "relevant"), "questions:relevant:o77", Cursor("o", 77)),
        (Choice("all", "recent"), f"all:recent:{2**63 - 1}", Cursor("", 2**63 - 1)),
    ],
)
def test_a_cursor_of_the_same_choice_is_read(choice, cursor, expected):
    reading = read_choice(choice, cursor=cursor)
    assert (reading.cursor, reading.problem) == (expected, None)
    assert expected.encode(choice) == cursor  # and written back the same


@pytest.mark.parametrize(
    "cursor",
    [
        "following:recent:5",  # another filter
        "all:relevant:r5-0",  # another order
        "questions:recent:u5",
        "all:recent:",
        "all:recent:-1",
        "all:recent:0",
        "all:recent:99999999999999999999",  # 20 digits
        f"all:recent:{2**63}",  # one above the largest id
        "all:recent:r5",  # a relevant phase in the recent order
        "all:recent:5-3",
        "all:recent:u5",  # questions' phases elsewhere
        "all:recent: 5",
        "all:recent:5 ",
        "all:recent:٥",  # an Arabic-Indic five: a digit to `\d`, not to the database
        "all:recent:5\n",
        "all:recent:5:6",
        "all:recent",
        "all",
        "",
        ":::",
        "all:recent:\x005",
        "\x00",
        "all:recent:" + "9" * 5000,
        "x" * 100_000,
    ],
)
def test_a_damaged_cursor_gives_the_first_page_and_a_message(cursor):
    reading = read_choice(Choice(), cursor=cursor)
    assert reading.choice == Choice() and reading.cursor is None
    assert reading.problem == DAMAGED


@pytest.mark.parametrize(
    "cursor",
    [
        "all:relevant:r5",  # the ranked phase needs its offset
        "all:relevant:o5-2",  # and only it has one
        "all:relevant:5",
        "all:relevant:u5",
        "all:relevant:r5-99999",  # offsets have at most four digits
        "all:relevant:r0-3",
    ],
)
def test_damaged_relevant_cursors(cursor):
    reading = read_choice(Choice("all", "relevant"), cursor=cursor)
    assert (reading.cursor, reading.problem) == (None, DAMAGED)


@pytest.mark.parametrize("cursor", ["questions:recent:5", "questions:recent:r5-2", "questions:recent:o5"])
def test_questions_cursors_need_their_phase(cursor):
    reading = read_choice(Choice("questions", "recent"), cursor=cursor)
    assert (reading.cursor, reading.problem) == (None, DAMAGED)


def test_a_cursor_read_against_the_asked_choice_not_the_remembered_one():
    # Remembered: following. Asked: questions. A following cursor no longer fits.
    reading = read_choice(MINE, filter="questions", order="recent", cursor="following:relevant:r5-2")
    assert reading.choice == Choice("questions", "recent") and reading.problem == DAMAGED
    # The remembered choice's own cursor fits when nothing else is asked.
    assert read_choice(MINE, cursor="following:relevant:r5-2").cursor == Cursor("r", 5, 2)


@pytest.mark.parametrize(
    "choice", [Choice("all", "recent"), Choice("following", "recent"), Choice("unread", "recent")]
)
def test_the_older_before_is_read_for_orders_and_filters_without_phases(choice):
    assert read_choice(choice, before=42) == Reading(choice, Cursor("", 42))
    assert read_choice(choice, before="42") == Reading(choice, Cursor("", 42))
    announcements = Choice("announcements", "relevant")  # newest first whatever the order
    assert read_choice(announcements, before=42).cursor == Cursor("", 42)


@pytest.mark.parametrize(
    "choice", [Choice("questions", "recent"), Choice("all", "relevant"), Choice("unread", "relevant")]
)
def test_the_older_before_is_refused_where_pages_have_phases(choice):
    assert read_choice(choice, before=42) == Reading(choice, None, DAMAGED)


@pytest.mark.parametrize("before", ["abc", "-1", "0", "", "4\x002", "9" * 30, "u5", "all:recent:5"])
def test_a_damaged_before(before):
    assert read_choice(Choice(), before=before) == Reading(Choice(), None, DAMAGED)


def test_a_cursor_wins_over_before():
    assert read_choice(Choice(), cursor="all:recent:7", before=3).cursor == Cursor("", 7)
