"""The statistics a sceptic asks for: is the scale reliable, and is the change more than noise?

For every municipality and for all of them together (``municipality = "all"``):

* **Scores.** A respondent's dimension score is the mean of their answers to the dimension's
  items after reverse coding (``min + max - x``), if they answered at least half of them; the
  overall score is the mean of the dimension scores (at least half of them). Each group and
  wave gets the mean with a 95 % confidence interval from Student's t
  (``mean ± t(0.975, n-1)·s/√n``, :func:`scipy.stats.t.ppf`).
* **Reliability.** Cronbach's alpha per dimension, wave and municipality over respondents who
  answered every item of the dimension: ``k/(k-1)·(1 - Σ var(item)/var(sum))`` with sample
  variances. Below 0.7 the items may not measure one thing, and the dashboard says so.
  (The formula is one line; pingouin's ``cronbach_alpha(nan_policy="listwise")`` computes the
  same but would bring scikit-learn, seaborn and xarray into every dashboard kernel.)
* **Change before → after.** When the respondents match across waves — at least five pairs,
  and the pairs are at least half of each wave's respondents — the Wilcoxon signed-rank test
  on the matched pairs (:func:`scipy.stats.wilcoxon`, zero differences dropped); otherwise the
  Mann–Whitney U test on all answers of the two waves (:func:`scipy.stats.mannwhitneyu`).
  Both two-sided. Effect size: the rank-biserial correlation r (−1…1, positive = higher
  after; paired: ``(R+ − R−)/(R+ + R−)`` over the ranks of the non-zero differences;
  independent: ``2U/(n₁n₂) − 1`` with U of the after wave). Holm's correction over the
  dimensions of one municipality (:func:`statsmodels.stats.multitest.multipletests`); the
  overall score is one test of its own, not part of that family.
* **Verdict** in plain words: *improved* / *declined* when the Holm-corrected p < 0.05 and
  |r| ≥ 0.1, *negligible* when significant but |r| < 0.1, *no clear change* otherwise, and
  *too few answers* when a wave has fewer than five respondents. Effect sizes are called
  negligible (|r| < 0.1), small (< 0.3), medium (< 0.5) or large.
* **Small groups.** A group (municipality, role, wave) with fewer than five respondents shows
  no figures; the row carries the reason instead, so nobody can be recognised from an answer.
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit.labels import DEFAULT_LANG, t
from kit.survey.answers import WAVES, Answers

ALL = "all"
OVERALL = "overall"
MIN_GROUP = 5  # no figures for fewer respondents than this
ALPHA_WARNING = 0.7
PAIRED_SHARE = 0.5  # matched pairs needed, as a share of each wave's respondents
SIGNIFICANCE = 0.05
SUPPRESSED = "fewer_than_5"
#: columns of :attr:`SurveyResult.dimensions` and :attr:`SurveyResult.changes`, in order
DIMENSION_COLUMNS = [
    "dimension",
    "wave",
    "municipality",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "alpha",
    "alpha_warning",
    "suppressed",
]
CHANGE_COLUMNS = [
    "dimension",
    "municipality",
    "before",
    "after",
    "diff",
    "n_before",
    "n_after",
    "n_pairs",
    "test",
    "p_value",
    "p_holm",
    "effect_size",
    "effect_label",
    "verdict",
    "verdict_text",
]


# --- building blocks ---------------------------------------------------------------------------


def coded_items(answers: Answers) -> np.ndarray:
    """The answers as a float matrix (rows × items, questionnaire order), reverse-coded."""
    q = answers.questionnaire
    x = answers.frame[q.item_ids].to_numpy(dtype=float, copy=True)
    rev = [i for i, item in enumerate(q.items) if item.reverse]
    x[:, rev] = q.scale.reverse(x[:, rev])
    return x


def _row_mean(x: np.ndarray, min_share: float = 0.5) -> np.ndarray:
    """Mean of each row over answered cells; NaN when fewer than ``min_share`` are answered."""
    ok = np.isfinite(x)
    count = ok.sum(axis=1)
    total = np.where(ok, x, 0.0).sum(axis=1)
    need = math.ceil(min_share * x.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count >= max(need, 1), total / count, np.nan)


def respondent_scores(answers: Answers) -> pd.DataFrame:
    """One row per respondent and wave: ``respondent, municipality, wave, role``, one column
    per dimension id and ``overall`` (see the module docstring)."""
    q = answers.questionnaire
    x = coded_items(answers)
    out = answers.frame[["respondent", "municipality", "wave", "role"]].copy()
    start = 0
    dims = []
    for d in q.dimensions:
        k = len(d.items)
        out[d.id] = _row_mean(x[:, start : start + k])
        dims.append(out[d.id].to_numpy())
        start += k
    out[OVERALL] = _row_mean(np.column_stack(dims))
    return out


def mean_ci(values: Any, confidence: float = 0.95) -> tuple[int, float, float, float]:
    """``(n, mean, ci_low, ci_high)`` of the finite values, t-based; NaN where undefined."""
    from scipy import stats

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = len(v)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = float(v.mean())
    if n < 2:
        return n, mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * v.std(ddof=1) / math.sqrt(n))
    return n, mean, mean - half, mean + half


def cronbach_alpha(items: Any) -> float:
    """Cronbach's alpha of a respondents × items matrix (rows with a missing answer dropped).

    NaN with fewer than two items or two complete rows, or when the sum score does not vary.
    """
    x = np.asarray(items, dtype=float)
    x = x[np.isfinite(x).all(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        return math.nan
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return math.nan
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def rank_biserial_paired(diff: Any) -> float:
    """Matched-pairs rank-biserial r of ``after - before`` differences (zeros dropped)."""
    from scipy.stats import rankdata

    d = np.asarray(diff, dtype=float)
    d = d[np.isfinite(d) & (d != 0)]
    if len(d) == 0:
        return 0.0
    ranks = rankdata(np.abs(d))
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())


def compare(before: Any, after: Any, *, paired: bool) -> tuple[str, float, float]:
    """``(test, p_value, effect_size)``: Wilcoxon on pairs (same order) or Mann–Whitney."""
    from scipy import stats

    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if paired:
        diff = a - b
        if not np.any(diff != 0):
            return "wilcoxon", 1.0, 0.0
        p = float(stats.wilcoxon(a, b, zero_method="wilcox", alternative="two-sided").pvalue)
        return "wilcoxon", p, rank_biserial_paired(diff)
    res = stats.mannwhitneyu(a, b, alternative="two-sided")
    r = 2 * float(res.statistic) / (len(a) * len(b)) - 1
    return "mann-whitney", float(res.pvalue), r


def holm(p_values: Any) -> np.ndarray:
    """Holm-adjusted p-values (statsmodels ``multipletests(method="holm")``); NaN stays NaN."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        # multipletests runs a full gc.collect() on every Holm call (statsmodels 0.15), a
        # quarter of a second in a kernel full of objects; the collector skips frozen objects.
        gc.freeze()
        try:
            out[ok] = multipletests(p[ok], method="holm")[1]
        finally:
            gc.unfreeze()
    return out


