"""Calibration maths (Product §8.1): pure functions over numpy arrays.

Nothing here touches the database; ``calibration.selectors`` gathers the ratings and
``calibration.report`` assembles what is stored. Every estimator names its method and reference:

- Interviewer leniency, shrunk by parametric empirical Bayes in the normal-normal model
  (Efron & Morris 1975, "Data analysis using Stein's estimator and its generalizations",
  JASA 70; Morris 1983, "Parametric empirical Bayes inference: theory and applications",
  JASA 78), with the between-interviewer variance by the method of moments of DerSimonian &
  Laird (1986, "Meta-analysis in clinical trials", Controlled Clinical Trials 7).
- Krippendorff's alpha for ordinal data (Krippendorff 2011, "Computing Krippendorff's
  alpha-reliability"; Krippendorff 2004, *Content Analysis*, 2nd ed., ch. 11), with a bootstrap
  interval over units (after Hayes & Krippendorff 2007, "Answering the call for a standard
  reliability measure for coding data", Communication Methods and Measures 1).
- Generalizability theory (Cronbach, Gleser, Nanda & Rajaratnam 1972; Brennan 2001,
  *Generalizability Theory*): variance components by moments over pairs of ratings (Gao &
  Owen 2017, "Efficient moment calculations for variance components in large unbalanced crossed
  random effects models", Electronic Journal of Statistics 11), and the decision study.
- Item-rest correlation of criterion ratings (classical item analysis; Nunnally & Bernstein 1994,
  *Psychometric Theory*, ch. 8).
"""

from dataclasses import dataclass
from math import ceil, sqrt

import krippendorff
import numpy as np

SCALE = (1, 2, 3, 4)
# The standard normal's 95th percentile: a two-sided 90 % interval is ±Z90 standard errors.
Z90 = 1.6448536269514722
RELIABLE_FROM = 0.8
TENTATIVE_FROM = 0.667


# Cells: one interviewer's rating of one value on one loop ------------------------------------


@dataclass(frozen=True)
class Cells:
    """The value ratings collapsed to one per (loop, value, interviewer). ``mean`` is the
    interviewer's mean there (they may have rated the value in two rounds of one loop, Product
    §8.1); ``last`` is their rating in the later round, for alpha, whose coders give one value
    per unit from the scale."""

    loop: np.ndarray
    value: np.ndarray
    interviewer: np.ndarray
    mean: np.ndarray
    last: np.ndarray

    def __len__(self) -> int:
        return len(self.loop)


def cells_from_ratings(
    loop: np.ndarray, value: np.ndarray, interviewer: np.ndarray, rating: np.ndarray, order: np.ndarray
) -> Cells:
    """Collapse value ratings (one row each, ``order`` the round's order in the loop) to cells."""
    loop, value, interviewer = (np.asarray(a, dtype=np.int64) for a in (loop, value, interviewer))
    rating, order = np.asarray(rating, dtype=float), np.asarray(order, dtype=np.int64)
    if len(rating) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Cells(empty, empty, empty, np.zeros(0), np.zeros(0))
    # Sorted by cell, then by round order, so the last row of each cell is its later rating.
    by = np.lexsort((order, interviewer, value, loop))
    loop, value, interviewer, rating = loop[by], value[by], interviewer[by], rating[by]
    new_cell = np.ones(len(by), dtype=bool)
    new_cell[1:] = (loop[1:] != loop[:-1]) | (value[1:] != value[:-1]) | (interviewer[1:] != interviewer[:-1])
    starts = np.flatnonzero(new_cell)
    cell_of = np.cumsum(new_cell) - 1
    counts = np.bincount(cell_of)
    means = np.bincount(cell_of, weights=rating) / counts
    ends = np.append(starts[1:], len(by)) - 1
    return Cells(loop[starts], value[starts], interviewer[starts], means, rating[ends])


