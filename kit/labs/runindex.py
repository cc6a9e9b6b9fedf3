"""The index page of a batch-run folder: every report of the manifest in one table.

Plain HTML with its styles inline (no scripts, nothing from the network), one language per
page: ``index.html`` in the batch's language (Swedish unless ``--lang`` says otherwise) and
``index.<other>.html`` in the other, linked to each other.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from kit.config import MUNICIPALITIES
from kit.labels import DEFAULT_LANG, LANGUAGES, t

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:1100px;margin:32px auto;padding:0 20px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d0d7de;padding:6px 10px;text-align:left;vertical-align:top}
th{background:#eaeef2}
.failed{color:#b42318;font-weight:600} .ok{color:#1a7f37}
.params{color:#57606a;font-size:13px}
"""


def _titles(lang: str) -> dict[str, str]:
    from kit.labs.folders import discover_labs

    try:
        return {lab.id: lab.title(lang) for lab in discover_labs()}
    except Exception:  # a broken lab folder must not cost the index
        return {}


def _page(out_root: Path, entries: list[dict[str, Any]], lang: str, other: str, main: str) -> str:
    titles = _titles(lang)
    rows = []
    for e in sorted(
        entries,
        key=lambda e: (
            e.get("lab", ""),
            str(e.get("parameters", {}).get("municipality", "")),
            str(e.get("parameters", {}).get("lang", DEFAULT_LANG)) != DEFAULT_LANG,
            e.get("folder", ""),
        ),
    ):
        params = e.get("parameters") or {}
        place = params.get("municipality")
        place_name = MUNICIPALITIES[place].name if place in MUNICIPALITIES else (place or "–")
        page_lang = str(params.get("lang", DEFAULT_LANG))
        lang_name = t(f"runs.lang_{page_lang}", lang) if page_lang in LANGUAGES else page_lang
        ok = e.get("status") == "ok"
        status = t("runs.status_ok" if ok else "runs.status_failed", lang)
        if not ok and e.get("error"):
            status += f": {e['error']}"
        link = "–"
        for key, label in (("report", "runs.open_report"), ("notebook", "runs.notebook_only")):
            if e.get(key):
                href = os.path.relpath(e[key], out_root).replace(os.sep, "/")
                link = f'<a href="{html.escape(href)}">{html.escape(t(label, lang))}</a>'
                break
        others = {k: v for k, v in params.items() if k not in ("municipality", "lang")}
        extra = ", ".join(f"{k}={v}" for k, v in others.items())
        rows.append(
            "<tr>"
            f"<td>{html.escape(titles.get(e.get('lab', ''), e.get('lab', '')))}"
            + (f'<div class="params">{html.escape(extra)}</div>' if extra else "")
            + "</td>"
            f"<td>{html.escape(place_name)}</td>"
            f"<td>{html.escape(lang_name)}</td>"
            f"<td>{html.escape(str(e.get('started', ''))[:16].replace('T', ' '))}</td>"
            f'<td class="{"ok" if ok else "failed"}">{html.escape(status)}</td>'
            f"<td>{link}</td>"
            "</tr>"
        )
    heads = ("runs.lab", "runs.municipality", "runs.language", "runs.date", "runs.status")
    head = "".join(f"<th>{html.escape(t(k, lang))}</th>" for k in (*heads, "runs.report"))
    body = (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else f"<p>{html.escape(t('runs.none', lang))}</p>"
    )
    other_name = "index.html" if other == main else f"index.{other}.html"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(t('runs.title', lang))}</title>\n<style>{_STYLE}</style>\n"
        f"</head>\n<body>\n<main>\n<h1>{html.escape(t('runs.title', lang))}</h1>\n"
        f"<p>{html.escape(t('runs.intro', lang))}</p>\n{body}\n"
        f'<p><a href="{other_name}" hreflang="{other}">'
        f"{html.escape(t('runs.other_language', lang))}</a></p>\n"
        f"<p>{html.escape(t('common.synthetic_data', lang))}</p>\n</main>\n</body>\n</html>\n"
    )


def index_pages(
    out_root: Path, entries: list[dict[str, Any]], lang: str | None = None
) -> dict[str, str]:
    """File name → page: ``index.html`` in ``lang`` (default Swedish), the other language as
    ``index.<lang>.html``."""
    main = lang if lang in LANGUAGES else DEFAULT_LANG
    pages = {}
    for page_lang in LANGUAGES:
        other = next(x for x in LANGUAGES if x != page_lang)
        name = "index.html" if page_lang == main else f"index.{page_lang}.html"
        pages[name] = _page(out_root, entries, page_lang, other, main)
    return pages
