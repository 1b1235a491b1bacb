"""Expanding Activity Streams JSON-LD with pyld, offline: the AS2 context is served from the copy in
tests/fixtures (w3c/activitystreams, ns/activitystreams.jsonld); any other URL is refused."""

import json
from pathlib import Path

from pyld import jsonld

AS = "https://www.w3.org/ns/activitystreams#"
CONTEXT = json.loads((Path(__file__).parent.parent / "fixtures" / "activitystreams.jsonld").read_text())


def _loader(url, options=None):
    if url.rstrip("/") in ("https://www.w3.org/ns/activitystreams", "http://www.w3.org/ns/activitystreams"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": CONTEXT,
        }
    raise AssertionError(f"the test fetched {url}")


def expand(document: dict) -> list:
    expanded = jsonld.expand(document, {"documentLoader": _loader})
    unknown = _blank_terms(expanded)
    assert not unknown, f"terms outside the AS2 vocabulary: {unknown}"  # "@vocab": "_:" in the context
    return expanded


def _blank_terms(node) -> set[str]:
    found = set()
    if isinstance(node, list):
        for item in node:
            found |= _blank_terms(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("_:"):
                found.add(key)
            if key == "@type":
                found |= {t for t in (value if isinstance(value, list) else [value]) if t.startswith("_:")}
            found |= _blank_terms(value)
    return found