def _group_index(*keys: np.ndarray) -> np.ndarray:
    """0-based index of each row's group, the groups being the distinct combinations of ``keys``
    (each non-negative integers): the keys are folded into one integer, so one 1-D sort does it."""
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        key = np.asarray(key, dtype=np.int64)
        _, dense = np.unique(key, return_inverse=True)
        combined = combined * (int(dense.max()) + 1 if len(dense) else 1) + dense.reshape(-1)
    _, group = np.unique(combined, return_inverse=True)
    return group.reshape(-1)


def _unit_index(cells: Cells) -> tuple[np.ndarray, int]:
    """Index of each cell's unit (loop x value), and the number of units."""
    unit = _group_index(cells.loop, cells.value)
    return unit, (int(unit.max()) + 1 if len(unit) else 0)


# Leniency --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deviations:
    """Product §8.1: each cell's deviation from the mean of the other interviewers' ratings of
    the same value on the same loop, for the cells that have another interviewer beside them."""

    interviewer: np.ndarray
    value: np.ndarray
    deviation: np.ndarray


def leniency_deviations(cells: Cells) -> Deviations:
    """Deviation of every cell from the mean of the other cells of its unit; cells alone in their
    unit have nothing to compare with and are left out."""
    unit, units = _unit_index(cells)
    if units == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Deviations(empty, empty, np.zeros(0))
    count = np.bincount(unit, minlength=units)
    total = np.bincount(unit, weights=cells.mean, minlength=units)
    others = count[unit] - 1
    paired = others > 0
    others_mean = (total[unit][paired] - cells.mean[paired]) / others[paired]
    return Deviations(cells.interviewer[paired], cells.value[paired], cells.mean[paired] - others_mean)


@dataclass(frozen=True)
class Estimate:
    """One interviewer's (or interviewer x value's) leniency: ``n`` deviations, their mean, the
    empirical-Bayes estimate and its 90 % posterior interval."""

    n: int
    raw: float | None
    shrunk: float
    ci90: tuple[float, float]

    @property
    def flagged(self) -> bool:
        """The 90 % interval excludes 0."""
        return self.ci90[0] > 0 or self.ci90[1] < 0


@dataclass(frozen=True)
class Shrinkage:
    tau2: float  # between-interviewer variance of true leniency
    sigma2: float  # pooled within-interviewer variance of one deviation
    estimates: dict[int, Estimate]


def eb_shrink(groups: np.ndarray, deviations: np.ndarray, prior_only: tuple[int, ...] = ()) -> Shrinkage:
    """Shrink each group's mean deviation toward 0 (normal-normal parametric empirical Bayes;
    Efron & Morris 1975, Morris 1983).

    Model: a group's mean deviation ``raw_j`` over ``n_j`` deviations is N(theta_j, sigma^2/n_j) and
    theta_j ~ N(0, tau^2). The prior mean is 0, not estimated: deviations from the others' mean sum to 0
    on every unit, so 0 is the average interviewer by construction.

    - sigma^2 is the pooled within-group variance, sum_j sum_k (d_jk - raw_j)² / sum_j (n_j - 1).
    - tau^2 is the moment estimator of DerSimonian & Laird (1986) with the mean fixed at 0:
      with w_j = n_j / sigma^2, Q = sum_j w_j raw_j² has expectation J + tau^2 sum_j w_j, so
      tau^2 = max(0, (Q - J) / sum_j w_j).
    - shrunk_j = B_j raw_j with B_j = tau^2 / (tau^2 + sigma^2/n_j), the posterior mean; its 90 % interval
      is shrunk_j ± 1.645 sqrt(B_j sigma^2/n_j), the normal posterior's (tau^2 and sigma^2 taken as known, as in
      the plain parametric EB interval; Morris 1983 §4 discusses the widening this omits).

    With no spread within any group (sigma^2 = 0) each mean is exact: tau^2 is their mean square
    and nothing is shrunk. ``prior_only`` are groups with no deviation at all: they get the prior, 0 ± 1.645 tau."""
    groups = np.asarray(groups, dtype=np.int64)
    deviations = np.asarray(deviations, dtype=float)
    keys, inverse = np.unique(groups, return_inverse=True)
    inverse = inverse.reshape(-1)
    n = np.bincount(inverse, minlength=len(keys)).astype(float)
    raw = np.bincount(inverse, weights=deviations, minlength=len(keys)) / np.maximum(n, 1)
    within = np.bincount(inverse, weights=(deviations - raw[inverse]) ** 2, minlength=len(keys))
    dof = float(np.sum(n - 1))
    sigma2 = float(within.sum() / dof) if dof > 0 else 0.0
    tau2 = 0.0
    if len(keys) and sigma2 > 0:
        weights = n / sigma2
        q = float(np.sum(weights * raw**2))
        tau2 = max(0.0, (q - len(keys)) / float(weights.sum()))
    elif len(keys):  # no spread within any interviewer: each mean is exact, and nothing is shrunk
        tau2 = float(np.mean(raw**2))
    estimates: dict[int, Estimate] = {}
    for j, key in enumerate(keys.tolist()):
        noise = sigma2 / n[j]
        shrink = tau2 / (tau2 + noise) if tau2 + noise > 0 else 0.0
        shrunk = shrink * raw[j]
        half = Z90 * sqrt(shrink * noise)
        estimates[key] = Estimate(int(n[j]), float(raw[j]), float(shrunk), (float(shrunk - half), float(shrunk + half)))
    for key in prior_only:
        if key not in estimates:
            half = Z90 * sqrt(tau2)
            estimates[key] = Estimate(0, None, 0.0, (-half, half))
    return Shrinkage(tau2, sigma2, estimates)