def effect_label(r: float | None) -> str | None:
    """``negligible`` (|r| < 0.1), ``small`` (< 0.3), ``medium`` (< 0.5) or ``large``."""
    if r is None or not np.isfinite(r):
        return None
    size = abs(r)
    return (
        "negligible"
        if size < 0.1
        else "small"
        if size < 0.3
        else "medium"
        if size < 0.5
        else "large"
    )


def verdict(diff: float, p_holm: float | None, r: float | None, too_few: bool) -> str:
    """``improved``, ``declined``, ``negligible``, ``no_clear_change`` or ``too_few``."""
    if too_few or p_holm is None or not np.isfinite(p_holm):
        return "too_few"
    if p_holm >= SIGNIFICANCE:
        return "no_clear_change"
    if r is not None and abs(r) < 0.1:
        return "negligible"
    return "improved" if diff > 0 else "declined"


def p_text(p: float | None, lang: str = DEFAULT_LANG) -> str:
    """A p-value as people read it: ``0,012``, ``< 0,001`` (sv) or ``0.012`` (en); ``–`` if none."""
    from kit.labels import number

    if p is None or not np.isfinite(p):
        return "–"
    return f"< {number(0.001, lang, 3)}" if p < 0.001 else number(p, lang, 3)


def verdict_text(code: str, size: str | None, lang: str = DEFAULT_LANG) -> str:
    """The plain-language verdict, e.g. ``Förbättring (måttlig effekt)``."""
    size_text = t(f"innovation.effect.{size}", lang) if size else ""
    return t(f"innovation.verdict.{code}", lang, size=size_text)


# --- the analysis ------------------------------------------------------------------------------


