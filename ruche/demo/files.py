"""The demo company's photos and documents: pictures drawn with Pillow (the new line, a team event, a
whiteboard) and small real documents (PDF written by hand, CSV), uploaded through the files service
as anyone's would be (checked, re-encoded, with thumbnails).

Everything here is made from a seed: the same demo gets the same pictures. A picture is drawn once
per run and uploaded as often as posts show it (each upload is re-encoded anyway)."""

import io
import random
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ruche.files.models import Attachment
from ruche.files.services import attachment_upload

WIDTH, HEIGHT = 1200, 800
SCALE = 2  # drawn twice as large, then reduced: smooth edges without an anti-aliasing library

HONEY, AMBER, BROWN = (232, 163, 61), (138, 90, 0), (107, 69, 0)
NAVY, TEAL, SLATE = (43, 76, 126), (58, 141, 140), (74, 85, 104)
SHIRTS = [NAVY, TEAL, HONEY, (196, 78, 82), (110, 150, 90), (150, 110, 170), (230, 230, 225), SLATE]
SKINS = [(241, 200, 170), (224, 172, 135), (198, 134, 96), (141, 85, 56), (95, 60, 40)]
NOTES = [(255, 226, 110), (255, 170, 180), (150, 205, 240), (170, 225, 160)]


# ---------------------------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------------------------


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size * SCALE)


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), "white")
    return image, ImageDraw.Draw(image)


