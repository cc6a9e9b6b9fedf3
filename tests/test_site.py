"""Publishing the site for Voilà: notebooks per language, index template, production settings."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

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


def test_closed_pages_kernels_go_within_a_minute_and_viewers_kernels_are_capped(tmp_path):
    from kit.labs.site import CULL_IDLE_S, CULL_INTERVAL_S, default_max_kernels
    from kit.labs.voila_app import HASHED, MAX_KERNELS_ENV

    cmd, env = voila_command(tmp_path, 9999, max_kernels=3, pool_size=2)
    assert cmd[1:3] == ["-m", "kit.labs.voila_app"]
    assert CULL_IDLE_S + CULL_INTERVAL_S <= 60
    assert f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}" in cmd
    assert "--MappingKernelManager.cull_connected=False" in cmd  # an open page keeps its kernel
    assert "--pool_size=2" in cmd and env[MAX_KERNELS_ENV] == "3"
    assert 1 <= default_max_kernels() <= 2 * (os.cpu_count() or 1) + 2
    assert HASHED.search("static/84.09c61a35dce1705f.js")
    assert not HASHED.search("static/remoteEntry.js") and not HASHED.search("package.json")


def test_busy_page_in_both_languages_reloads_itself_offline(toy_project):
    site = toy_project / "build" / "site"
    publish(site)
    busy = (site / SHARE / "voila/templates" / TEMPLATE / "503.html").read_text(encoding="utf-8")
    assert busy.startswith("{% raw %}") and busy.endswith("{% endraw %}")
    assert "Många tittar just nu – försöker igen …" in busy and "Busy, retrying …" in busy
    assert '<meta http-equiv="refresh" content="5">' in busy
    assert "http" not in busy.replace('http-equiv="refresh"', "")


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


def test_voila_never_moves_to_another_port(tmp_path):
    assert "--Voila.port_retries=0" in voila_command(tmp_path, 9999)[0]


@pytest.mark.timeout(120)
def test_serve_refuses_a_busy_port_with_one_line(toy_project, capsys):
    from kit.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port), "--no-preheat"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"testlab serve: port {port} on 127.0.0.1 is busy; stop what listens there or "
        "choose another with --port\n"
    )
    assert not (toy_project / "build").exists()


def _children(pid: int) -> list[int]:
    from kit.labs.pool import child_pids

    found, todo = [], [pid]
    while todo:
        for child in child_pids(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@contextlib.contextmanager
def _serving(toy_project):
    """``testlab serve`` as a process, one dashboard opened (so a kernel runs): yields
    (process, port, its children: Voilà and the kernel); whatever is left is killed after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, TESTLAB_ROOT=str(toy_project))
    proc = subprocess.Popen(
        [sys.executable, "-m", "kit.cli", "serve", "--port", str(port), "--no-preheat"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    started = []
    try:
        assert f"http://127.0.0.1:{port}/" in proc.stdout.readline()
        deadline = time.monotonic() + 180
        while True:  # the index answers, then a dashboard (which starts a kernel)
            try:
                url = f"http://127.0.0.1:{port}/voila/render/toy.ipynb"
                with urllib.request.urlopen(url, timeout=60) as resp:
                    assert resp.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "Voilà did not answer"
                time.sleep(0.5)
        started = _children(proc.pid)
        names = [Path(f"/proc/{p}/cmdline").read_bytes() for p in started]
        assert any(b"voila" in n for n in names) and any(b"ipykernel" in n for n in names)
        yield proc, port, started
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in started + _children(proc.pid):
            if _alive(p):
                os.kill(p, signal.SIGKILL)


def _assert_gone(started: list[int], port: int, within: float) -> None:
    deadline = time.monotonic() + within
    while any(_alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in started if _alive(p)] == []
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # the port is free again


@pytest.mark.labs
@pytest.mark.timeout(300)
def test_sigterm_stops_voila_and_its_kernels_and_frees_the_port(toy_project):
    with _serving(toy_project) as (proc, port, started):
        proc.send_signal(signal.SIGTERM)  # how systemd and docker stop a service
        assert proc.wait(timeout=60) == 0
        _assert_gone(started, port, within=10)


@pytest.mark.labs
@pytest.mark.timeout(300)
def test_serve_killed_outright_leaves_no_voila_or_kernel_behind(toy_project):
    """SIGKILL cannot be caught: Voilà notices its parent is gone and stops with its kernels."""
    with _serving(toy_project) as (proc, port, started):
        proc.kill()
        proc.wait(timeout=10)
        _assert_gone(started, port, within=30)
