"""Publishing the site for Voilà: notebooks per language, index template, production settings."""

from __future__ import annotations

import json

import nbformat

from kit.labs.site import IMAGES_ONLY, SHARE, TEMPLATE, publish, set_default_lang, voila_command


def test_publish_writes_both_languages_and_an_index(toy_project):
    site = toy_project / "build" / "site"
    boards = publish(site)
    assert [(b.notebook, b.title) for b in boards] == [
        ("toy.ipynb", "Leksakslabb"),
        ("toy.en.ipynb", "Toy lab"),
    ]
    tree = (site / SHARE / "voila/templates" / TEMPLATE / "tree.html").read_text(encoding="utf-8")
    assert 'href="{{ base_url }}voila/render/toy.ipynb">Leksakslabb</a>' in tree
    assert 'href="{{ base_url }}voila/render/toy.en.ipynb">Toy lab</a>' in tree
    assert json.loads((site / SHARE / "voila/templates" / TEMPLATE / "conf.json").read_text()) == {
        "base_template": "lab"
    }
    nb = nbformat.read(site / "toy.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "testlab"


def test_english_copy_injects_lang_when_the_lab_has_it(toy_project):
    nb_path = toy_project / "labs/toy/toy.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[1].source += '\nlang: str = "sv"  # språk'
    nbformat.write(nb, nb_path)
    site = toy_project / "build" / "site"
    publish(site)
    en = nbformat.read(site / "toy.en.ipynb", as_version=4)
    injected = [c for c in en.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'lang = "en"' in injected[0].source
    assert en.cells[0].source == "# Toy lab\n\nDoes the run work?"
    sv = nbformat.read(site / "toy.ipynb", as_version=4)
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in sv.cells)
    assert sv.cells[0].source == "# Leksak"


def test_republish_replaces_the_site_and_leaves_no_staging(toy_project):
    site = toy_project / "build" / "site"
    publish(site)
    (site / "stale.ipynb").write_text("{}")
    publish(site)
    assert not (site / "stale.ipynb").exists()
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_default_language_of_the_index(toy_project):
    site = toy_project / "build" / "site"
    publish(site)
    set_default_lang(site, "en")
    tree = (site / SHARE / "voila/templates" / TEMPLATE / "tree.html").read_text(encoding="utf-8")
    assert "(true and 'lang=sv' not in query)" in tree


def test_voila_runs_in_production_settings(tmp_path):
    cmd, env = voila_command(tmp_path, 9999)
    joined = " ".join(cmd)
    assert "--Voila.ip=127.0.0.1" in cmd
    assert "--VoilaConfiguration.show_tracebacks=False" in cmd
    assert "--VoilaConfiguration.strip_sources=True" in cmd
    assert f"--VoilaConfiguration.file_allowlist={IMAGES_ONLY}" in cmd
    assert "cull_idle_timeout" in joined and "--preheat_kernel=True" in cmd
    assert env["JUPYTER_PATH"].split(":")[0] == str(tmp_path / SHARE)
    assert "--preheat_kernel=True" not in voila_command(tmp_path, 9999, preheat=False)[0]


def test_published_templates_load_nothing_from_the_network(toy_project):
    import re

    site = toy_project / "build" / "site"
    publish(site)
    folder = site / SHARE / "voila/templates" / TEMPLATE
    # Voilà's lab template pulls Font Awesome from a CDN: our copy must replace it
    assert (folder / "index.html.j2").exists()
    for path in (p for p in folder.rglob("*") if p.is_file()):  # the learning pages too
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<(link|script)[^>]+(href|src)=[\"']https?://", text), path.name
