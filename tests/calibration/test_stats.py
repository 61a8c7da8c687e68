"""The calibration maths on hand-worked data, with the maintained packages as a second opinion:
``krippendorff`` for alpha, statsmodels' MixedLM for the variance components, scipy for the
rank correlation (STYLE.md §5)."""

import warnings
from fractions import Fraction
from math import sqrt

import krippendorff
import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr
from statsmodels.regression.mixed_linear_model import MixedLM

from calibration import stats

# Loop 1, value 0: A 3, B 2, C 4.  Loop 1, value 1: A 4 alone.  Loop 2, value 0: A 2 (round 1)
# and 4 (round 3), B 1.  Interviewers A=10, B=20, C=30.
HAND = dict(
    loop=[1, 1, 1, 1, 2, 2, 2],
    value=[0, 0, 0, 1, 0, 0, 0],
    interviewer=[10, 20, 30, 10, 10, 10, 20],
    rating=[3, 2, 4, 4, 2, 4, 1],
    order=[1, 2, 3, 1, 1, 3, 2],
)


def hand_cells() -> stats.Cells:
    return stats.cells_from_ratings(**{k: np.array(v) for k, v in HAND.items()})


def test_an_interviewer_who_rated_a_value_twice_on_a_loop_counts_once_with_their_mean():
    cells = hand_cells()

    rows = sorted(zip(cells.loop, cells.value, cells.interviewer, cells.mean, cells.last, strict=True))

    assert rows == [
        (1, 0, 10, 3.0, 3.0),
        (1, 0, 20, 2.0, 2.0),
        (1, 0, 30, 4.0, 4.0),
        (1, 1, 10, 4.0, 4.0),
        (2, 0, 10, 3.0, 4.0),  # mean of 2 and 4; the later round's rating is 4
        (2, 0, 20, 1.0, 1.0),
    ]


def test_each_rating_deviates_from_the_mean_of_the_other_interviewers_on_its_loop_and_value():
    deviations = stats.leniency_deviations(hand_cells())

    found = sorted(zip(deviations.interviewer.tolist(), deviations.deviation.tolist(), strict=True))

    # A on loop 1: 3 - (2 + 4)/2 = 0; B: 2 - 3.5; C: 4 - 2.5; loop 2: A 3 - 1, B 1 - 3. A's lone
    # rating of value 1 has nobody to compare with.
    assert found == [(10, 0.0), (10, 2.0), (20, -2.0), (20, -1.5), (30, 1.5)]


def test_shrinkage_by_hand():
    deviations = stats.leniency_deviations(hand_cells())

    result = stats.eb_shrink(deviations.interviewer, deviations.deviation, prior_only=(10, 20, 30, 40))

    # sigma^2 = ((0-1)² + (2-1)² + (0.25)² + (0.25)²) / (1 + 1 + 0) = 17/16.
    sigma2 = Fraction(17, 16)
    # w_j = n_j / sigma^2; Q = sum w_j raw_j² = 166/17; tau^2 = (Q - 3) / sum w_j = (115/17) / (80/17).
    tau2 = Fraction(115, 80)
    assert result.sigma2 == pytest.approx(float(sigma2))
    assert result.tau2 == pytest.approx(float(tau2))
    for key, n, raw in ((10, 2, 1.0), (20, 2, -1.75), (30, 1, 1.5)):
        shrink = tau2 / (tau2 + sigma2 / n)
        half = 1.6448536269514722 * sqrt(float(shrink * sigma2 / n))
        estimate = result.estimates[key]
        assert (estimate.n, estimate.raw) == (n, raw)
        assert estimate.shrunk == pytest.approx(float(shrink) * raw)
        assert estimate.ci90 == pytest.approx((float(shrink) * raw - half, float(shrink) * raw + half))
    assert result.estimates[10].shrunk == pytest.approx(0.730159, abs=1e-6)
    # Someone with no rating beside a colleague's gets the prior: 0 ± 1.645 tau.
    assert result.estimates[40].raw is None
    assert result.estimates[40].ci90 == pytest.approx((-1.6448536 * sqrt(1.4375), 1.6448536 * sqrt(1.4375)))


