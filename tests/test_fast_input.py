"""The fast input path (keeper/fastinput.py) never disagrees with DRF: wherever it answers, DRF
accepts the same body and gives the same validated data; everything else is DRF's to answer."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from keeper import fastinput
from scorecards.serializers import ScorecardAmendmentInput, ScorecardDraftInput, ScorecardSubmitInput

INPUTS = [ScorecardDraftInput, ScorecardSubmitInput, ScorecardAmendmentInput]

# Values of every JSON type, with the edges the fields care about: bounds, blanks, whitespace,
# NUL and lone surrogates, slugs and not-quite-slugs, choices and near-choices.
texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "   ", " padded ", "a\x00b", "\ud800", "curiosity", "Curiosity!", "yes", "strong_no", "YES"]),
    st.sampled_from(["ab " * 6_666 + "ab", "x" * 20_001, " " + "y" * 20_000 + " "]),  # about the 20,000 cap
)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=6),
    st.sampled_from([2**31 - 1, 2**31, 10**20, -(10**20)]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1.0, 3.0]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=6
)


def item(fields: dict) -> st.SearchStrategy:
    """Objects with some of ``fields`` (each a plausible or a stray value), and a stray key now and then."""
    return st.fixed_dictionaries({}, optional={name: st.one_of(good, values) for name, good in fields.items()}).map(
        lambda d: d
    ) | st.fixed_dictionaries({"stray": values}, optional={name: good for name, good in fields.items()})


ratings = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
value_item = item(
    {"value": st.sampled_from(["curiosity", "courage", "bad slug", ""]), "rating": ratings, "evidence": texts}
)
criterion_item = item({"criterion": st.integers(min_value=-1, max_value=40), "rating": ratings, "notes": texts})
flag_item = item({"failure_mode": st.integers(min_value=-1, max_value=40), "note": texts})
bodies = st.fixed_dictionaries(
    {},
    optional={
        "version": st.one_of(st.integers(min_value=-1, max_value=2**31), values),
        "value_ratings": st.one_of(
            st.lists(value_item, max_size=4), st.lists(value_item, min_size=51, max_size=52), values
        ),
        "criterion_ratings": st.one_of(st.lists(criterion_item, max_size=4), values),
        "red_flags": st.one_of(st.lists(flag_item, max_size=3), values),
        "recommendation": st.one_of(st.sampled_from(["", "yes", "no", "strong_yes", "strong_no", "maybe"]), values),
        "keeper": st.one_of(st.sampled_from(["", "yes", "no", "Yes"]), values),
        "summary": st.one_of(texts, values),
        "reason": st.one_of(texts, values),
    },
)


# Bodies of plausible values only, most of them valid: the side where the fast path answers.
plain_texts = st.one_of(st.text(max_size=30), st.sampled_from(["", "  ", " Asked why. "]))
plain_rating = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
plain_bodies = st.fixed_dictionaries(
    {"version": st.integers(min_value=1, max_value=2**31 - 1)},
    optional={
        "value_ratings": st.lists(
            st.fixed_dictionaries(
                {"value": st.sampled_from(["curiosity", "courage", "candor"])},
                optional={"rating": plain_rating, "evidence": plain_texts},
            ),
            max_size=4,
        ),
        "criterion_ratings": st.lists(
            st.fixed_dictionaries(
                {"criterion": st.integers(min_value=1, max_value=40), "rating": plain_rating},
                optional={"notes": plain_texts},
            ),
            max_size=4,
        ),
        "red_flags": st.lists(
            st.fixed_dictionaries(
                {"failure_mode": st.integers(min_value=1, max_value=40)}, optional={"note": plain_texts}
            ),
            max_size=3,
        ),
        "recommendation": st.sampled_from(["", "yes", "no", "strong_yes", "strong_no"]),
        "keeper": st.sampled_from(["", "yes", "no"]),
        "summary": plain_texts,
        "reason": plain_texts,
    },
)


def drf(input_class, data):
    serializer = input_class(data=data)
    return serializer.validated_data if serializer.is_valid() else None


def normal(value):
    """validated_data with DRF's ordered dicts as plain ones, for comparison."""
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normal(v) for v in value]
    return value


@pytest.mark.parametrize("input_class", INPUTS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(plain_bodies, bodies, values))
def test_the_fast_path_and_drf_agree_on_every_body(input_class, body):
    """For these inputs the two agree exactly: the fast path takes every body DRF takes (the
    JSON types are already strict), with the same result, and refers every other to DRF."""
    assert normal(fastinput.fast(input_class, body)) == normal(drf(input_class, body))


def complete_draft() -> dict:
    return {
        "version": 3,
        "value_ratings": [
            {"value": "curiosity", "rating": 3, "evidence": "  Asked why.  "},
            {"value": "courage", "rating": None},
            {"value": "candor", "evidence": "Pending."},
        ],
        "criterion_ratings": [{"criterion": 4, "rating": 2}, {"criterion": 5, "rating": None, "notes": "n"}],
        "red_flags": [{"failure_mode": 2}],
        "recommendation": "yes",
        "keeper": "",
        "summary": " Solid. ",
    }


def test_the_fast_path_takes_a_plain_full_draft_and_gives_what_drf_gives():
    body = complete_draft()

    fast = fastinput.fast(ScorecardDraftInput, body)

    assert fast is not None
    assert normal(fast) == normal(drf(ScorecardDraftInput, body))
    assert fast["value_ratings"][0]["evidence"] == "Asked why."  # trimmed, as DRF trims
    assert fast["criterion_ratings"][0]["notes"] == ""  # the default filled in
    assert "rating" not in fast["value_ratings"][2]  # left out stays left out: evidence before a rating


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.update(version=True),
        lambda b: b.update(version=0),
        lambda b: b.update(version=2**31),
        lambda b: b.pop("version"),
        lambda b: b["value_ratings"][0].update(rating=5),
        lambda b: b["value_ratings"][0].update(rating=3.0),
        lambda b: b["value_ratings"][0].update(value="not a slug"),
        lambda b: b["value_ratings"][0].update(evidence="x" * 20_001),
        lambda b: b["value_ratings"][0].update(evidence="a\x00b"),
        lambda b: b["criterion_ratings"][0].pop("rating"),
        lambda b: b.update(recommendation="maybe"),
        lambda b: b.update(summary=None),
        lambda b: b.update(red_flags={}),
        lambda b: b.update(value_ratings=[{"value": "curiosity"}] * 51),
    ],
)
def test_the_fast_path_leaves_every_error_to_drf(change):
    body = complete_draft()
    change(body)

    assert fastinput.fast(ScorecardDraftInput, body) is None
    with pytest.raises(serializers.ValidationError):
        fastinput.validated(ScorecardDraftInput, body)


def test_a_serializer_with_its_own_validation_is_never_fast():
    class Checked(serializers.Serializer):
        n = serializers.IntegerField()

        def validate(self, attrs):
            raise serializers.ValidationError("always")

    assert fastinput.fast(Checked, {"n": 1}) is None
    with pytest.raises(serializers.ValidationError):
        fastinput.validated(Checked, {"n": 1})
