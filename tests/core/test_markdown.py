import pytest

from ruche.core import markdown


def render(text: str, known=("bruno.lefevre",)) -> str:
    return markdown.render(
        markdown.parse(text),
        mention_url=lambda handle: f"/people/{handle}/" if handle in known else None,
        tag_url=lambda key: f"/tags/{key}/",
    )


def test_mentions_and_hashtags_are_found_and_linked():
    parsed = markdown.parse("Merci @Bruno.Lefevre pour #Qualité et #qualite, #lean-6")
    assert parsed.handles == {"bruno.lefevre"}
    assert parsed.tags == {"qualite": "Qualité", "lean-6": "lean-6"}
    html = render("Merci @bruno.lefevre pour #Qualité")
    assert '<a href="/people/bruno.lefevre/" class="mention"' in html
    assert '<a href="/tags/qualite/" class="hashtag"' in html and ">#Qualité</a>" in html


@pytest.mark.parametrize(
    "text",
    [
        "`@bruno.lefevre #include`",
        "```\n@bruno.lefevre\n#include <stdio.h>\n```",
        "    @bruno.lefevre #indented",
        "[@bruno.lefevre et #lien](https://example.com/)",
    ],
)
def test_no_mention_or_hashtag_in_code_or_links(text):
    parsed = markdown.parse(text)
    assert parsed.handles == set() and parsed.tags == {}
    html = render(text)
    assert 'class="mention"' not in html and 'class="hashtag"' not in html


@pytest.mark.parametrize("text", ["#1", "ticket #42 fermé", "#2024"])
def test_numbers_are_not_hashtags(text):
    assert markdown.parse(text).tags == {}
    assert 'class="hashtag"' not in render(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/page#section",
        "<https://example.com/a#b>",
        "voir example.com/doc#intro",
        "C#",
        "&#39;",
    ],
)
def test_url_fragments_and_entities_are_not_hashtags(text):
    assert markdown.parse(text).tags == {}
    assert 'class="hashtag"' not in render(text)


def test_emails_are_not_mentions():
    assert markdown.parse("écris à bruno@bruno.lefevre.fr").handles == set()


def test_unknown_people_stay_text():
    html = render("Salut @inconnu")
    assert "@inconnu" in html and "<a" not in html


@pytest.mark.parametrize(
    "text,forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[clic](javascript:alert(1))", 'href="javascript'),
        ("[clic](JaVaScRiPt:alert(1))", "<a "),
        ("[clic](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
        ('<a href="https://x" onclick="alert(1)">x</a>', '<a href="https://x" onclick'),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
        ("![img](https://evil.example/track.png)", "<img"),
    ],
)
def test_dangerous_html_never_survives(text, forbidden):
    assert forbidden.lower() not in render(text).lower()


def test_sanitize_is_a_second_wall():
    html = markdown.sanitize(
        '<p onclick="x()">a<script>b()</script><a href="javascript:c()">d</a><style>p{}</style></p>'
    )
    assert (
        "onclick" not in html and "<script" not in html and "javascript" not in html and "<style" not in html
    )
    assert "<p>a" in html


def test_links_get_rel_noopener():
    html = render("[doc](https://example.com/doc) et <https://example.com/auto>")
    assert html.count('rel="noopener noreferrer nofollow"') == 2
    assert '<a href="https://example.com/doc" rel="noopener noreferrer nofollow">doc</a>' in html
    assert 'href="https://example.com/auto"' in html


def test_markdown_basics_are_kept():
    html = render("**gras** *italique* ~~barré~~\n\n- un\n- deux\n\n> citation\n\n`code`")
    for tag in (
        "<strong>gras</strong>",
        "<em>italique</em>",
        "<s>barré</s>",
        "<li>un</li>",
        "<blockquote>",
        "<code>code</code>",
    ):
        assert tag in html


def test_render_plain_links_nothing():
    html = markdown.render_plain("Bio de @bruno.lefevre #qualite")
    assert "<a" not in html and "@bruno.lefevre #qualite" in html


def test_an_excerpt_is_plain_text_without_markdown_syntax():
    html = render(
        "# Salon **Lyon**\n\nVoir [le plan](https://example.com/plan) et `make demo`, merci @bruno.lefevre\n"
        "- un\n- deux &amp; <b>trois</b>"
    )
    text = markdown.plain_text(html)
    assert text == "Salon Lyon Voir le plan et make demo, merci @bruno.lefevre un deux & <b>trois</b>"
    assert markdown.excerpt(html, 20) == "Salon Lyon Voir le…"
    assert markdown.excerpt("<p>" + "x" * 30 + "</p>", 10) == "x" * 9 + "…"
    assert markdown.excerpt("", 20) == ""


def test_a_mention_shows_the_name_and_keeps_the_handle_in_its_title():
    html = markdown.render(
        markdown.parse("Merci @Bruno.Lefevre"),
        mention_url=lambda handle: f"/people/{handle}/",
        tag_url=lambda key: None,
        mention_name=lambda handle: "Bruno Lefèvre",
    )
    assert '<a href="/people/bruno.lefevre/" class="mention" title="@bruno.lefevre"' in html
    assert ">Bruno Lefèvre</a>" in html and "@Bruno" not in html.replace('title="@bruno', "")


@pytest.mark.parametrize(
    "text,href,shown",
    [
        (
            "Voir https://www.example.org/article",
            "https://www.example.org/article",
            "www.example.org/article",
        ),
        ("lire www.example.fr/a?b=1 svp", "http://www.example.fr/a?b=1", "www.example.fr/a?b=1"),
        ("(http://example.org/x)", "http://example.org/x", "example.org/x"),
    ],
)
def test_bare_addresses_become_links(text, href, shown):
    html = markdown.render_plain(text)
    assert f'<a href="{href}"' in html and f">{shown}</a>" in html


def test_long_bare_addresses_are_shortened_but_lead_to_the_whole_address():
    address = "https://intranet.example.org/documents/2026/comite-de-direction/compte-rendu-decembre.pdf"
    html = markdown.render_plain(f"Le compte rendu : {address}")
    assert f'href="{address}"' in html and f'title="{address}"' in html
    assert ">intranet.example.org/documents/2026/comite-de-d…</a>" in html


@pytest.mark.parametrize("text", ["voir main.py et rapport.pdf", "example.com", "le site acme.fr"])
def test_words_that_only_look_like_domains_stay_words(text):
    assert "<a" not in markdown.render_plain(text)


def test_a_bare_address_hides_no_hashtag_or_mention():
    parsed = markdown.parse("https://example.org/@bob/page#roadmap then #real")
    assert parsed.tags == {"real": "real"} and parsed.handles == set()


def test_only_web_addresses_are_linked(text="javascript:alert(1) ftp://example.org/file"):
    assert 'href="javascript' not in markdown.render_plain(text) and 'href="ftp' not in markdown.render_plain(
        text
    )
