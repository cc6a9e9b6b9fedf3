"""Shared fixtures: a throw-away project with a tiny lab, and helpers to build notebooks."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent

TOY_LAB_YML = """\
id: toy
title: {sv: "Leksakslabb", en: "Toy lab"}
summary: {sv: "Provar ramverket.", en: "Exercises the frame."}
question: {sv: "Fungerar körningen?", en: "Does the run work?"}
hypothesis: {sv: "Ja.", en: "Yes."}
kpis:
  - {name: doubled, label: {sv: Dubblat, en: Doubled}, unit: st, direction: higher, target: 4}
datasets: []
"""

TOY_PARAMETERS = (
    'municipality: str = "umea"  # kommun\n'
    "n: int = 2  # ett heltal\n"
    "ratio: float = 0.5  # ett decimaltal\n"
    'fail_in: str = ""  # kommun där körningen ska misslyckas (test)'
)

TOY_BODY = (
    "import kit\n"
    'kit.record("doubled", n * 2, unit="st", target=4, direction="higher")\n'
    "if municipality == fail_in:\n"
    '    raise RuntimeError(f"planned failure in {municipality}")\n'
    'print("kommun", municipality, "n", n, "ratio", ratio)'
)


def make_notebook(path: Path, parameters: str, *cells: str, title: str = "# Leksak") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "testlab",
        "display_name": "Python (testlab)",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell(title),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        *[nbformat.v4.new_code_cell(c) for c in cells],
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def toy_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with labs/toy, selected through TESTLAB_ROOT."""
    lab = tmp_path / "labs" / "toy"
    lab.mkdir(parents=True)
    (lab / "lab.yml").write_text(TOY_LAB_YML, encoding="utf-8")
    make_notebook(lab / "toy.ipynb", TOY_PARAMETERS, TOY_BODY)
    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    monkeypatch.delenv("TESTLAB_BUILD", raising=False)
    return tmp_path


@pytest.fixture(scope="session", autouse=True)
def _kernel_and_key(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The `testlab` kernel exists for Papermill; pseudonyms use a test key, not the user's."""
    from kit.labs.kernel import ensure_kernel

    ensure_kernel()
    os.environ.setdefault("TESTLAB_PSEUDONYM_KEY", "test-key-not-secret")


def mutate_bytes(data: bytes, draw, *, max_ops: int = 4) -> bytes:
    """Hypothesis helper: delete, insert or overwrite a few bytes, or cut the data short."""
    from hypothesis import strategies as st

    ops = draw(
        st.lists(
            st.tuples(
                st.sampled_from("dios"),
                st.integers(0, len(data)),
                st.binary(min_size=1, max_size=4),
            ),
            max_size=max_ops,
        )
    )
    out = bytearray(data)
    for op, pos, blob in ops:
        pos = min(pos, len(out))
        if op == "d":
            del out[pos : pos + len(blob)]
        elif op == "i":
            out[pos:pos] = blob
        elif op == "o":
            out[pos : pos + len(blob)] = blob
        else:
            del out[pos:]
    return bytes(out)