# Krippendorff's alpha ---------------------------------------------------------------------------


def unit_value_counts(cells: Cells) -> np.ndarray:
    """Units x scale points: how many interviewers gave each point on each unit (loop x value),
    each interviewer once (their later rating), for the units at least two interviewers rated."""
    unit, units = _unit_index(cells)
    counts = np.zeros((units, len(SCALE)), dtype=np.int64)
    np.add.at(counts, (unit, cells.last.astype(np.int64) - SCALE[0]), 1)
    return counts[counts.sum(axis=1) >= 2]


def _ordinal_distances(marginals: np.ndarray) -> np.ndarray:
    """delta^2(c, k) = (sum_{g=c..k} n_g - (n_c + n_k)/2)² for the ordinal metric (Krippendorff 2011,
    p. 6), for each row of marginals (..., V) → (..., V, V)."""
    cumulative = np.cumsum(marginals, axis=-1)
    size = marginals.shape[-1]
    low = np.minimum.outer(np.arange(size), np.arange(size))
    high = np.maximum.outer(np.arange(size), np.arange(size))
    before_low = np.where(low > 0, np.take(cumulative, np.maximum(low - 1, 0), axis=-1), 0)
    between = np.take(cumulative, high, axis=-1) - before_low
    half = (marginals[..., :, None] + marginals[..., None, :]) / 2
    return (between - half) ** 2


def unit_coincidences(value_counts: np.ndarray) -> np.ndarray:
    """Each unit's contribution to the coincidence matrix: (n_uc n_uk - [c = k] n_uc) / (m_u - 1)."""
    counts = value_counts.astype(float)
    pairable = counts.sum(axis=1)
    outer = counts[:, :, None] * counts[:, None, :]
    outer -= counts[:, :, None] * np.eye(counts.shape[1])[None]
    return outer / (pairable - 1)[:, None, None]


def alpha_from_coincidences(coincidences: np.ndarray) -> np.ndarray:
    """Ordinal alpha = 1 - D_o / D_e from coincidence matrices (..., V, V); NaN where the
    expected disagreement is 0 (every pairable value the same)."""
    marginals = coincidences.sum(axis=-1)
    total = marginals.sum(axis=-1)
    distances = _ordinal_distances(marginals)
    observed = (coincidences * distances).sum(axis=(-2, -1))
    expected_pairs = marginals[..., :, None] * marginals[..., None, :] - marginals[..., :, None] * np.eye(
        marginals.shape[-1]
    )
    expected = (expected_pairs * distances).sum(axis=(-2, -1)) / np.maximum(total - 1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - observed / np.where(expected > 0, expected, 1), np.nan)