@dataclass
class SurveyResult:
    """Everything :func:`analyse` found; frames documented in :func:`analyse`."""

    answers: Answers
    scores: pd.DataFrame
    dimensions: pd.DataFrame
    changes: pd.DataFrame
    roles: pd.DataFrame
    free_text: dict[str, int] = field(default_factory=dict)
    lang: str = DEFAULT_LANG

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(self.changes["municipality"]))

    def kpis(self, municipality: str) -> dict[str, Any]:
        """``overall_change`` (after − before, all respondents), ``dimensions_improved``,
        ``overall_after``, ``n_before``, ``n_after`` for one municipality (or ``all``)."""
        ch = self.changes[self.changes["municipality"] == municipality]
        overall = ch[ch["dimension"] == OVERALL]
        row = overall.iloc[0] if len(overall) else None
        dims = ch[ch["dimension"] != OVERALL]
        return {
            "overall_change": None if row is None else _num(row["diff"]),
            "overall_after": None if row is None else _num(row["after"]),
            "overall_before": None if row is None else _num(row["before"]),
            "dimensions_improved": int((dims["verdict"] == "improved").sum()),
            "n_dimensions": int(len(dims)),
            "n_before": None if row is None else int(row["n_before"]),
            "n_after": None if row is None else int(row["n_after"]),
            "test": None if row is None else row["test"],
        }

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON (``testlab survey --json``)."""
        q = self.answers.questionnaire
        return {
            "questionnaire": {"id": q.id, "title": q.title_text(self.lang), "source": q.source},
            "dimensions": _records(self.dimensions, DIMENSION_COLUMNS),
            "changes": _records(self.changes, CHANGE_COLUMNS),
            "roles": _records(self.roles, list(self.roles.columns)),
            "free_text_answers": self.free_text,
        }


def analyse(answers: Answers, lang: str = DEFAULT_LANG) -> SurveyResult:
    """Scores, reliability, changes and role breakdown, per municipality and for all.

    ``dimensions``: one row per (municipality, dimension incl. ``overall``, wave) with ``n``,
    ``mean``, ``ci_low``, ``ci_high``, ``alpha``, ``alpha_warning`` (alpha < 0.7) and
    ``suppressed`` (``"fewer_than_5"`` or None; figures are then NaN).
    ``changes``: one row per (municipality, dimension) with ``before``, ``after`` (means of all
    respondents of each wave), ``diff``, ``n_before``, ``n_after``, ``n_pairs``, ``test``,
    ``p_value``, ``p_holm``, ``effect_size`` (rank-biserial r), ``effect_label``, ``verdict``
    and ``verdict_text`` (in ``lang``).
    ``roles``: one row per (municipality, role, wave) with ``n``, the mean of each dimension
    and ``overall``, and ``suppressed``.
    """
    q = answers.questionnaire
    scores = respondent_scores(answers)
    coded = coded_items(answers)
    municipalities = answers.municipalities
    groups = [*municipalities, ALL] if len(municipalities) > 1 else municipalities
    dim_ids = [d.id for d in q.dimensions]
    spans = _item_spans(q)

    muni = scores["municipality"].to_numpy()
    wave = scores["wave"].to_numpy()
    people = pd.MultiIndex.from_arrays([scores["municipality"], scores["respondent"]])
    person = people.factorize()[0]  # one integer per (municipality, respondent)
    dim_rows: list[dict[str, Any]] = []
    change_rows: list[dict[str, Any]] = []
    for g in groups:
        in_group = np.ones(len(scores), bool) if g == ALL else muni == g
        masks = {w: in_group & (wave == w) for w in WAVES}
        for d in [*dim_ids, OVERALL]:
            col = scores[d].to_numpy()
            for w in WAVES:
                sel = masks[w]
                n, mean, lo, hi = mean_ci(col[sel])
                alpha = cronbach_alpha(coded[sel, spans[d]])
                small = n < MIN_GROUP
                dim_rows.append(
                    {
                        "municipality": g,
                        "dimension": d,
                        "wave": w,
                        "n": n,
                        "mean": math.nan if small else mean,
                        "ci_low": math.nan if small else lo,
                        "ci_high": math.nan if small else hi,
                        "alpha": math.nan if small else alpha,
                        "alpha_warning": (not small)
                        and bool(np.isfinite(alpha))
                        and alpha < ALPHA_WARNING,
                        "suppressed": SUPPRESSED if small else None,
                    }
                )
            change_rows.append(_change(scores, d, g, masks, person))
        # Holm over the dimensions of this group (not the overall score)
        group_rows = [
            r for r in change_rows if r["municipality"] == g and r["dimension"] != OVERALL
        ]
        adjusted = holm([r["p_value"] for r in group_rows])
        for r, p in zip(group_rows, adjusted, strict=True):
            r["p_holm"] = float(p)
    for r in change_rows:
        if r["dimension"] == OVERALL:
            r["p_holm"] = r["p_value"]
        r["effect_label"] = effect_label(r["effect_size"])
        too_few = r["n_before"] < MIN_GROUP or r["n_after"] < MIN_GROUP
        r["verdict"] = verdict(r["diff"], r["p_holm"], r["effect_size"], too_few)
        r["verdict_text"] = verdict_text(r["verdict"], r["effect_label"], lang)

    dimensions = pd.DataFrame(dim_rows)
    changes = pd.DataFrame(change_rows)
    roles = role_breakdown(scores, dim_ids, groups)
    free = {
        g: int(
            answers.free_text[(np.ones(len(muni), bool) if g == ALL else muni == g)]
            .notna()
            .sum()
            .sum()
        )
        for g in groups
    }
    return SurveyResult(answers, scores, dimensions, changes, roles, free, lang)


#: the public name (``kit.analyse_survey``)
analyse_survey = analyse


def _item_spans(q) -> dict[str, Any]:
    spans: dict[str, Any] = {}
    start = 0
    for d in q.dimensions:
        spans[d.id] = slice(start, start + len(d.items))
        start += len(d.items)
    spans[OVERALL] = slice(0, start)
    return spans


def _change(
    scores: pd.DataFrame, d: str, g: str, masks: dict[str, np.ndarray], person: np.ndarray
) -> dict[str, Any]:
    col = scores[d].to_numpy()
    finite = np.isfinite(col)
    b_sel, a_sel = masks["before"] & finite, masks["after"] & finite
    before, after = col[b_sel], col[a_sel]
    row: dict[str, Any] = {
        "municipality": g,
        "dimension": d,
        "n_before": int(len(before)),
        "n_after": int(len(after)),
        "before": float(before.mean()) if len(before) >= MIN_GROUP else math.nan,
        "after": float(after.mean()) if len(after) >= MIN_GROUP else math.nan,
    }
    row["diff"] = row["after"] - row["before"]
    # one person = (municipality, respondent); each answers a wave at most once (checked)
    _, b_idx, a_idx = np.intersect1d(
        person[b_sel], person[a_sel], assume_unique=True, return_indices=True
    )
    n_pairs = len(b_idx)
    row["n_pairs"] = int(n_pairs)
    row.update({"test": None, "p_value": math.nan, "effect_size": math.nan})
    if min(len(before), len(after)) < MIN_GROUP:
        return row
    if n_pairs >= MIN_GROUP and n_pairs >= PAIRED_SHARE * max(len(before), len(after)):
        test, p, r = compare(before[b_idx], after[a_idx], paired=True)
    else:
        test, p, r = compare(before, after, paired=False)
    row.update({"test": test, "p_value": p, "effect_size": r})
    return row


def role_breakdown(scores: pd.DataFrame, dim_ids: list[str], groups: list[str]) -> pd.DataFrame:
    """Mean scores per (municipality, role, wave); groups under five respondents suppressed."""
    cols = [*dim_ids, OVERALL]
    if scores["role"].isna().all():
        return pd.DataFrame(columns=["municipality", "role", "wave", "n", *cols, "suppressed"])
    frames = []
    known = scores[scores["role"].notna()]
    for g in groups:
        part = known if g == ALL else known[known["municipality"] == g]
        if not len(part):
            continue
        agg = part.groupby(["role", "wave"], sort=True)[cols].mean()
        agg.insert(0, "n", part.groupby(["role", "wave"], sort=True).size())
        agg = agg.reset_index()
        agg.insert(0, "municipality", g)
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    small = out["n"] < MIN_GROUP
    out.loc[small, cols] = np.nan
    out["suppressed"] = np.where(small, SUPPRESSED, None)
    order = {w: i for i, w in enumerate(WAVES)}
    out["_w"] = out["wave"].map(order)
    return out.sort_values(["municipality", "role", "_w"], kind="stable").drop(columns="_w")


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and not np.isfinite(v)) else float(v)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    out = []
    for rec in frame[columns].to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            elif v is pd.NA:
                v = None
            clean[k] = v
        out.append(clean)
    return out