def test_no_spread_between_interviewers_shrinks_everyone_to_zero_and_flags_nobody():
    groups = np.repeat([1, 2, 3], 4)
    deviations = np.array([1, -1, 1, -1] * 3, dtype=float)  # every mean exactly 0

    result = stats.eb_shrink(groups, deviations)

    assert result.tau2 == 0.0
    assert all(e.shrunk == 0.0 and e.ci90 == (0.0, 0.0) and not e.flagged for e in result.estimates.values())


def test_without_spread_within_interviewers_nothing_is_shrunk():
    groups = np.repeat([1, 2, 3], 3)
    deviations = np.repeat([2.0, -2.0, 0.0], 3)

    result = stats.eb_shrink(groups, deviations)

    assert result.sigma2 == 0.0
    assert result.tau2 == pytest.approx(8 / 3)
    assert [result.estimates[k].shrunk for k in (1, 2, 3)] == [2.0, -2.0, 0.0]
    assert result.estimates[1].ci90 == (2.0, 2.0)


def test_flagged_means_the_interval_excludes_zero():
    assert stats.Estimate(5, 0.9, 0.6, (0.1, 1.1)).flagged
    assert stats.Estimate(5, -0.9, -0.6, (-1.1, -0.01)).flagged
    assert not stats.Estimate(5, 0.9, 0.4, (-0.1, 0.9)).flagged


# Krippendorff's alpha ---------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4 coders x 12 units example.
PUBLISHED = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
)


def counts_of(reliability_data: np.ndarray, domain) -> np.ndarray:
    return np.stack([(reliability_data == v).sum(axis=0) for v in domain], axis=1)


def test_the_coincidence_path_gives_the_published_ordinal_alpha():
    counts = counts_of(PUBLISHED, [1, 2, 3, 4, 5])
    counts = counts[counts.sum(axis=1) >= 2]

    alpha = stats.alpha_from_coincidences(stats.unit_coincidences(counts).sum(axis=0))

    assert round(float(alpha), 3) == 0.815
    assert float(alpha) == pytest.approx(
        krippendorff.alpha(PUBLISHED, level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5]), abs=1e-12
    )


def reliability_matrix(cells: stats.Cells) -> np.ndarray:
    """Coders x units, as the package takes it: each interviewer's (later) rating of each unit."""
    units = sorted(set(zip(cells.loop.tolist(), cells.value.tolist(), strict=True)))
    coders = sorted(set(cells.interviewer.tolist()))
    matrix = np.full((len(coders), len(units)), np.nan)
    for loop, value, interviewer, last in zip(cells.loop, cells.value, cells.interviewer, cells.last, strict=True):
        matrix[coders.index(interviewer), units.index((loop, value))] = last
    return matrix


def random_cells(seed: int, loops: int = 80, coders: int = 15) -> stats.Cells:
    rng = np.random.default_rng(seed)
    rows = []
    for loop in range(loops):
        level = rng.normal(2.6, 0.7)
        for value in range(4):
            for coder in rng.choice(coders, size=rng.integers(1, 4), replace=False):
                rows.append((loop, value, coder, int(np.clip(np.rint(level + rng.normal(0, 0.7)), 1, 4)), 1))
    loop, value, coder, rating, order = map(np.array, zip(*rows, strict=True))
    return stats.cells_from_ratings(loop, value, coder, rating, order)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_alpha_matches_the_package_on_the_same_coders_by_units_matrix(seed):
    cells = random_cells(seed)
    matrix = reliability_matrix(cells)

    ours = stats.alpha_ordinal(stats.unit_value_counts(cells))
    fast = stats.alpha_from_coincidences(stats.unit_coincidences(stats.unit_value_counts(cells)).sum(axis=0))

    expected = krippendorff.alpha(matrix, level_of_measurement="ordinal", value_domain=[1, 2, 3, 4])
    assert ours == pytest.approx(expected, abs=1e-12)
    assert float(fast) == pytest.approx(expected, abs=1e-12)


