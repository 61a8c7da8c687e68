"""The summary's maths on hand-built data: no database, no HTTP."""

import math

import pytest

from scorecards.summary import (
    Card,
    Flag,
    KeeperBar,
    QuestionDef,
    Rating,
    SummaryInput,
    ValueDef,
    agreement,
    summary_compute,
    value_status,
)

BAR = KeeperBar()
VALUES = (ValueDef("judgment", "Judgment"), ValueDef("courage", "Courage"), ValueDef("curiosity", "Curiosity"))
QUESTIONS = (QuestionDef(1, "Walk me through…"), QuestionDef(3, "Tell me about a time you disagreed…"))


def card(n: int, ratings: dict, recommendation="yes", keeper="yes", flags=(), questions=(1,), round_order=1):
    return Card(
        scorecard=n,
        interviewer=100 + n,
        interviewer_name=f"Interviewer {n}",
        round=10 + n,
        round_name=f"Round {n}",
        round_order=round_order,
        recommendation=recommendation,
        keeper=keeper,
        ratings=tuple(Rating(slug, rating, f"evidence {n} {slug}") for slug, rating in ratings.items()),
        flags=tuple(flags),
        questions=tuple(questions),
    )


def compute(*cards, bar=BAR):
    return summary_compute(
        SummaryInput(loop=1, rubric_version=1, values=VALUES, questions=QUESTIONS, bar=bar, cards=cards)
    )


@pytest.mark.parametrize(
    ("ratings", "status"),
    [
        ([], "no_evidence"),
        ([4, 3], "strong"),  # mean 3.5 exactly, nobody under 3
        ([4, 4, 2], "meets"),  # mean 3.33: a 2 keeps it from strong
        ([4, 4, 4, 2], "meets"),  # mean 3.5 but a 2
        ([3, 3], "meets"),  # mean 3.0 exactly
        ([3, 3, 2], "concern"),  # mean 2.67
        ([1], "concern"),
    ],
)
def test_value_status_boundaries(ratings, status):
    assert value_status(ratings, BAR) == status


def test_the_value_table_counts_not_assessed_apart_and_keeps_the_evidence():
    summary = compute(
        card(1, {"judgment": 4, "courage": None}),
        card(2, {"judgment": 2, "courage": 3}, round_order=2),
    )

    judgment, courage, curiosity = summary["values"]
    assert (judgment["count"], judgment["mean"], judgment["min"], judgment["max"], judgment["spread"]) == (
        2,
        3.0,
        2,
        4,
        2,
    )
    assert judgment["ratings"][0] == {
        "interviewer": 101,
        "interviewer_name": "Interviewer 1",
        "round": 11,
        "round_name": "Round 1",
        "rating": 4,
        "evidence": "evidence 1 judgment",
    }
    assert (courage["count"], courage["not_assessed"], courage["mean"]) == (1, 1, 3.0)
    assert curiosity["status"] == "no_evidence"
    assert summary["gaps"] == {"values": ["curiosity"], "questions": [3]}


def test_disagreements_of_two_points_or_more_on_values_and_recommendations():
    summary = compute(
        card(1, {"judgment": 4, "courage": 3}, recommendation="strong_yes"),
        card(2, {"judgment": 2, "courage": 2}, recommendation="no"),
    )

    kinds = {(d["kind"], d.get("value")) for d in summary["disagreements"]}
    assert kinds == {("value", "judgment"), ("recommendation", None)}
    judgment = next(d for d in summary["disagreements"] if d.get("value") == "judgment")
    assert [r["interviewer"] for r in judgment["low"]] == [102]
    assert [r["interviewer"] for r in judgment["high"]] == [101]


def test_a_one_point_spread_is_no_disagreement():
    summary = compute(card(1, {"judgment": 4}, recommendation="yes"), card(2, {"judgment": 3}, recommendation="no"))

    assert summary["disagreements"] == []


