"""The demo's own files: real PDFs, pictures that are the same for the same seed."""

import random
import re

from ruche.demo import files


def test_a_demo_pdf_is_a_real_pdf_whose_cross_references_point_at_its_objects():
    content = files.pdf("Compte rendu (CSE)", ["Télétravail : deux jours", "Back\\slash"])
    assert content.startswith(b"%PDF-1.4\n") and content.endswith(b"%%EOF\n")
    xref = int(re.search(rb"startxref\n(\d+)\n", content).group(1))
    assert content[xref:].startswith(b"xref\n0 7\n")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n ", content)]
    assert [content[o:].split(b" ", 1)[0] for o in offsets] == [b"%d" % n for n in range(1, 7)]
    assert (
        "Télétravail".encode("cp1252") in content and b"\\(CSE\\)" in content and b"Back\\\\slash" in content
    )
    length = int(re.search(rb"/Length (\d+)", content).group(1))
    stream = content.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length


def test_every_document_is_accepted_by_its_type_and_pictures_depend_only_on_the_seed():
    from ruche.files.types import TYPES, proves

    for name, content in files.DOCUMENTS.values():
        assert proves(TYPES[name.rsplit(".", 1)[1]], content()[:8192]), name
    for _name, draw in files.PICTURES.values():
        assert draw(random.Random(1)) == draw(random.Random(1)) != draw(random.Random(2))