def test_every_bootstrap_sample_through_the_fast_path_equals_the_package_on_the_same_units():
    counts = stats.unit_value_counts(random_cells(3))
    contributions = stats.unit_coincidences(counts)
    rng = np.random.default_rng(7)

    for _ in range(20):
        drawn = rng.integers(len(counts), size=len(counts))
        fast = stats.alpha_from_coincidences(contributions[drawn].sum(axis=0))
        package = krippendorff.alpha(
            value_counts=counts[drawn], level_of_measurement="ordinal", value_domain=[1, 2, 3, 4]
        )
        assert float(fast) == pytest.approx(package, abs=1e-12)


def test_the_pattern_bootstrap_matches_a_plain_unit_bootstrap_with_the_package():
    counts = stats.unit_value_counts(random_cells(4, loops=150))
    rng = np.random.default_rng(11)
    plain = [
        krippendorff.alpha(
            value_counts=counts[rng.integers(len(counts), size=len(counts))],
            level_of_measurement="ordinal",
            value_domain=[1, 2, 3, 4],
        )
        for _ in range(1000)
    ]

    low, high = stats.alpha_bootstrap(counts, np.random.default_rng(12), resamples=1000)

    assert low == pytest.approx(np.percentile(plain, 2.5), abs=0.02)
    assert high == pytest.approx(np.percentile(plain, 97.5), abs=0.02)
    assert low < stats.alpha_ordinal(counts) < high


def test_the_bootstrap_is_the_same_for_the_same_seed():
    counts = stats.unit_value_counts(random_cells(5))

    first = stats.alpha_bootstrap(counts, np.random.default_rng(1))
    second = stats.alpha_bootstrap(counts, np.random.default_rng(1))

    assert first == second


def test_alpha_is_undefined_without_two_interviewers_on_a_unit_or_without_any_variation():
    alone = stats.cells_from_ratings(np.array([1, 2]), np.array([0, 0]), np.array([1, 2]), np.array([3, 4]), np.ones(2))
    same = stats.cells_from_ratings(np.array([1, 1]), np.array([0, 0]), np.array([1, 2]), np.array([3, 3]), np.ones(2))

    assert stats.alpha_ordinal(stats.unit_value_counts(alone)) is None
    assert stats.alpha_ordinal(stats.unit_value_counts(same)) is None
    assert stats.alpha_bootstrap(stats.unit_value_counts(same), np.random.default_rng(0)) is None
    assert stats.alpha_reading(None) == "Too few ratings to measure agreement."
    assert stats.alpha_reading(0.81).startswith("Reliable")
    assert stats.alpha_reading(0.7).startswith("Tentative")
    assert stats.alpha_reading(0.3).startswith("Low")


# G-study and D-study ----------------------------------------------------------------------------


def brute_force_components(c, i, v, y) -> np.ndarray:
    """The same moment equations, summed pair by pair: an independent implementation."""
    rows, target = np.zeros((4, 4)), np.zeros(4)
    for p in range(len(y)):
        for q in range(p + 1, len(y)):
            differ = [c[p] != c[q], i[p] != i[q], v[p] != v[q], True]
            square = (y[p] - y[q]) ** 2
            for r, keep in enumerate([True, c[p] == c[q], i[p] == i[q], v[p] == v[q]]):
                if keep:
                    rows[r] += 2 * np.array(differ, dtype=float)
                    target[r] += square
    return np.linalg.solve(rows, target)


def test_the_variance_components_solve_the_pairwise_moment_equations():
    rng = np.random.default_rng(3)
    c, i, v = rng.integers(0, 6, 40), rng.integers(0, 5, 40), rng.integers(0, 3, 40)
    y = rng.normal(0, 1, 6)[c] + rng.normal(0, 0.7, 5)[i] + rng.normal(0, 0.4, 3)[v] + rng.normal(0, 0.5, 40)

    found = stats.variance_components(c, i, v, y)

    expected = np.maximum(brute_force_components(c, i, v, y), 0)
    assert [found.candidate, found.interviewer, found.value, found.residual] == pytest.approx(expected.tolist())