def alpha_ordinal(value_counts: np.ndarray) -> float | None:
    """Krippendorff's alpha, ordinal, computed by the ``krippendorff`` package from the unit x
    value counts. None when it is undefined: no unit with two interviewers, or every pairable
    rating the same."""
    if len(value_counts) == 0 or np.count_nonzero(value_counts.sum(axis=0)) < 2:
        return None
    return float(
        krippendorff.alpha(value_counts=value_counts, level_of_measurement="ordinal", value_domain=list(SCALE))
    )


def alpha_bootstrap(value_counts: np.ndarray, rng: np.random.Generator, resamples: int = 1000) -> tuple | None:
    """95 % percentile interval of alpha over ``resamples`` bootstrap samples of units.

    A bootstrap sample draws as many units as there are, with replacement. Units with the same
    counts of 1s, 2s, 3s and 4s contribute the same coincidences, so drawing units uniformly is
    drawing those patterns with multinomial counts in proportion to their frequency: the same
    distribution, computed over a few hundred patterns instead of every unit (90,000 at 10,000
    loops). Samples whose alpha is undefined are dropped. Hayes & Krippendorff (2007) resample
    pairable values within the observed coincidences; resampling whole units keeps the
    dependence between the ratings of one unit, which is how loops actually vary."""
    if alpha_ordinal(value_counts) is None:
        return None
    code = _group_index(*value_counts.T)
    first = np.unique(code, return_index=True)[1]
    patterns, frequency = value_counts[first], np.bincount(code)
    contributions = unit_coincidences(patterns).reshape(len(patterns), -1)
    draws = rng.multinomial(int(frequency.sum()), frequency / frequency.sum(), size=resamples)
    coincidences = (draws @ contributions).reshape(resamples, len(SCALE), len(SCALE))
    alphas = alpha_from_coincidences(coincidences)
    alphas = alphas[~np.isnan(alphas)]
    if len(alphas) == 0:
        return None
    low, high = np.percentile(alphas, [2.5, 97.5])
    return float(low), float(high)


def alpha_reading(alpha: float | None) -> str:
    """Krippendorff (2004, §11.4): rely on data from 0.800; draw tentative conclusions from 0.667."""
    if alpha is None:
        return "Too few ratings to measure agreement."
    if alpha >= RELIABLE_FROM:
        return "Reliable: interviewers agree well beyond chance."
    if alpha >= TENTATIVE_FROM:
        return "Tentative: good enough for tentative conclusions only."
    return "Low: interviewers disagree too often to rely on one read."


# Generalizability theory -------------------------------------------------------------------------


@dataclass(frozen=True)
class VarianceComponents:
    candidate: float
    interviewer: float
    value: float
    residual: float

    def as_dict(self) -> dict[str, float]:
        return {
            "candidate": self.candidate,
            "interviewer": self.interviewer,
            "value": self.value,
            "residual": self.residual,
        }


def _pairs_within(keys: list[np.ndarray]) -> tuple[float, np.ndarray, np.ndarray]:
    """For the groups sharing every key in ``keys``: the number of unordered pairs, and per
    row the group index (for sums), as (pairs, group index, group sizes)."""
    group = _group_index(*keys)
    sizes = np.bincount(group).astype(float)
    return float(np.sum(sizes * (sizes - 1) / 2)), group, sizes


def _squared_differences(group: np.ndarray, sizes: np.ndarray, y: np.ndarray) -> float:
    """sum over groups of sum_{p<q in group} (y_p - y_q)² = n sum y² - (sum y)²."""
    sums = np.bincount(group, weights=y)
    squares = np.bincount(group, weights=y * y)
    return float(np.sum(sizes * squares - sums**2))


