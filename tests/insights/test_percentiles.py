"""Percentile ranks (insights/comparison.py `percentile_ranks`): the sort-and-bisect pass gives
exactly what the definition on the comparison page says, counted the slow way, on any input."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insights.comparison import percentile_ranks


def by_definition(scores: dict) -> dict:
    """The definition, word for word: 100 × (number below + ½ × number equal) / number compared,
    leaving out the vendors without a score (O(n²); the product's function was this once)."""
    present = [s for s in scores.values() if s is not None]
    return {
        key: None
        if score is None
        else 100 * (sum(1 for s in present if s < score) + 0.5 * sum(1 for s in present if s == score)) / len(present)
        for key, score in scores.items()
    }


# Scores as the page has them: 0-100 rounded to 0.1, often tied, sometimes not applicable.
score = st.one_of(st.none(), st.integers(0, 1000).map(lambda tenths: tenths / 10))
few_values = st.one_of(st.none(), st.sampled_from([0.0, 50.0, 62.5, 87.5, 100.0]))
#: Large dictionaries are slow to draw on a busy machine; that is not a failure of the rule.
roomy = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)


@roomy
@given(st.dictionaries(st.integers(), score, max_size=200))
def test_the_same_ranks_as_the_definition_on_any_scores(scores):
    assert percentile_ranks(scores) == by_definition(scores)


@roomy
@given(st.dictionaries(st.text(max_size=4), few_values, max_size=300))
def test_the_same_ranks_as_the_definition_with_many_ties(scores):
    assert percentile_ranks(scores) == by_definition(scores)


@roomy
@given(st.lists(st.integers(0, 100), max_size=100))
def test_integer_and_decimal_scores_rank_alike(values):
    from decimal import Decimal

    ints = dict(enumerate(values))
    assert percentile_ranks(ints) == percentile_ranks({k: Decimal(v) for k, v in ints.items()})


def test_many_ties():
    # 1,000 vendors on three scores: 500 at 50, 300 at 75, 200 at 100, and 10 not applicable.
    scores = {i: 50.0 for i in range(500)} | {i: 75.0 for i in range(500, 800)}
    scores |= {i: 100.0 for i in range(800, 1000)} | {i: None for i in range(1000, 1010)}
    ranks = percentile_ranks(scores)
    assert ranks[0] == 25.0  # 0 below, 500 equal: 250 / 1000
    assert ranks[500] == 65.0  # 500 below, 300 equal: 650 / 1000
    assert ranks[999] == 90.0  # 800 below, 200 equal: 900 / 1000
    assert ranks[1005] is None
    assert {ranks[i] for i in range(500)} == {25.0} and len(set(ranks.values())) == 4
    # All tied: everyone at 50, whatever their number.
    assert set(percentile_ranks(dict.fromkeys(range(5000), 80.0)).values()) == {50.0}


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1000])
def test_distinct_scores_are_spread_evenly(n):
    ranks = percentile_ranks({i: float(i) for i in range(n)})
    assert [ranks[i] for i in range(n)] == [pytest.approx(100 * (i + 0.5) / n) for i in range(n)]
