"""Issue 15: `testlab run --scheduler` on a real Dask cluster (a `dask scheduler` and two
`dask worker` processes on 127.0.0.1) gives the same reports, manifest and journal KPIs as a
local run; a bad address or a worker without the kit is refused before any run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.cli import main
from kit.journal.store import open_journal

pytestmark = pytest.mark.labs

DASK = Path(sys.executable).with_name("dask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A real scheduler and two one-thread workers, each a process of its own."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask-logs")
    procs = []

    def start(*args: str, name: str) -> None:
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        procs.append(
            (
                subprocess.Popen(
                    [str(DASK), *args],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its kernels go with it at the end
                    cwd=Path(__file__).resolve().parents[1],
                ),
                log,
            )
        )

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard", name="s")
        for i in range(2):
            start(
                "worker",
                address,
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                name=f"w{i}",
            )
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc, _log in reversed(procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc, log in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.close()


def _kpis(out: Path) -> dict[str, tuple[str, dict]]:
    runs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    return {
        e["folder"]: (
            e["status"],
            {k: v["value"] if isinstance(v, dict) else v for k, v in e["kpis"].items()},
        )
        for e in runs
    }


def _journal(out: Path) -> list[tuple]:
    with open_journal(out, create=False) as j:
        return sorted(
            (r.lab, r.municipality, r.status, json.dumps(r.kpis, sort_keys=True)) for r in j.query()
        )


def test_two_labs_on_a_real_cluster_equal_a_local_run(scheduler, tmp_path, capsys):
    local, remote = tmp_path / "local", tmp_path / "dask"
    labs = ["lead-times", "plan-check", "-m", "alingsas", "-q"]
    assert main(["run", *labs, "--jobs", "2", "--out", str(local)]) == 0
    assert main(["run", *labs, "--scheduler", scheduler, "--out", str(remote)]) == 0
    for lab in ("lead-times", "plan-check"):
        for name in (f"{lab}.html", f"{lab}.ipynb"):
            assert (remote / lab / "alingsas" / name).stat().st_size > 1000
    assert (remote / "index.html").exists()
    got, want = _kpis(remote), _kpis(local)
    assert got == want and len(got) == 2
    assert all(status == "ok" and kpis for status, kpis in got.values())
    assert _journal(remote) == _journal(local)
    entries = json.loads((remote / "manifest.json").read_text(encoding="utf-8"))["runs"]
    # the manifest names the client's folders, not the workers' temporary ones
    assert all(e["report"].startswith(str(remote)) for e in entries)


def test_an_unreachable_scheduler_is_one_line_and_exit_2_within_10_s(tmp_path, capsys):
    address = f"tcp://127.0.0.1:{free_port()}"
    t0 = time.monotonic()
    code = main(
        [
            "run",
            "plan-check",
            "-m",
            "umea",
            "-q",
            "--scheduler",
            address,
            "--out",
            str(tmp_path / "o"),
        ]
    )
    elapsed = time.monotonic() - t0
    err = capsys.readouterr().err.strip()
    assert code == 2 and elapsed < 10
    assert len(err.splitlines()) == 1 and address in err
    assert not (tmp_path / "o").exists()


def test_a_bad_scheduler_value_is_refused():
    assert main(["run", "--scheduler", "somewhere:8786", "-q"]) == 2


def test_workers_without_the_kit_or_another_version_are_named():
    from kit.errors import UsageError
    from kit.labs import cluster

    class FakeClient:
        def run(self, fn, on_error="raise"):
            assert fn()["version"]  # the probe imports the kit here
            return {
                "tcp://10.0.0.1:1": {"version": "0.0.1"},
                "tcp://10.0.0.2:1": {"error": "ModuleNotFoundError: No module named 'kit'"},
                "tcp://10.0.0.3:1": fn(),
            }

    with pytest.raises(UsageError) as err:
        cluster._check_workers(FakeClient())
    text = str(err.value)
    assert "tcp://10.0.0.1:1" in text and "tcp://10.0.0.2:1" in text and "10.0.0.3" not in text
    assert "\n" not in text


def test_a_local_cluster_of_two_workers(toy_project, capsys):
    assert main(["run", "toy", "-m", "umea", "-m", "alingsas", "--scheduler", "local:2", "-q"]) == 0
    out = toy_project / "build" / "runs"
    got = _kpis(out)
    assert len(got) >= 2 and all(status == "ok" for status, _ in got.values())
    assert all((out / folder / "toy.html").exists() for folder in got)


def test_a_simulation_sweep_on_the_cluster_equals_a_local_one(scheduler, capsys):
    root = Path(__file__).resolve().parents[1] / "datasets" / "alingsas"
    args = ["simulate", str(root / "events.csv"), "--cases", str(root / "cases.csv"), "--json"]
    args += ["--replications", "2", "--seed", "3", "--sweep", "staffing=0..1"]
    capsys.readouterr()
    assert main([*args, "--jobs", "1"]) == 0
    local = capsys.readouterr().out
    assert main([*args, "--scheduler", scheduler]) == 0
    remote = capsys.readouterr().out
    assert remote == local
    assert list(json.loads(remote)["scenarios"]) == ["staffing=0", "staffing=1"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("staffing=0..2", ["staffing=0", "staffing=1", "staffing=2"]),
        ("staffing.handlers=-1..0", ["staffing.handlers=-1", "staffing.handlers=0"]),
        ("capacity=3..3", ["capacity=3"]),
    ],
)
def test_sweep_values(text, want):
    from kit.cli.simulate import sweep_specs

    assert sweep_specs(text) == want


@pytest.mark.parametrize("text", ["staffing=4..0", "staffing=0-4", "staffing=a..b", "=1..2"])
def test_a_bad_sweep_is_exit_2(text, capsys):
    events = Path(__file__).resolve().parents[1] / "datasets" / "alingsas" / "events.csv"
    assert main(["simulate", str(events), "--sweep", text]) == 2
    assert "--sweep" in capsys.readouterr().err
