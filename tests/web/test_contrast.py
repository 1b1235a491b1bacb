"""Every pill and badge is readable: text and background at least 4.5:1 (WCAG 1.4.3, normal text).

The colours are read from the stylesheets themselves (custom properties resolved), so a new pill or
a changed colour is checked without anyone remembering to add it here.
"""

import re
from pathlib import Path

import pytest

RUCHE = Path(__file__).resolve().parents[2] / "ruche"
STYLESHEETS = sorted(RUCHE.glob("*/static/**/*.css"))
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
PILL = re.compile(r"\.(?:pill|badge|accepted-badge|campaign-state)[\w-]*")
MINIMUM = 4.5


def rules_of(sheet: Path) -> list[tuple[str, str]]:
    """(selectors, declarations) of every rule, comments removed (rules inside @media included)."""
    return RULE.findall(re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.DOTALL))


def custom_properties() -> dict[str, str]:
    found = {}
    for sheet in STYLESHEETS:
        for selector, body in rules_of(sheet):
            if selector.strip() == ":root":
                found |= dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+)", body))
    return {name: value.strip() for name, value in found.items()}


def declarations(body: str) -> dict[str, str]:
    return {name.strip(): value.strip() for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body)}


def hex_colour(value: str, variables: dict[str, str]) -> str | None:
    """#rrggbb for a colour written as a hex code or var(--name); None for none/transparent."""
    value = value.split()[0] if value.startswith("#") else value
    while (match := re.fullmatch(r"var\((--[\w-]+)\)", value)) is not None:
        value = variables[match.group(1)]
    if not re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value):
        return None
    digits = value[1:]
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits).lower()


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def pill_colours() -> dict[str, tuple[str, str]]:
    """Each pill or badge class -> (text colour, background), the base class filling what a variant
    leaves out (`.pill-public` keeps `.pill`'s text colour), the card's white under the rest."""
    variables = custom_properties()
    rules: dict[str, dict[str, str]] = {}
    for sheet in STYLESHEETS:
        for selectors, body in rules_of(sheet):
            found = declarations(body)
            colour = {k: v for k, v in found.items() if k in ("color", "background", "background-color")}
            for selector in selectors.split(","):
                selector = selector.strip()
                if colour and PILL.fullmatch(selector.split()[-1].split(":")[0]):
                    rules.setdefault(selector, {}).update(colour)
    pairs = {}
    for selector, colour in rules.items():
        base = rules.get("." + selector.lstrip(".").split("-")[0], {})
        merged = base | colour
        text = hex_colour(merged.get("color", "var(--text)"), variables)
        background = merged.get("background") or merged.get("background-color") or "var(--card)"
        pairs[selector] = (text, hex_colour(background, variables) or variables["--card"])
    return pairs


def test_the_stylesheets_are_read():
    pairs = pill_colours()
    assert {".pill", ".badge", ".pill-resolved", ".pill-active", ".pill-waiting"} <= set(pairs)
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#1a7f37", "#e6f4ea") == pytest.approx(4.47, abs=0.01)  # the old green missed


@pytest.mark.parametrize("selector", sorted(pill_colours()))
def test_every_pill_and_badge_has_a_contrast_of_at_least_4_5(selector):
    text, background = pill_colours()[selector]
    assert contrast(text, background) >= MINIMUM, f"{selector}: {text} on {background}"