def _gradient(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], top: tuple, bottom: tuple) -> None:
    """A vertical gradient, in bands of a few pixels (invisible once reduced, much faster)."""
    x0, y0, x1, y1 = (v * SCALE for v in box)
    step = 4
    for y in range(y0, y1, step):
        t = (y - y0) / max(y1 - y0, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.rectangle((x0, y, x1, min(y + step, y1)), fill=colour)


def _s(*values: float) -> list[int]:
    """Coordinates of the 1200 x 800 picture, on the larger canvas."""
    return [round(v * SCALE) for v in values]


def _finish(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS).save(out, "JPEG", quality=88)
    return out.getvalue()


def _line_picture(rng: random.Random) -> bytes:
    """The new production line: a bright hall, a conveyor carrying boxes, two machines, a robot arm."""
    image, draw = _canvas()
    _gradient(draw, (0, 0, WIDTH, 470), (236, 240, 244), (206, 213, 222))
    for x in range(60, WIDTH, 230):  # high windows
        draw.rounded_rectangle(_s(x, 60, x + 170, 190), radius=6 * SCALE, fill=(250, 252, 255), outline=(180, 188, 200), width=3 * SCALE)  # fmt: skip
        draw.line(_s(x + 85, 60, x + 85, 190), fill=(180, 188, 200), width=3 * SCALE)
    for x in range(0, WIDTH, 300):  # roof beams
        draw.line(_s(x, 0, x + 150, 40), fill=(170, 178, 190), width=5 * SCALE)
    _gradient(draw, (0, 470, WIDTH, HEIGHT), (178, 176, 170), (140, 138, 132))
    for x in range(-40, WIDTH, 80):  # the safety lane
        draw.polygon(_s(x, 745, x + 40, 745, x + 80, 775, x + 40, 775), fill=(240, 196, 40))
    draw.rectangle(_s(0, 775, WIDTH, 780), fill=(240, 196, 40))
    machine = rng.choice([HONEY, TEAL, NAVY])
    for x0 in (70, 880):  # two machines at the ends of the line
        draw.rounded_rectangle(_s(x0, 280, x0 + 250, 600), radius=14 * SCALE, fill=machine)
        draw.rounded_rectangle(_s(x0 + 30, 320, x0 + 150, 420), radius=8 * SCALE, fill=(40, 50, 60))
        draw.rectangle(_s(x0 + 45, 335, x0 + 135, 405), fill=(90, 200, 170))
        for i, colour in enumerate([(60, 190, 90), (240, 196, 40), (210, 60, 60)]):
            draw.ellipse(_s(x0 + 180, 330 + i * 30, x0 + 200, 350 + i * 30), fill=colour)
        draw.rectangle(_s(x0, 600, x0 + 250, 615), fill=SLATE)
    draw.rectangle(_s(300, 500, 900, 525), fill=(55, 60, 68))  # the belt
    for x in range(320, 900, 60):
        draw.ellipse(_s(x - 10, 515, x + 10, 535), fill=(120, 125, 132))
        draw.line(_s(x, 530, x, 640), fill=(120, 125, 132), width=6 * SCALE)
    x = 330 + rng.randint(0, 40)
    while x < 840:  # boxes on the belt
        w, h = rng.randint(70, 100), rng.randint(50, 80)
        draw.rectangle(
            _s(x, 500 - h, x + w, 500), fill=(200, 161, 101), outline=(160, 120, 70), width=2 * SCALE
        )
        draw.rectangle(_s(x + w / 2 - 6, 500 - h, x + w / 2 + 6, 500), fill=(225, 200, 150))
        x += w + rng.randint(30, 70)
    base = 600 + rng.randint(-60, 60)  # the robot arm, above the belt
    draw.rectangle(_s(base - 35, 0, base + 35, 30), fill=SLATE)
    joints = [(base, 30), (base - 90, 200), (base + 10, 330)]
    for (ax, ay), (bx, by) in zip(joints, joints[1:], strict=False):
        draw.line(_s(ax, ay, bx, by), fill=HONEY, width=28 * SCALE)
    for jx, jy in joints:
        draw.ellipse(_s(jx - 22, jy - 22, jx + 22, jy + 22), fill=(60, 64, 70))
    draw.rectangle(_s(joints[-1][0] - 30, 330, joints[-1][0] + 30, 360), fill=(60, 64, 70))
    return _finish(image)


def _team_picture(rng: random.Random) -> bytes:
    """A team event outdoors: bunting, a long table, a dozen colleagues."""
    image, draw = _canvas()
    _gradient(draw, (0, 0, WIDTH, 520), (160, 200, 235), (250, 226, 190))
    draw.ellipse(_s(980, 70, 1080, 170), fill=(255, 236, 170))
    for x0, y0 in ((120, 120), (640, 80)):  # clouds
        for dx, dy, r in ((0, 20, 45), (50, 0, 60), (110, 20, 45)):
            draw.ellipse(_s(x0 + dx - r, y0 + dy - r, x0 + dx + r, y0 + dy + r), fill=(255, 255, 255))
    _gradient(draw, (0, 520, WIDTH, HEIGHT), (140, 190, 110), (100, 155, 80))
    for n, x in enumerate(range(0, WIDTH, 60)):  # bunting along a sagging string
        sag = 40 * (1 - ((x + 30 - WIDTH / 2) / (WIDTH / 2)) ** 2)
        draw.polygon(_s(x, 40 + sag, x + 50, 40 + sag, x + 25, 95 + sag), fill=SHIRTS[n % 6])
    draw.line(_s(0, 40, WIDTH / 2, 80, WIDTH, 40), fill=(90, 90, 90), width=2 * SCALE)
    people = 12
    for i in range(people):
        x = 80 + i * (1040 / (people - 1)) + rng.randint(-15, 15)
        y = 330 + rng.randint(-25, 25)
        shirt, skin = rng.choice(SHIRTS), rng.choice(SKINS)
        draw.rounded_rectangle(_s(x - 42, y + 60, x + 42, y + 260), radius=36 * SCALE, fill=shirt)
        draw.ellipse(_s(x - 30, y, x + 30, y + 64), fill=skin)
        hair = rng.choice([(40, 30, 25), (90, 60, 35), (160, 120, 70), (20, 20, 20), (200, 200, 200)])
        draw.chord(_s(x - 31, y - 4, x + 31, y + 50), 180, 360, fill=hair)
    draw.rectangle(_s(40, 520, 1160, 560), fill=(252, 252, 250))  # the table
    draw.rectangle(_s(40, 560, 1160, 640), fill=(235, 235, 232))
    for x in range(90, 1130, 95):  # cups and plates
        draw.ellipse(_s(x, 522, x + 46, 538), fill=(210, 210, 205))
        draw.rectangle(_s(x + 55, 500, x + 70, 524), fill=rng.choice([HONEY, TEAL, (196, 78, 82)]))
    draw.text(_s(600, 600), "Ruche Industries", font=_font(34), fill=BROWN, anchor="mm")
    return _finish(image)


def _whiteboard_picture(rng: random.Random) -> bytes:
    """A whiteboard after a workshop: three columns of sticky notes, arrows and a circled word."""
    image, draw = _canvas()
    _gradient(draw, (0, 0, WIDTH, HEIGHT), (232, 226, 214), (214, 206, 192))
    draw.rounded_rectangle(_s(70, 60, 1130, 700), radius=10 * SCALE, fill=(170, 176, 184))
    draw.rectangle(_s(84, 74, 1116, 686), fill=(250, 251, 252))
    draw.rectangle(_s(200, 700, 1000, 718), fill=(150, 156, 164))  # the marker tray
    for x, colour in ((300, (30, 30, 30)), (340, (200, 40, 40)), (380, (30, 80, 180))):
        draw.rounded_rectangle(_s(x, 690, x + 30, 702), radius=4 * SCALE, fill=colour)
    heads = ["Pistes", "En cours", "Fait"]  # the drawing font has no accents
    for c, head in enumerate(heads):
        x = 120 + c * 340
        draw.text(_s(x + 150, 120), head, font=_font(34), fill=(40, 60, 120), anchor="mm")
        draw.line(_s(x + 40, 150, x + 260, 150), fill=(40, 60, 120), width=3 * SCALE)
        if c:
            draw.line(_s(x - 20, 100, x - 20, 660), fill=(120, 120, 120), width=2 * SCALE)
        for n in range(rng.randint(2, 4)):
            nx, ny = x + 20 + (n % 2) * 140 + rng.randint(-8, 8), 180 + (n // 2) * 150 + rng.randint(-8, 8)
            note = Image.new("RGB", _s(120, 120), rng.choice(NOTES))
            scribble = ImageDraw.Draw(note)
            for row in range(4):
                length = rng.randint(50, 95)
                scribble.line(_s(12, 22 + row * 24, 12 + length, 20 + row * 24), fill=(60, 60, 70), width=3 * SCALE)  # fmt: skip
            shadow = Image.new("RGB", note.size, (200, 200, 200)).filter(ImageFilter.BoxBlur(4))
            image.paste(shadow, _s(nx + 4, ny + 5))
            image.paste(note.rotate(rng.uniform(-4, 4), fillcolor=(250, 251, 252)), _s(nx, ny))
    draw.line(_s(330, 560, 520, 560), fill=(200, 40, 40), width=4 * SCALE)  # an arrow between columns
    draw.polygon(_s(520, 548, 545, 560, 520, 572), fill=(200, 40, 40))
    draw.ellipse(_s(860, 560, 1010, 650), outline=(200, 40, 40), width=4 * SCALE)
    draw.text(_s(935, 605), "5S", font=_font(40), fill=(200, 40, 40), anchor="mm")
    return _finish(image)


PICTURES = {
    "ligne": ("Nouvelle ligne", _line_picture),
    "equipe": ("Équipe", _team_picture),
    "tableau": ("Tableau blanc", _whiteboard_picture),
}
VARIANTS = 3  # distinct drawings of each picture


@cache
def picture(key: str, variant: int) -> bytes:
    """The JPEG of a picture, drawn once per process."""
    _name, draw = PICTURES[key]
    return draw(random.Random(f"{key}:{variant}"))


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    """A PDF string literal in WinAnsiEncoding (the standard fonts' own: accents included)."""
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf(title: str, lines: list[str]) -> bytes:
    """A real one-page A4 PDF (catalog, page, Helvetica, content stream, cross-reference table)."""
    content = ["BT", "/F2 18 Tf", "56 780 Td", f"{_pdf_text(title)} Tj", "/F1 11 Tf", "0 -34 Td"]
    for line in lines:
        content += [f"{_pdf_text(line)} Tj", "0 -17 Td"]
    content.append("ET")
    stream = "\n".join(content).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DOCUMENTS = {
    "cse": ("Compte rendu CSE.pdf", lambda: pdf("Compte rendu du CSE", [
        "Réunion ordinaire du comité social et économique, site de Lyon.",
        "",
        "1. Mutuelle : nouveau contrat au 1er janvier, cotisation inchangée.",
        "2. Télétravail : deux jours par semaine possibles pour les postes éligibles.",
        "3. Calendrier des congés d'été : dépôt des demandes avant le 31 mars.",
        "4. Restaurant d'entreprise : menu local le jeudi, à l'essai trois mois.",
        "5. Questions diverses : parking vélos du bâtiment B, éclairage de l'allée nord.",
        "",
        "Prochaine réunion : premier jeudi du mois, 14 h, salle Mont-Blanc.",
    ])),
    "8d": ("8D carters K40.pdf", lambda: pdf("Rapport 8D : carters K40", [
        "D1 Équipe : qualité, production (ligne 2), méthodes.",
        "D2 Problème : perçages hors tolérance (+0,12 mm) détectés au contrôle final.",
        "D3 Confinement : 312 pièces isolées, tri à 100 %, aucune livraison touchée.",
        "D4 Cause racine : usure de l'outil de perçage, plan de changement non suivi.",
        "D5 Actions correctives : remplacement de l'outil, compteur de cycles dans la GMAO.",
        "D6 Vérification : 2 000 pièces contrôlées, capabilité Cpk 1,67.",
        "D7 Prévention : même compteur sur les six autres centres d'usinage.",
        "D8 Clôture : merci à l'équipe pour la réactivité.",
    ])),
    "portes": ("Programme portes ouvertes.pdf", lambda: pdf("Journée portes ouvertes", [
        "10 h 00  Accueil des familles, café et viennoiseries",
        "10 h 30  Visite de l'atelier (toutes les heures, casques et lunettes fournis)",
        "12 h 00  Démonstration du prototype Atlas",
        "12 h 30  Déjeuner sur place, menu 100 % produits locaux",
        "14 h 00  Atelier soudure pour les plus grands, coloriage pour les petits",
        "16 h 00  Fin de la journée",
        "",
        "Inscriptions auprès de l'équipe communication.",
    ])),
    "trimestre": ("Résultats du trimestre.pdf", lambda: pdf("Résultats du trimestre", [
        "Chiffre d'affaires : +8 % par rapport au trimestre précédent.",
        "Carnet de commandes : 14 semaines de production.",
        "Sécurité : 200 jours sans accident avec arrêt.",
        "Export : premier contrat en Pologne, trois offres en cours en Europe centrale.",
        "Investissements : nouvelle ligne de production à Lyon, banc d'essai Atlas.",
    ])),
    "formation": ("Catalogue formation 2027.pdf", lambda: pdf("Catalogue de formation 2027", [
        "Management : prendre son poste de manager (3 jours), conduire un entretien (1 jour).",
        "Langues : anglais professionnel, tous niveaux, en petits groupes.",
        "Lean : 5S, SMED, résolution de problèmes (8D).",
        "Sécurité : habilitations électriques, CACES, gestes et postures.",
        "Numérique : Python pour les non-développeurs, Excel avancé.",
        "",
        "Inscriptions jusqu'au 15 décembre auprès des ressources humaines.",
    ])),
    "iso": ("Compte rendu audit ISO 9001.pdf", lambda: pdf("Audit de suivi ISO 9001", [
        "Périmètre : conception, production et service après-vente, sites de Lyon et Nantes.",
        "Non-conformités majeures : aucune.",
        "Remarques mineures : 2 (gestion documentaire, revue des indicateurs fournisseurs).",
        "Points forts : animation des 8D, implication des équipes, suivi des actions.",
        "Prochain audit : renouvellement de la certification dans un an.",
    ])),
    "entretiens": ("Support entretien annuel.pdf", lambda: pdf("Préparer son entretien annuel", [
        "1. Le bilan de l'année : réussites, difficultés, ce qui a changé.",
        "2. Les objectifs de l'année qui vient, et les moyens de les atteindre.",
        "3. Les compétences à développer, les formations souhaitées.",
        "4. Les souhaits d'évolution et de mobilité.",
        "5. La charge de travail et l'équilibre avec la vie personnelle.",
    ])),
    "maintenance": ("Planning maintenance.csv", lambda: "\r\n".join([
        "Date;Équipement;Intervention;Durée;Responsable",
        "mercredi;Compresseur principal;Maintenance préventive;4 h;Maintenance",
        "jeudi;Ligne 2 - presse;Changement des courroies;2 h;Maintenance",
        "vendredi;Ligne 3 - convoyeur;Graissage et contrôle;1 h;Équipe montage",
        "lundi;Centre d'usinage 4;Remplacement de l'outil de perçage;1 h;Méthodes",
    ]).encode("cp1252")),
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------------


def upload_files(rng: random.Random, *, uploader, kinds: tuple[str, ...]) -> list[int]:
    """Upload what a post carries, as its author: one document, or 1-3 photos from `kinds`
    ("photo:<picture>" or "doc:<document>"). Returns the attachments' ids, in order."""
    docs = [k.removeprefix("doc:") for k in kinds if k.startswith("doc:")]
    photos = [k.removeprefix("photo:") for k in kinds if k.startswith("photo:")]
    if docs and (not photos or rng.random() < 0.5):
        name, content = DOCUMENTS[rng.choice(docs)]
        uploads = [SimpleUploadedFile(name, content())]
    else:
        count = rng.choice([1, 1, 2, 3])
        start = rng.randrange(VARIANTS)
        uploads = [
            SimpleUploadedFile(
                f"{PICTURES[key][0]} {n + 1}.jpg", picture(key, (start + n) % VARIANTS), "image/jpeg"
            )
            for n, key in enumerate((photos * 3)[:count])
        ]
    return [attachment_upload(uploader=uploader, upload=upload).pk for upload in uploads]


def backdate(post_id: int, when) -> None:
    """The files of a post were added when it was written."""
    Attachment.objects.filter(holder_kind="post", holder_id=post_id).update(created=when)
