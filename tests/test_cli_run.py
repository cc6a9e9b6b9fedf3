"""`testlab run` and `testlab list` on a toy lab: real Papermill runs, manifest, reports, refusals."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from kit.cli import main


def _manifest(root):
    return json.loads((root / "build" / "runs" / "manifest.json").read_text(encoding="utf-8"))[
        "runs"
    ]


@pytest.mark.labs
def test_run_writes_notebooks_reports_and_manifest_and_a_failure_does_not_stop_the_others(
    toy_project, capsys
):
    code = main(["run", "toy", "-p", "n", "5", "-p", "fail_in", "linkoping", "--jobs", "2", "-q"])
    out = capsys.readouterr()
    assert code == 1
    assert "testlab run: failed runs: toy/linkoping" in out.err
    runs = {r["parameters"]["municipality"]: r for r in _manifest(toy_project)}
    assert set(runs) == {"alingsas", "linkoping", "umea"}
    assert runs["umea"]["status"] == "ok" and runs["alingsas"]["status"] == "ok"
    assert runs["linkoping"]["status"] == "failed"
    assert "planned failure in linkoping" in runs["linkoping"]["error"]
    assert runs["umea"]["kpis"]["doubled"] == {
        "name": "doubled",
        "value": 10,
        "unit": "st",
        "target": 4,
        "direction": "higher",
    }
    assert runs["umea"]["parameters"] == {"n": 5, "fail_in": "linkoping", "municipality": "umea"}
    for key in ("git_revision", "started", "duration_s"):
        assert runs["umea"][key]
    # the failed run's notebook is kept, with the error in it
    failed_nb = nbformat.read(runs["linkoping"]["notebook"], as_version=4)
    errors = [
        o for c in failed_nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert errors and errors[0]["ename"] == "RuntimeError"
    # the report holds the output but no code and loads nothing from the network
    # non-default parameters: a folder of their own under the municipality's
    assert runs["umea"]["folder"] == "toy/umea/fail_in-linkoping+n-5"
    html = (toy_project / "build/runs/toy/umea/fail_in-linkoping+n-5/toy.html").read_text(
        encoding="utf-8"
    )
    assert "kommun umea n 5 ratio 0.5" in html
    assert "kit.record" not in html
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)
    assert not re.search(r"<link[^>]+href=[\"']https?:", html)
    # nothing half-written lies around
    leftovers = [p for p in (toy_project / "build").rglob("*") if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.labs
def test_rerun_of_one_municipality_replaces_only_its_manifest_entry(toy_project):
    assert main(["run", "-m", "umea", "-q"]) == 0
    assert main(["run", "-m", "alingsas", "-p", "n", "3", "-q"]) == 0
    assert main(["run", "-m", "umea", "-p", "n", "1", "-q"]) == 0
    runs = _manifest(toy_project)
    by_params = sorted(
        (r["parameters"]["municipality"], r["kpis"]["doubled"]["value"]) for r in runs
    )
    assert by_params == [("alingsas", 6), ("umea", 2), ("umea", 4)]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "nope"], "unknown lab 'nope'; known labs: toy"),
        (
            ["run", "-p", "nn", "1"],
            "lab toy has no parameter 'nn' (its parameters: municipality, n, ratio, fail_in)",
        ),
        (["run", "-p", "n", "many"], "parameter n expects int, got 'many'"),
        (["run", "-p", "ratio", "hälften"], "parameter ratio expects float, got 'hälften'"),
        (["run", "-m", "stockholm"], "unknown municipality 'stockholm'"),
        (["run", "-m", "umea", "-p", "municipality", "umea"], "give the municipality with -m"),
        (["run", "--jobs", "0"], "--jobs must be at least 1"),
        (["run", "--jobs", "-3"], "--jobs must be at least 1"),
        (["run", "-p", "ratio", "0x10"], "parameter ratio expects float written in decimal"),
        (["run", "-p", "n", "1_000"], "parameter n expects int written in decimal, got '1_000'"),
        (["run", "-p", "n", "1:30"], "parameter n expects int written in decimal"),
        (["run", "--lang", "sv,de"], "unknown language 'de'"),
        (["run", "--lang", "en"], "lab toy has no lang parameter"),
        (["run", "nope", "--jobs", "8"], "unknown lab 'nope'"),
    ],
)
def test_bad_requests_exit_2_with_one_line_and_run_nothing(
    toy_project, capsys, monkeypatch, argv, message
):
    # the whole request is checked before any worker process starts
    def no_process(self):
        raise AssertionError("a worker process was started for a refused request")

    monkeypatch.setattr("multiprocessing.context.SpawnProcess.start", no_process)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (toy_project / "build").exists()


def test_unknown_option_is_one_line_exit_2(toy_project, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--bogus"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unrecognized arguments: --bogus" in err


def test_list_shows_titles_and_typed_parameters(toy_project, capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "toy  —  Leksakslabb" in out
    assert "-p n <int>  default 2  ett heltal" in out
    assert main(["list", "--lang", "en"]) == 0
    assert "toy  —  Toy lab" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["list", "run", "serve", "new", "lab", "kernel"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert f"usage: testlab {command}" in capsys.readouterr().out


@pytest.mark.labs
def test_a_worker_that_dies_twice_fails_only_its_own_run(toy_project, capsys):
    # the notebook kills its own worker (the kernel's parent) in one municipality: that run is
    # retried once on a fresh worker, dies again and fails; the others are not affected
    nb = toy_project / "labs/toy/toy.ipynb"
    doc = nbformat.read(nb, as_version=4)
    doc.cells[2].source = (
        "import os, signal\n"
        "if municipality == fail_in:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
        'print("ok", municipality)'
    )
    nbformat.write(doc, nb)
    code = main(["run", "-p", "fail_in", "umea", "--jobs", "2", "-q"])
    assert code == 1
    runs = {r["parameters"]["municipality"]: r for r in _manifest(toy_project)}
    assert runs["umea"]["status"] == "failed"
    assert runs["umea"]["error"] == "worker process lost (killed by SIGKILL), 2 times"
    assert runs["umea"]["attempts"] == 2 and runs["umea"]["report"] is None
    assert not (toy_project / "build/runs/toy/umea/fail_in-umea/toy.html").exists()
    for place in ("alingsas", "linkoping"):
        assert runs[place]["status"] == "ok" and runs[place]["attempts"] == 1
        assert (toy_project / f"build/runs/toy/{place}/fail_in-umea/toy.html").exists()
    assert "testlab run: failed runs: toy/umea/fail_in-umea" in capsys.readouterr().err


def test_jobs_is_capped_at_the_number_of_runs_and_cores(toy_project, capsys):
    assert main(["run", "-m", "umea", "--jobs", "8", "-q"]) == 0
    err = capsys.readouterr().err
    assert "testlab run: --jobs 8 lowered to 1 (1 run, " in err
    assert main(["run", "-m", "umea", "--jobs", "1", "-q"]) == 0
    assert "lowered" not in capsys.readouterr().err
