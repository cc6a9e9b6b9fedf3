"""`testlab run` under faults: a worker killed mid-batch, Ctrl-C, the parent killed, a corrupt
manifest, parameter sets and languages side by side. Real processes and Papermill runs on a
tiny lab that sleeps when a file ``slow-<municipality>`` lies in its folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import TOY_LAB_YML, make_notebook

from kit.cli import main
from kit.labs.pool import child_pids

pytestmark = pytest.mark.labs

SLEEPY_PARAMETERS = (
    'municipality: str = "umea"  # kommun\nlang: str = "sv"  # språk\nn: int = 1  # ett heltal'
)
SLEEPY_BODY = (
    "import os, pathlib, time\n"
    'slow = pathlib.Path(f"slow-{municipality}")\n'
    "if slow.exists():\n"
    "    time.sleep(float(slow.read_text()))\n"
    'print("mark", os.environ.get("MARK", "-"), municipality, lang, n)'
)


@pytest.fixture
def sleepy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    lab = tmp_path / "labs" / "sleepy"
    lab.mkdir(parents=True)
    (lab / "lab.yml").write_text(TOY_LAB_YML.replace("id: toy", "id: sleepy"), encoding="utf-8")
    make_notebook(lab / "sleepy.ipynb", SLEEPY_PARAMETERS, SLEEPY_BODY)
    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    monkeypatch.delenv("TESTLAB_BUILD", raising=False)
    # a short temporary folder of its own, to see what the runs leave there
    short = Path(tempfile.mkdtemp(prefix="tl-", dir="/tmp"))
    (tmp_path / "tmp").symlink_to(short)
    yield tmp_path
    shutil.rmtree(short, ignore_errors=True)


def _env(root: Path, mark: str) -> dict[str, str]:
    env = dict(os.environ, TESTLAB_ROOT=str(root), MARK=mark, TMPDIR=str((root / "tmp").resolve()))
    env.pop("TESTLAB_BUILD", None)
    return env


def _start(root: Path, mark: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kit.cli", "run", "sleepy", "-q", *args],
        env=_env(root, mark),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job would be
    )


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in child_pids(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_for(predicate, timeout: float = 120.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _kernels(pid: int) -> list[int]:
    return [p for p in _descendants(pid) if "ipykernel_launcher" in _cmdline(p)]


def _manifest(root: Path) -> list[dict]:
    return json.loads((root / "build/runs/manifest.json").read_text(encoding="utf-8"))["runs"]


def _all_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if _alive(p)]


def test_a_worker_killed_mid_batch_loses_only_its_run_which_is_retried(sleepy):
    for place in ("alingsas", "linkoping", "umea"):
        (sleepy / f"labs/sleepy/slow-{place}").write_text("3")
    proc = _start(sleepy, "first", "--jobs", "2")
    _wait_for(lambda: len(_kernels(proc.pid)) >= 2, what="two kernels running")
    kernel = _kernels(proc.pid)[0]
    worker = next(p for p in child_pids(proc.pid) if kernel in _descendants(p))
    assert "spawn_main" in _cmdline(worker)
    everything = _descendants(proc.pid)
    os.kill(worker, signal.SIGKILL)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    runs = {r["parameters"]["municipality"]: r for r in _manifest(sleepy)}
    assert {m: r["status"] for m, r in runs.items()} == {
        "alingsas": "ok",
        "linkoping": "ok",
        "umea": "ok",
    }
    assert sorted(r["attempts"] for r in runs.values()) == [1, 1, 2]
    for place, r in runs.items():
        html = Path(r["report"]).read_text(encoding="utf-8")
        assert f"mark first {place} sv 1" in html
        assert r["report"] == str(sleepy / f"build/runs/sleepy/{place}/sleepy.html")
    # no worker or kernel left, the killed worker's kernel included, and no temporary folder
    assert _all_gone(everything) == []
    assert list((sleepy / "tmp").glob("testlab-run-*")) == []


def test_ctrl_c_stops_at_once_and_replaces_nothing_the_manifest_does_not_describe(sleepy):
    proc = _start(sleepy, "old", "--jobs", "2")
    assert proc.wait(timeout=180) == 0
    before = {r["parameters"]["municipality"]: r for r in _manifest(sleepy)}
    report = sleepy / "build/runs/sleepy/linkoping/sleepy.html"
    old_report = report.read_bytes()
    (sleepy / "labs/sleepy/slow-linkoping").write_text("120")
    proc = _start(sleepy, "new", "--jobs", "2")

    def two_new_entries() -> bool:
        try:
            runs = _manifest(sleepy)
        except (OSError, ValueError):
            return False
        return (
            sum(r["started"] != before[r["parameters"]["municipality"]]["started"] for r in runs)
            >= 2
        )

    _wait_for(two_new_entries, what="alingsas and umea to finish")
    _wait_for(lambda: len(_kernels(proc.pid)) >= 1, what="linkoping's kernel")
    everything = _descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.count("\n") == 1 and "testlab run: interrupted; 2 finished run(s)" in err
    assert "1 not run" in err
    runs = {r["parameters"]["municipality"]: r for r in _manifest(sleepy)}
    assert runs["linkoping"] == before["linkoping"]  # the interrupted run left no trace
    assert report.read_bytes() == old_report
    for place in ("alingsas", "umea"):
        html = Path(runs[place]["report"]).read_text(encoding="utf-8")
        assert f"mark new {place}" in html
    # every file in the output folder is one the manifest names (plus the index pages)
    named = {r[k] for r in runs.values() for k in ("report", "notebook")}
    on_disk = {
        str(p)
        for p in (sleepy / "build/runs").rglob("*")
        if p.is_file()
        and p.name not in ("manifest.json", "index.html", "index.en.html")
        and not p.name.startswith("journal.sqlite")
    }
    assert on_disk == named
    # the journal took the finished runs only: the interrupted one left no row
    from kit.journal.store import open_journal

    with open_journal(sleepy / "build/runs", create=False) as journal:
        per_place = {m: len(journal.query(municipality=m)) for m in runs}
    assert per_place == {"alingsas": 2, "linkoping": 1, "umea": 2}
    assert _all_gone(everything) == []
    assert list((sleepy / "tmp").glob("testlab-run-*")) == []


def test_workers_and_kernels_do_not_outlive_a_killed_parent(sleepy):
    (sleepy / "labs/sleepy/slow-umea").write_text("120")
    proc = _start(sleepy, "x", "-m", "umea")
    _wait_for(lambda: len(_kernels(proc.pid)) >= 1, what="the kernel")
    everything = _descendants(proc.pid)
    assert len(everything) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert _all_gone(everything) == []
    # the next run clears the temporary folder the killed one could not
    assert list((sleepy / "tmp").glob("testlab-run-*"))
    (sleepy / "labs/sleepy/slow-umea").unlink()
    assert _start(sleepy, "y", "-m", "umea").wait(timeout=180) == 0
    assert list((sleepy / "tmp").glob("testlab-run-*")) == []


def test_parameter_sets_and_languages_get_folders_of_their_own_and_an_index(
    sleepy, capsys, monkeypatch
):
    runs_dir = sleepy / "build/runs"
    runs_dir.mkdir(parents=True)
    (runs_dir / "manifest.json").write_text('{"runs": [{"lab": "sleepy", ', encoding="utf-8")
    monkeypatch.setenv("MARK", "a")
    assert main(["run", "sleepy", "-m", "umea", "--lang", "sv,en", "--jobs", "2", "-q"]) == 0
    err = capsys.readouterr().err
    kept = list(runs_dir.glob("manifest.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"runs": [{"lab": "sleepy", '
    assert re.search(r"warning: .*manifest.json is not a readable manifest .* kept as", err)
    assert main(["run", "sleepy", "-m", "umea", "-p", "n", "5", "-q"]) == 0
    assert main(["run", "sleepy", "-m", "umea", "-p", "n", "1", "-q"]) == 0  # the default
    runs = {r["folder"]: r for r in _manifest(sleepy)}
    assert sorted(runs) == ["sleepy/umea", "sleepy/umea/lang-en", "sleepy/umea/n-5"]
    texts = {f: Path(r["report"]).read_text(encoding="utf-8") for f, r in runs.items()}
    assert "mark a umea sv 1" in texts["sleepy/umea"]
    assert "mark a umea en 1" in texts["sleepy/umea/lang-en"]
    assert "mark a umea sv 5" in texts["sleepy/umea/n-5"]
    assert runs["sleepy/umea/lang-en"]["parameters"] == {"lang": "en", "municipality": "umea"}
    # the index lists every report, one language per page, offline
    index = (runs_dir / "index.html").read_text(encoding="utf-8")
    english = (runs_dir / "index.en.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in index and '<html lang="en">' in english
    for folder in runs:
        assert f'href="{folder}/sleepy.html"' in index
        assert f'href="{folder}/sleepy.html"' in english
    assert index.count("<tr>") == 4 and "Umeå" in index and "engelska" in index
    assert "Kommun" in index and "Klar" in index and "Municipality" not in index
    assert "Municipality" in english and "English" in english and "Kommun" not in english
    assert 'href="index.en.html"' in index and 'href="index.html"' in english
    assert not re.search(r"(src|href)=[\"']https?:", index + english)


def test_a_missing_kernel_is_registered_on_first_use(toy_project, tmp_path):
    # a fresh environment, as after a plain `pip install -e .`: this checkout's packages are
    # importable but no `testlab` kernel is registered for its interpreter
    import site
    import venv

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    ours = next(p for p in site.getsitepackages() if p.startswith(sys.prefix))
    purelib = subprocess.check_output(
        [
            str(env_dir / "bin/python"),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        text=True,
    ).strip()
    Path(purelib, "testlab-checkout.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    # nbconvert's templates are data files of the installed packages; no kernels come along
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "nbconvert").symlink_to(Path(sys.prefix, "share/jupyter/nbconvert"))
    env = dict(
        os.environ,
        TESTLAB_ROOT=str(toy_project),
        JUPYTER_DATA_DIR=str(tmp_path / "jd"),
        JUPYTER_PATH=str(shared),
    )
    proc = subprocess.run(
        [str(env_dir / "bin/python"), "-m", "kit.cli", "run", "toy", "-m", "umea", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    spec = env_dir / "share/jupyter/kernels/testlab/kernel.json"
    assert f"registered the 'testlab' Jupyter kernel in {spec.parent}" in proc.stderr
    assert json.loads(spec.read_text())["argv"][0] == str(env_dir / "bin/python")
    assert (toy_project / "build/runs/toy/umea/toy.html").exists()
