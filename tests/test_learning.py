"""Micro-learning: every lab's pieces are complete, render offline, and dashboards link to them;
every exploration notebook runs top to bottom; `testlab new --explore` scaffolds the pattern."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from kit.cli import main
from kit.labs.folders import Lab, discover_labs
from kit.labs.learning import (
    FILES,
    MAX_WORDS,
    MIN_WORDS,
    SUGGESTED_ORDER,
    Piece,
    count_words,
    ordered,
    problems,
    render_markdown,
    write_pages,
)
from kit.labs.site import LEARN, LEARN_URL, SHARE, TEMPLATE, publish

REPO = Path(__file__).resolve().parent.parent
LABS = discover_labs(REPO / "labs")


# --- every lab in the repository --------------------------------------------------------------


@pytest.mark.parametrize("lab", LABS, ids=[lab.id for lab in LABS])
def test_every_lab_has_both_learning_pieces_in_the_word_range(lab):
    assert problems(lab) == []


@pytest.mark.parametrize("lab", LABS, ids=[lab.id for lab in LABS])
def test_every_lab_has_an_exploration_notebook_that_is_not_its_lab_notebook(lab):
    path = lab.path / "utforska.ipynb"
    assert path.is_file(), f"{lab.id}: missing utforska.ipynb"
    assert lab.notebook.name == f"{lab.id}.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "testlab"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "commit notebooks without outputs"
    )
    kinds = [c.cell_type for c in nb.cells]
    assert kinds.count("markdown") >= 4 and kinds.count("code") >= 4
    assert "import kit" in "".join(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.labs
@pytest.mark.parametrize("lab", LABS, ids=[lab.id for lab in LABS])
def test_exploration_notebook_runs_top_to_bottom_without_network(lab, tmp_path):
    import papermill as pm

    # a copy in a temporary folder, so nothing is written beside the committed notebook;
    # proxies to a closed port make any HTTP(S) request fail instead of reaching the network
    work = tmp_path / lab.id
    work.mkdir()
    for name in ("utforska.ipynb", *FILES.values()):
        if (lab.path / name).is_file():
            (work / name).write_bytes((lab.path / name).read_bytes())
    closed = "http://127.0.0.1:9"
    env = {k: closed for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = ""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        pm.execute_notebook(
            str(work / "utforska.ipynb"),
            str(work / "out.ipynb"),
            kernel_name="testlab",
            cwd=str(work),
            progress_bar=False,
        )
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    nb = nbformat.read(work / "out.ipynb", as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the notebook draws a chart"


# --- the rules, on small cases worked out by hand ---------------------------------------------


def test_words_and_reading_time():
    assert count_words("# Lär dig\n\nEtt två-tre, [länk](https://x.se/a-b) *fyra* 94,8 %") == 8
    # "Lär", "dig", "Ett", "två-tre", "länk", "fyra", "94", "8": the link target is not read
    assert count_words("") == 0
    assert Piece("x", "sv", Path("x"), "T", 200).minutes == 1
    assert Piece("x", "sv", Path("x"), "T", 201).minutes == 2
    assert Piece("x", "sv", Path("x"), "T", 900).minutes == 5
    assert Piece("x", "sv", Path("x"), "T", 1).minutes == 1


def _lab(root: Path, lab_id: str, sv: str | None, en: str | None) -> Lab:
    folder = root / lab_id
    folder.mkdir(parents=True)
    meta = {
        "id": lab_id,
        "title": {"sv": f"Titel {lab_id}", "en": f"Title {lab_id}"},
        "summary": {"sv": "Sammanfattning <b>", "en": "Summary <b>"},
    }
    if sv is not None:
        (folder / "lar-dig.md").write_text(sv, encoding="utf-8")
    if en is not None:
        (folder / "learn.md").write_text(en, encoding="utf-8")
    return Lab(folder, meta)


def test_problems_name_the_file_and_what_is_wrong(tmp_path):
    words = " ".join(["ord"] * (MIN_WORDS - 3))  # + 3 title words = MIN_WORDS exactly
    ok = _lab(tmp_path, "ok", f"# Lär dig mer\n\n{words}", f"# Learn this now\n\n{words}")
    assert problems(ok) == []
    short = _lab(tmp_path, "short", "# Kort\n\nBara några ord.", None)
    found = problems(short)
    assert any("lar-dig.md: 4 words, expected 500–900" in p for p in found)
    assert any("learn.md: missing (en learning piece)" in p for p in found)
    untitled = _lab(tmp_path, "untitled", words + " a b c", "# A\n\n# B\n\n" + words)
    found = problems(untitled)
    assert any("lar-dig.md:1: expected one '# Title' line first" in p for p in found)
    assert any("learn.md: expected exactly one '# ' title line" in p for p in found)
    long = _lab(tmp_path, "long", "# T\n\n" + " ".join(["ord"] * MAX_WORDS), None)
    assert any(f"{MAX_WORDS + 1} words" in p for p in problems(long))


def test_suggested_order_then_alphabetical(tmp_path):
    labs = [
        _lab(tmp_path, name, None, None)
        for name in ("zeta", "plan-check", "alpha", "lead-times", "action-plan")
    ]
    assert [lab.id for lab in ordered(labs)] == [
        "lead-times",
        "plan-check",
        "action-plan",
        "alpha",
        "zeta",
    ]
    assert SUGGESTED_ORDER.index("lead-times") < SUGGESTED_ORDER.index("plan-check")


def test_markdown_escapes_html_and_links_pieces_to_their_pages():
    out = render_markdown(
        "# T\n\n<script>x()</script>\n\nSe <b>[här](lar-dig.md)</b> [there](../plan-check/learn.md)",
        "a-lab",
    )
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'href="../sv/a-lab.html"' in out
    assert 'href="../en/plan-check.html"' in out


def test_pages_list_pieces_in_order_with_reading_time_and_links(tmp_path):
    words = " ".join(["ord"] * 598)  # + the title: 599 to 601 words
    labs = [
        _lab(tmp_path / "labs", "plan-check", f"# Planen\n\n{words}", f"# The plan\n\n{words}"),
        _lab(tmp_path / "labs", "lead-times", f"# Tiden nu\n\n{words} extra", None),
    ]
    out = tmp_path / "learn"
    pieces = write_pages(out, labs)
    assert [p.lab for p in pieces["sv"]] == ["lead-times", "plan-check"]
    assert [p.lab for p in pieces["en"]] == ["plan-check"]
    assert [p.minutes for p in pieces["sv"]] == [4, 3]  # 601 words round up
    index = (out / "sv" / "index.html").read_text(encoding="utf-8")
    assert index.index('href="lead-times.html"') < index.index('href="plan-check.html"')
    assert "4 min läsning" in index and "3 min läsning" in index
    assert "sammanlagt ungefär 7 minuters läsning" in index
    assert "Sammanfattning &lt;b&gt;" in index
    assert 'href="../../../../../../voila/render/plan-check.ipynb"' in index
    en_index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert "3 min read" in en_index and "voila/render/plan-check.en.ipynb" in en_index
    page = (out / "sv" / "lead-times.html").read_text(encoding="utf-8")
    assert "<h1>Tiden nu</h1>" in page and 'lang="sv"' in page
    assert "../en/lead-times.html" not in page  # no English piece, so no link to one
    assert 'href="../en/plan-check.html"' in (out / "sv" / "plan-check.html").read_text(
        encoding="utf-8"
    )
    # the relative way up from static/learn/<lang>/ is the depth of the served URL
    assert LEARN_URL.count("/") + 2 == 6


def test_publish_puts_the_learning_pages_in_the_template_static_folder(toy_project):
    lab = toy_project / "labs" / "toy"
    words = " ".join(["ord"] * 600)
    (lab / "lar-dig.md").write_text(f"# Leksak\n\n{words}", encoding="utf-8")
    site = toy_project / "build" / "site"
    publish(site)
    folder = site / SHARE / "voila" / "templates" / TEMPLATE
    assert (folder / "static" / LEARN / "sv" / "toy.html").is_file()
    assert (folder / "static" / LEARN / "en" / "index.html").is_file()
    tree = (folder / "tree.html").read_text(encoding="utf-8")
    assert f'href="{{{{ base_url }}}}{LEARN_URL}/sv/index.html"' in tree
    assert f'href="{{{{ base_url }}}}{LEARN_URL}/en/index.html"' in tree
    assert "Lär dig läsa instrumentpanelerna" in tree and "Learn to read the dashboards" in tree
    # no dataset or notebook next to the learning pages
    served = [p.name for p in (folder / "static").rglob("*") if p.is_file()]
    assert all(name.endswith(".html") for name in served), served


# --- the link on every dashboard --------------------------------------------------------------


def test_dashboard_finds_its_lab_from_the_view_module_and_links_to_the_piece(tmp_path):
    from kit.present.dashboard import learn_href
    from kit.present.views.leadtimes import LeadTimeDashboard
    from kit.present.views.plancheck import PlanCheckDashboard

    assert LeadTimeDashboard.__new__(LeadTimeDashboard).lab() == "lead-times"
    assert PlanCheckDashboard.__new__(PlanCheckDashboard).lab() == "plan-check"
    # JupyterLab in the lab folder: the Markdown file beside the notebook
    assert learn_href("lead-times", "sv", REPO / "labs" / "lead-times") == "lar-dig.md"
    assert learn_href("lead-times", "en", REPO / "labs" / "lead-times") == "learn.md"
    # elsewhere (a batch report): the file's URI
    uri = learn_href("lead-times", "en", tmp_path)
    assert uri.startswith("file://") and uri.endswith("/labs/lead-times/learn.md")
    # in the published site: the rendered page, relative to voila/render/
    page = tmp_path / SHARE / "voila" / "templates" / TEMPLATE / "static" / LEARN / "en"
    page.mkdir(parents=True)
    (page / "lead-times.html").write_text("<p>x</p>", encoding="utf-8")
    assert (
        learn_href("lead-times", "en", tmp_path)
        == f"../templates/{TEMPLATE}/static/{LEARN}/en/lead-times.html"
    )
    assert learn_href("no-such-lab", "sv", tmp_path) is None


def test_dashboard_link_text_in_the_page_language(monkeypatch):
    from kit.present.views.leadtimes import LeadTimeDashboard

    monkeypatch.chdir(REPO / "labs" / "lead-times")
    for lang, text in (("sv", "Lär dig: hur läser jag sidan?"), ("en", "Learn: how do I read")):
        board = LeadTimeDashboard.__new__(LeadTimeDashboard)
        board.lang = lang
        html = board.learn_link_html()
        assert text in html and 'class="testlab-learn-link"' in html
        assert f'href="{FILES[lang]}"' in html


def test_a_dashboard_without_a_lab_shows_no_link():
    from kit.present.dashboard import Dashboard

    class Elsewhere(Dashboard):
        def render_parts(self):
            return []

    assert Elsewhere("sv").learn_link_html() == ""


def test_kpi_cards_of_both_dashboards_explain_themselves():
    from kit.labels import LABELS

    for prefix, n in (("leadtimes.help.", 6), ("plancheck.help.", 5)):
        keys = [k for k in LABELS if k.startswith(prefix)]
        assert len(keys) == n, prefix
        for k in keys:
            assert LABELS[k]["sv"] != LABELS[k]["en"] and len(LABELS[k]["sv"]) > 40


# --- scaffold ---------------------------------------------------------------------------------


def test_new_lab_gets_stub_pieces_and_with_explore_a_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    assert main(["new", "e-tjanst", "--title", "E-tjänst"]) == 0
    plain = tmp_path / "labs" / "e-tjanst"
    assert sorted(p.name for p in plain.iterdir()) == [
        "e-tjanst.ipynb",
        "lab.yml",
        "lar-dig.md",
        "learn.md",
    ]
    assert main(["new", "karta", "--title", "Kartan", "--explore"]) == 0
    assert "utforska.ipynb" in capsys.readouterr().out
    folder = tmp_path / "labs" / "karta"
    assert (folder / "utforska.ipynb").is_file()
    assert (folder / "lar-dig.md").read_text(encoding="utf-8").startswith("# Lär dig läsa Kartan")
    assert (folder / "learn.md").read_text(encoding="utf-8").startswith("# Learn to read Kartan")
    nb = json.loads((folder / "utforska.ipynb").read_text(encoding="utf-8"))
    assert "Utforska: Kartan" in "".join(nb["cells"][0]["source"])
    [lab] = [lab for lab in discover_labs(tmp_path / "labs") if lab.id == "karta"]
    assert lab.notebook.name == "karta.ipynb"  # the exploration notebook is not the lab's
    assert any("words, expected" in p for p in problems(lab))  # stubs must be written out
    # `testlab list` shows each lab once, by its own notebook
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert len(re.findall(r"\bkarta\b", listing)) == 1 and "utforska" not in listing


@pytest.mark.labs
def test_scaffolded_exploration_notebook_runs(tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    assert main(["new", "karta", "--explore"]) == 0
    folder = tmp_path / "labs" / "karta"
    monkeypatch.delenv("TESTLAB_ROOT")  # the notebook reads the bundled sample data
    pm.execute_notebook(
        str(folder / "utforska.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name="testlab",
        cwd=str(folder),
        parameters={"kommun": "alingsas", "gräns_veckor": 8},
        progress_bar=False,
    )
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Inom 8 veckor från ansökan:" in text
