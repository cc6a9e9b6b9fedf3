"""Micro-learning ("Lär dig"): each lab's short reading piece, and the site's learning pages.

Every lab folder carries ``lar-dig.md`` (Swedish) and ``learn.md`` (English) beside its
``lab.yml``: one ``# Title`` line, then 500–900 words (a 3–5 minute read) on what the lab shows,
how to read each chart and key figure, common misreadings and what to try next.

:func:`write_pages` renders them to static HTML (Markdown by ``mistune``, which nbconvert
already depends on; raw HTML in a piece is escaped) with a learning index per language that
lists the pieces in a suggested order with an estimated reading time (words / 200 per
minute). The site puts the pages in its Voilà template's ``static`` folder, which Voilà serves
at ``voila/templates/<template>/static/``; nothing else of the site becomes downloadable.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

from kit.labels import LANGUAGES, t
from kit.labs.folders import Lab, dashboard_name

#: the piece's file name per language
FILES = {"sv": "lar-dig.md", "en": "learn.md"}
MIN_WORDS, MAX_WORDS = 500, 900
WORDS_PER_MINUTE = 200
#: suggested reading order: measure today, simulate tomorrow, check plans, look at the
#: organisation, then plan the next step; labs not named here follow in alphabetical order
SUGGESTED_ORDER = (
    "lead-times",
    "future-process",
    "plan-check",
    "innovation-capability",
    "action-plan",
)
#: from a page in ``static/learn/<lang>/`` up to the server root
_TO_ROOT = "../../../../../../"

_WORD = re.compile(r"[^\W_]+(?:[-’'][^\W_]+)*")
_TITLE = re.compile(r"^# (\S.*)$")


@dataclass(frozen=True)
class Piece:
    """One lab's learning piece in one language."""

    lab: str
    lang: str
    path: Path
    title: str
    words: int

    @property
    def minutes(self) -> int:
        """Estimated reading time: words / 200 per minute, rounded up, at least 1."""
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


def count_words(markdown: str) -> int:
    """Words of a Markdown text, the title line included (a hyphenated word counts once)."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)  # link targets are not read
    return len(_WORD.findall(text))


def read_piece(lab: Lab, lang: str) -> Piece | None:
    """The lab's piece in ``lang``, or None when the file is missing."""
    path = lab.path / FILES[lang]
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    match = _TITLE.match(first)
    title = match.group(1).strip() if match else lab.title(lang)
    return Piece(lab.id, lang, path, title, count_words(text))


def problems(lab: Lab) -> list[str]:
    """What is wrong with a lab's learning pieces (empty when both are complete)."""
    found = []
    for lang, name in FILES.items():
        path = lab.path / name
        if not path.is_file():
            found.append(f"{path}: missing ({lang} learning piece)")
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if not lines or not _TITLE.match(lines[0]):
            found.append(f"{path}:1: expected one '# Title' line first")
        if sum(1 for line in lines if line.startswith("# ")) != 1:
            found.append(f"{path}: expected exactly one '# ' title line")
        n = count_words(text)
        if not MIN_WORDS <= n <= MAX_WORDS:
            found.append(f"{path}: {n} words, expected {MIN_WORDS}–{MAX_WORDS}")
    return found


def ordered(labs: list[Lab]) -> list[Lab]:
    """``labs`` in the suggested reading order."""
    rank = {lab_id: i for i, lab_id in enumerate(SUGGESTED_ORDER)}
    return sorted(labs, key=lambda lab: (rank.get(lab.id, len(rank)), lab.id))


def page_name(lab_id: str) -> str:
    return f"{lab_id}.html"


def dashboard_href(lab_id: str, lang: str) -> str:
    """A published dashboard, relative to a learning page."""
    return f"{_TO_ROOT}voila/render/{dashboard_name(lab_id, lang)}.ipynb"


_PIECE_LINK = re.compile(r'href="(?:\.\./([a-z0-9-]+)/)?(lar-dig|learn)\.md"')


def render_markdown(text: str, lab_id: str) -> str:
    """Markdown → HTML; raw HTML is escaped; links to a piece become links to its page."""
    import mistune

    md = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    body = md(text)

    def relink(m: re.Match) -> str:
        target, stem = m.group(1) or lab_id, m.group(2)
        lang = "sv" if stem == "lar-dig" else "en"
        return f'href="../{lang}/{page_name(target)}"'

    return _PIECE_LINK.sub(relink, body)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:760px;margin:32px auto;padding:0 20px 40px;background:#fff;border:1px solid #d0d7de;border-radius:8px}