def variance_components(
    candidate: np.ndarray, interviewer: np.ndarray, value: np.ndarray, y: np.ndarray
) -> VarianceComponents | None:
    """Variance components of y = μ + a_candidate + b_interviewer + g_value + e, all four
    random and crossed, by the method of moments over pairs of observations (Gao & Owen 2017,
    extended from two crossed factors to three).

    For two observations, E[(y_p - y_q)²] = 2var_e + 2var_a[differ in candidate] +
    2var_b[differ in interviewer] + 2var_g[differ in value]. Summing (y_p - y_q)² over all pairs,
    over the pairs sharing a candidate, an interviewer, or a value gives four U-statistics, each
    computed in one pass as sum_groups (n sum y² - (sum y)²); their expectations are linear in the four
    components with coefficients that are counts of pairs, so the components solve a 4 x 4
    system. Negative solutions are set to 0 (the usual truncation of moment estimators).
    The candidate x value interaction is part of the residual. None when the system is singular
    (e.g. a single candidate or a single interviewer)."""
    y = np.asarray(y, dtype=float)
    count = len(y)
    if count < 3:
        return None
    factors = {
        "c": np.asarray(candidate, dtype=np.int64),
        "i": np.asarray(interviewer, dtype=np.int64),
        "v": np.asarray(value, dtype=np.int64),
    }
    everything = np.zeros(count, dtype=np.int64)
    u_all = _squared_differences(everything, np.array([float(count)]), y)
    pairs_all = count * (count - 1) / 2
    pairs: dict[str, float] = {}
    u: dict[str, float] = {}
    for name, key in factors.items():
        pairs[name], group, sizes = _pairs_within([key])
        u[name] = _squared_differences(group, sizes, y)
    for a, b in (("c", "i"), ("c", "v"), ("i", "v")):
        pairs[a + b], _, _ = _pairs_within([factors[a], factors[b]])
    both = {("c", "i"): "ci", ("c", "v"): "cv", ("i", "v"): "iv", ("i", "c"): "ci", ("v", "c"): "cv", ("v", "i"): "iv"}

    def shared(s: str, f: str) -> float:
        return pairs[s] if s == f else pairs[both[(s, f)]]

    # Rows: all pairs, then pairs sharing c, i, v. Columns: var_c, var_i, var_v, var_e.
    rows = [[pairs_all - pairs["c"], pairs_all - pairs["i"], pairs_all - pairs["v"], pairs_all]]
    for s in ("c", "i", "v"):
        rows.append([pairs[s] - shared(s, "c"), pairs[s] - shared(s, "i"), pairs[s] - shared(s, "v"), pairs[s]])
    matrix = 2 * np.array(rows)
    target = np.array([u_all, u["c"], u["i"], u["v"]])
    if np.linalg.matrix_rank(matrix) < 4:
        return None
    solved = np.linalg.solve(matrix, target)
    c, i, v, e = (max(0.0, float(x)) for x in solved)
    return VarianceComponents(candidate=c, interviewer=i, value=v, residual=e)


def g_coefficient(components: VarianceComponents, reads: int) -> float | None:
    """Relative G coefficient of a value's mean over ``reads`` ratings by different interviewers
    of one candidate, interviewers nested in candidates (each loop draws its own panel), the
    value fixed: G = var_c / (var_c + (var_i + var_res) / n) (Brennan 2001, §4.2). The value's main
    effect shifts every candidate alike and is no error for ranking them."""
    error = (components.interviewer + components.residual) / reads
    total = components.candidate + error
    return components.candidate / total if total > 0 else None


def reads_for_g(components: VarianceComponents, target: float = 0.8) -> int | None:
    """The decision study: the fewest reads per value with G ≥ ``target``, solving
    var_c / (var_c + E/n) ≥ G for n: n ≥ G E / ((1 - G) var_c). None when candidates do not
    differ at all (no number of reads separates them)."""
    if components.candidate <= 0:
        return None
    error = components.interviewer + components.residual
    needed = target * error / ((1 - target) * components.candidate)
    return max(1, ceil(round(needed, 9)))


# Question health ---------------------------------------------------------------------------------


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r; None with fewer than 3 pairs or when either side does not vary."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 3:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    denominator = sqrt(float(np.sum(dx * dx)) * float(np.sum(dy * dy)))
    if denominator == 0:
        return None
    return float(np.sum(dx * dy) / denominator)


def spearman(x, y) -> float | None:
    """Spearman's rho: Pearson's r of the average ranks."""
    from scipy.stats import rankdata

    return pearson(rankdata(x), rankdata(y))
