"""Synthetic survey answers on innovation capability: ``datasets/<kommun>/survey.csv``.

Invented answers to the lab's open questionnaire (``labs/innovation-capability/questionnaire.yml``)
for the three pilot municipalities, before and after the testlabs. Nothing here is real data:
no real respondents, no real results (the programme's own measurement used a proprietary
instrument whose answers are not public).

The story the data tell, so the lab has something to find:

* a believable increase of a third to half a scale point in five of six dimensions, with
  noise, largest where the innovation team worked (Umeå), smallest in the smallest
  municipality (Alingsås);
* **digital capability does not improve**: the testlabs changed ways of working, not the
  case-management systems;
* some respondents answered both waves (most in Umeå, so Umeå is analysed pairwise with
  Wilcoxon; in Alingsås and Linköping under half, so Mann–Whitney);
* Alingsås' innovation team has four members, too few to be shown on their own;
* Linköping's export carries answer dates instead of before/after; a few answers are
  skipped, a few people wrote a comment (free text, never shown raw).

Each answer: a person's general level plus a dimension level plus the wave's gain, plus item
noise, rounded to the scale and clipped; reverse-coded items are stored reversed, as a
respondent would answer them. Seeded: the same seed gives byte-identical files
(``python -m kit.samples.survey`` rewrites them; a test checks they are up to date).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kit.config import MUNICIPALITIES, datasets_dir
from kit.survey.questionnaire import Questionnaire, read_questionnaire

SEED = 2026
FILE_NAME = "survey.csv"

#: dimension level before the testlabs (scale 1–5, after reverse coding)
BASELINE = {
    "strategy": 2.9,
    "culture": 3.1,
    "methods": 2.6,
    "competence": 3.0,
    "collaboration": 2.8,
    "digital": 2.5,
}
#: gain after the testlabs, scale points (times the municipality's factor)
GAIN = {
    "strategy": 0.45,
    "culture": 0.35,
    "methods": 0.6,
    "competence": 0.4,
    "collaboration": 0.35,
    "digital": 0.0,
}
ROLE_LEVEL = {"ledning": 0.3, "medarbetare": 0.0, "innovationsteam": 0.35}
COMMENTS = (
    "Mer tid avsatt för att pröva nya arbetssätt.",
    "Bättre systemstöd – vi dubbelregistrerar fortfarande.",
    "Att få se statistik över våra ärenden oftare.",
    "Fler gemensamma workshops med andra förvaltningar.",
    "Tydligare uppdrag från ledningen.",
    "Att sökande kan följa sitt ärende digitalt.",
)


@dataclass(frozen=True)
class Plan:
    """How one municipality's sample is made."""

    respondents: int  # per wave
    share_both: float  # of the after wave, people who also answered before
    roles: dict[str, int]  # ledning and innovationsteam per wave; the rest medarbetare
    gain_factor: float
    dates: tuple[str, str] | None = None  # first answer day of each wave, else before/after


PLANS = {
    "alingsas": Plan(44, 0.3, {"ledning": 6, "innovationsteam": 4}, 1.0),
    "linkoping": Plan(
        96, 0.35, {"ledning": 12, "innovationsteam": 8}, 1.0, ("2023-03-06", "2024-11-04")
    ),
    "umea": Plan(64, 0.8, {"ledning": 8, "innovationsteam": 6}, 1.2),
}


def survey_csv(mid: str, seed: int = SEED, questionnaire: Questionnaire | None = None) -> str:
    """The sample answer file of municipality ``mid`` as CSV text (``;``, as Swedish Excel)."""
    q = questionnaire or read_questionnaire()
    plan = PLANS[mid]
    m = MUNICIPALITIES[mid]
    rng = np.random.default_rng([seed, int(m.code)])
    items = q.items
    dims = [d.id for d in q.dimensions]
    n = plan.respondents
    n_both = round(plan.share_both * n)
    # people: the before wave's n, then n - n_both newcomers after
    people = n + (n - n_both)
    roles = _roles(plan, n)
    role_of = list(roles) + list(rng.permutation(roles))[: n - n_both]
    general = rng.normal(0, 0.5, people)
    personal = rng.normal(0, 0.4, (people, len(dims)))
    item_offset = rng.normal(0, 0.15, len(items))
    after_people = np.concatenate(
        [rng.choice(n, n_both, replace=False), np.arange(n, people)]
    ).astype(int)
    waves = [("before", np.arange(n)), ("after", np.sort(after_people))]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["respondent_id", "municipality", "wave", "role", *q.item_ids, *(f.id for f in q.free_text)]
    )
    for wave, who in waves:
        gain_noise = rng.normal(0, 0.25, (len(who), len(dims)))
        for row, p in enumerate(who):
            level = {
                d: BASELINE[d]
                + general[p]
                + personal[p, j]
                + ROLE_LEVEL[role_of[p]]
                + ((GAIN[d] * plan.gain_factor + gain_noise[row, j]) if wave == "after" else 0.0)
                for j, d in enumerate(dims)
            }
            answers = []
            for i, item in enumerate(items):
                x = level[item.dimension] + item_offset[i] + rng.normal(0, 0.55)
                x = int(np.clip(np.rint(x), q.scale.min, q.scale.max))
                if item.reverse:
                    x = q.scale.reverse(x)
                answers.append("" if rng.random() < 0.015 else str(x))
            comment = COMMENTS[rng.integers(len(COMMENTS))] if rng.random() < 0.15 else ""
            writer.writerow(
                [
                    f"{m.code}-{p + 1:04d}",
                    m.name,
                    _wave_value(plan, wave, rng),
                    role_of[p],
                    *answers,
                    *([comment] if q.free_text else []),
                ]
            )
    return buf.getvalue()


def _roles(plan: Plan, n: int) -> list[str]:
    special = [r for r, k in plan.roles.items() for _ in range(k)]
    return special + ["medarbetare"] * (n - len(special))


def _wave_value(plan: Plan, wave: str, rng: np.random.Generator) -> str:
    if plan.dates is None:
        return wave
    start = np.datetime64(plan.dates[0 if wave == "before" else 1])
    return str(start + np.timedelta64(int(rng.integers(0, 18)), "D"))


def write_samples(folder: str | Path | None = None, seed: int = SEED) -> list[Path]:
    """Write ``<folder>/<kommun>/survey.csv`` for every bundled municipality (UTF-8 with BOM,
    as Excel saves "CSV UTF-8"); temp file then rename, so a failure leaves the old file."""
    root = Path(folder) if folder is not None else datasets_dir()
    q = read_questionnaire()
    paths = []
    for mid in PLANS:
        path = root / mid / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(survey_csv(mid, seed, q).encode("utf-8-sig"))
        tmp.replace(path)
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover
    for p in write_samples():
        print(p)