nav.testlab-learn-nav{max-width:760px;margin:24px auto 0;padding:0 4px;font-size:14px}
nav.testlab-learn-nav a{margin-right:18px;color:#0b5cad}
article{font-size:16px;line-height:1.6}
article h1{font-size:28px;margin-top:24px}
article h2{font-size:20px;margin-top:28px}
article code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
article table{border-collapse:collapse}article td,article th{border:1px solid #d0d7de;padding:4px 8px}
.meta{color:#57606a;font-size:14px}
ol.testlab-learn{padding-left:22px}
ol.testlab-learn li{margin:14px 0}
ol.testlab-learn a.piece{font-size:19px;font-weight:600;color:#0b5cad;text-decoration:none}
.note{color:#57606a;font-size:13px}
"""


def _page(lang: str, title: str, nav: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<nav class="testlab-learn-nav">{nav}</nav>\n<main>\n{body}\n</main>\n</body>\n</html>\n'
    )


def _link(href: str, text: str, cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return f'<a href="{html.escape(href)}"{extra}>{html.escape(text)}</a>'


def index_page(pieces: list[Piece], labs: dict[str, Lab], lang: str) -> str:
    """The learning index of one language: pieces in the suggested order with reading times."""
    other = "en" if lang == "sv" else "sv"
    items = []
    for i, p in enumerate(pieces, 1):
        lab = labs[p.lab]
        items.append(
            f'<li class="testlab-learn-item" data-lab="{html.escape(p.lab)}">'
            + _link(page_name(p.lab), p.title, "piece")
            + f' <span class="meta">· {html.escape(t("learn.minutes", lang, n=p.minutes))}</span>'
            + f"<p>{html.escape(lab.text('summary', lang))}</p>"
            + f'<p class="meta">{html.escape(t("learn.step", lang, n=i))} · '
            + _link(
                dashboard_href(p.lab, lang), t("learn.open_dashboard", lang, title=lab.title(lang))
            )
            + "</p></li>"
        )
    total = sum(p.minutes for p in pieces)
    body = (
        f"<h1>{html.escape(t('learn.title', lang))}</h1>"
        f"<p>{html.escape(t('learn.intro', lang))}</p>"
        + (
            f'<p class="meta">{html.escape(t("learn.total", lang, n=len(pieces), minutes=total))}</p>'
            f'<ol class="testlab-learn">{"".join(items)}</ol>'
            if pieces
            else f"<p>{html.escape(t('learn.none', lang))}</p>"
        )
        + f'<p class="note">{html.escape(t("common.synthetic_data", lang))}</p>'
    )
    nav = _link(f"{_TO_ROOT}?lang={lang}", t("learn.back_to_dashboards", lang)) + _link(
        f"../{other}/index.html", t("index.other_language", lang)
    )
    return _page(lang, t("learn.title", lang), nav, body)


def piece_page(piece: Piece, lab: Lab, has_other: bool) -> str:
    """One piece as a page: navigation, the rendered Markdown, the way to the dashboard."""
    lang = piece.lang
    other = "en" if lang == "sv" else "sv"
    text = piece.path.read_text(encoding="utf-8")
    nav = _link("index.html", t("learn.back_to_index", lang)) + _link(
        dashboard_href(lab.id, lang), t("learn.open_dashboard", lang, title=lab.title(lang))
    )
    if has_other:
        nav += _link(f"../{other}/{page_name(lab.id)}", t("index.other_language", lang))
    body = (
        f'<p class="meta">{html.escape(t("learn.minutes", lang, n=piece.minutes))} · '
        f"{html.escape(t('learn.words', lang, n=piece.words))}</p>"
        f"<article>{render_markdown(text, lab.id)}</article>"
    )
    return _page(lang, piece.title, nav, body)


def write_pages(folder: Path, labs: list[Lab]) -> dict[str, list[Piece]]:
    """Write ``<folder>/<lang>/index.html`` and one page per piece; return the pieces by language."""
    by_id = {lab.id: lab for lab in labs}
    out: dict[str, list[Piece]] = {}
    for lang in LANGUAGES:
        pieces = [p for lab in ordered(labs) if (p := read_piece(lab, lang)) is not None]
        out[lang] = pieces
        target = folder / lang
        target.mkdir(parents=True, exist_ok=True)
        other = "en" if lang == "sv" else "sv"
        for p in pieces:
            has_other = (by_id[p.lab].path / FILES[other]).is_file()
            (target / page_name(p.lab)).write_text(
                piece_page(p, by_id[p.lab], has_other), encoding="utf-8"
            )
        (target / "index.html").write_text(index_page(pieces, by_id, lang), encoding="utf-8")
    return out