def test_alpha_matches_krippendorffs_published_worked_example():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 coders x 12 units
    example with missing data: ordinal alpha = 0.815."""
    nan = math.nan
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]

    result = agreement(data, value_domain=[1, 2, 3, 4, 5])

    assert result["alpha"] == 0.815
    assert result["reading"].startswith("Reliable agreement")
    assert result["ratings"] == 41


def test_alpha_needs_ratings_that_can_be_compared():
    alone = compute(card(1, {"judgment": 4, "courage": 3}))
    unanimous = compute(card(1, {"judgment": 3}), card(2, {"judgment": 3}))

    assert alone["agreement"]["alpha"] is None
    assert "no value was rated by two interviewers" in alone["agreement"]["reading"]
    assert unanimous["agreement"]["alpha"] is None
    assert "undefined" in unanimous["agreement"]["reading"]


def test_alpha_reading_for_a_split_panel():
    summary = compute(
        card(1, {"judgment": 4, "courage": 1, "curiosity": 3}),
        card(2, {"judgment": 1, "courage": 4, "curiosity": 2}),
    )

    assert summary["agreement"]["alpha"] < 0.667
    assert summary["agreement"]["reading"].startswith("Unreliable")


def strong_card(n, **kwargs):
    return card(n, {"judgment": 4, "courage": 4, "curiosity": 3}, **kwargs)


def test_a_clean_loop_meets_the_bar_and_says_why():
    summary = compute(strong_card(1, questions=(1, 3)), strong_card(2))

    verdict = summary["verdict"]
    assert verdict["met"] is True
    assert "Every value has evidence." in verdict["reasons"]
    assert "Nobody recommended strong no." in verdict["reasons"]
    assert "2 of 2 interviewers would fight to keep this person (100%; the bar is 50%)." in verdict["reasons"]
    assert verdict["rule"].startswith("Met when every value has evidence")


@pytest.mark.parametrize(
    ("cards", "code", "reason"),
    [
        ((card(1, {"judgment": 4, "courage": 4}),), "no_evidence:curiosity", "Curiosity has no evidence."),
        (
            (strong_card(1), card(2, {"judgment": 1, "courage": 3, "curiosity": 3}, recommendation="no")),
            "value_mean:judgment",
            "Judgment averages 2.50, under the bar of 3.00.",
        ),
        (
            (strong_card(1), strong_card(2, recommendation="strong_no")),
            "strong_no:2",
            "Interviewer 2 recommended strong no (Round 2).",
        ),
        (
            (strong_card(1, flags=[Flag(7, "Vague ownership", "blocking", "Could not say what they built")]),),
            "blocking_flag:1:7",
            "Interviewer 1 raised a blocking red flag (Round 1): Vague ownership",
        ),
        (
            (strong_card(1, keeper="no"), strong_card(2, keeper="no"), strong_card(3)),
            "keeper_share",
            "1 of 3 interviewers would fight to keep this person (33%; the bar is 50%).",
        ),
        ((), "no_scorecards", "No scorecard has been submitted yet."),
    ],
)
def test_every_verdict_reason(cards, code, reason):
    verdict = compute(*cards)["verdict"]

    assert verdict["met"] is False
    unmet = {c["code"]: c["detail"] for c in verdict["checks"] if not c["met"]}
    assert code in unmet
    assert unmet[code].startswith(reason)
    assert any(r.startswith(reason) for r in verdict["reasons"])


def test_a_mean_exactly_at_the_bar_meets_it():
    verdict = compute(strong_card(1), card(2, {"judgment": 2, "courage": 4, "curiosity": 3}))["verdict"]

    assert verdict["met"] is True


def test_a_concern_flag_does_not_fail_the_bar_and_blocking_flags_come_first():
    summary = compute(
        strong_card(1, flags=[Flag(8, "Generic why-Netflix", "concern", "")]),
        strong_card(2, flags=[Flag(7, "Vague ownership", "blocking", "note")], round_order=2),
        bar=KeeperBar(blocking_flag_blocks=False),
    )

    assert summary["verdict"]["met"] is True
    assert [f["severity"] for f in summary["red_flags"]] == ["blocking", "concern"]


def test_the_bar_thresholds_come_from_the_rubric_version():
    lenient = KeeperBar(meets_mean=2.0, min_keeper_yes_share=0.0, strong_no_blocks=False)

    summary = compute(
        card(1, {"judgment": 2, "courage": 2, "curiosity": 2}, recommendation="strong_no", keeper="no"), bar=lenient
    )

    assert summary["verdict"]["met"] is True
    assert "averages at least 2.00" in summary["verdict"]["rule"]