def gaussian_loops(seed: int, loops: int, *, candidate=0.5, interviewer=0.3, value=0.2, residual=0.6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    level, lenient, hard = rng.normal(0, candidate, loops), rng.normal(0, interviewer, 12), rng.normal(0, value, 3)
    rows = [
        (loop, person, v, level[loop] + lenient[person] + hard[v] + rng.normal(0, residual))
        for loop in range(loops)
        for v in range(3)
        for person in rng.choice(12, 3, replace=False)
    ]
    return pd.DataFrame(rows, columns=["loop", "interviewer", "value", "rating"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_moment_estimates_agree_with_statsmodels_mixedlm(seed):
    data = gaussian_loops(seed, 40)
    data["everyone"] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MixedLM's convergence notes on a boundary fit
        fit = MixedLM.from_formula(
            "rating ~ 1",
            groups="everyone",
            re_formula="0",
            vc_formula={"loop": "0 + C(loop)", "interviewer": "0 + C(interviewer)", "value": "0 + C(value)"},
            data=data,
        ).fit(reml=True)
    reml = dict(zip(fit.model.exog_vc.names, fit.vcomp, strict=True))

    ours = stats.variance_components(data.loop, data.interviewer, data.value, data.rating)

    assert ours.candidate == pytest.approx(reml["loop"], abs=0.05)
    assert ours.interviewer == pytest.approx(reml["interviewer"], abs=0.05)
    assert ours.value == pytest.approx(reml["value"], abs=0.05)
    assert ours.residual == pytest.approx(fit.scale, abs=0.05)


def test_the_moment_estimates_find_the_true_components_on_many_loops():
    data = gaussian_loops(9, 4000, candidate=0.6, interviewer=0.4, value=0.3, residual=0.5)

    found = stats.variance_components(data.loop, data.interviewer, data.value, data.rating)

    assert found.candidate == pytest.approx(0.36, rel=0.08)
    assert found.residual == pytest.approx(0.25, rel=0.08)
    # Twelve interviewers and three values are few draws of their effects: the truth is their spread.
    assert found.interviewer > 0.05 and found.value > 0.0


def test_the_decision_study_by_hand():
    components = stats.VarianceComponents(candidate=0.3, interviewer=0.2, value=0.1, residual=0.4)

    # G(n) = 0.3 / (0.3 + 0.6 / n): 0.8 needs n >= 0.8 x 0.6 / (0.2 x 0.3) = 8 exactly.
    assert stats.g_coefficient(components, 8) == pytest.approx(0.8)
    assert stats.g_coefficient(components, 2) == pytest.approx(0.5)
    assert stats.reads_for_g(components) == 8
    assert stats.reads_for_g(stats.VarianceComponents(0.3, 0.2, 0.1, 0.41)) == 9
    assert stats.reads_for_g(stats.VarianceComponents(0.0, 0.2, 0.1, 0.4)) is None
    assert stats.reads_for_g(stats.VarianceComponents(1.0, 0.0, 0.0, 0.1)) == 1


def test_variance_components_need_more_than_one_candidate_and_interviewer():
    assert stats.variance_components([1, 1, 1], [1, 2, 3], [0, 1, 2], [3.0, 2.0, 4.0]) is None
    assert stats.variance_components([1], [1], [0], [3.0]) is None


# Correlations -----------------------------------------------------------------------------------


def test_pearson_and_spearman_agree_with_numpy_and_scipy():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=50), rng.normal(size=50)

    assert stats.pearson(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert stats.spearman(x, y) == pytest.approx(spearmanr(x, y).statistic)
    assert stats.pearson([1, 2], [2, 1]) is None
    assert stats.pearson([3, 3, 3], [1, 2, 3]) is None
