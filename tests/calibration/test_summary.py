"""Calibration in the Keeper summary (Product §8.1): directors and admins read each value's
calibrated mean beside its raw mean and each rating's rater leniency, as new keys; nobody else
does; the verdict stays on raw means unless the rubric version's Keeper bar says calibrated."""

import json

import pytest

from calibration.services import calibration_recompute
from rubric.models import Rubric
from rubric.services import rubric_new_draft, rubric_publish
from scorecards.models import KeeperSummary
from scorecards.summary import calibrated_mean, calibration_add
from tests.calibration.conftest import held_loop, rate

pytestmark = pytest.mark.django_db

NEW_KEYS = ("calibrated_mean", "rater_leniency")


def test_the_calibrated_mean_by_hand():
    # 4 - 0.5, 2 + 0.5 and 3 - 0: 3.0; someone who rated twice counts once, with their mean;
    # an interviewer with no calibration counts as 0; the result stays on the 1-4 scale.
    assert calibrated_mean([(1, 4), (2, 2), (3, 3)], {1: 0.5, 2: -0.5}) == 3.0
    assert calibrated_mean([(1, 4), (1, 2), (2, 4)], {}) == 3.5
    assert calibrated_mean([(1, 2), (2, 3)], {1: 0.4}) == 2.3
    assert calibrated_mean([(1, 4)], {1: -1.0}) == 4.0
    assert calibrated_mean([], {1: 0.2}) is None


def test_calibration_adds_keys_and_changes_none():
    values = [
        {
            "value": "judgment",
            "mean": 3.0,
            "ratings": [{"interviewer": 1, "rating": 4}, {"interviewer": 2, "rating": 2}],
        }
    ]

    calibration_add(values, {1: 0.333333})

    assert values[0]["mean"] == 3.0
    assert values[0]["calibrated_mean"] == 2.83
    assert [r["rater_leniency"] for r in values[0]["ratings"]] == [0.33, None]


def strip(body: dict) -> dict:
    for row in body["values"]:
        row.pop("calibrated_mean", None)
        for rating in row["ratings"]:
            rating.pop("rater_leniency", None)
    return body


def test_a_director_reads_the_calibrated_mean_beside_the_raw_one_and_each_raters_leniency(
    api, dora, hana, alice, calibrated, rated_loops
):
    leniency = {row["interviewer"]: row["leniency"]["shrunk"] for row in calibrated.data["interviewers"]}
    path = f"/api/v1/loops/{rated_loops[0].pk}/keeper-summary/"
    api.force_authenticate(hana)
    manager = api.get(path).json()
    api.force_authenticate(dora)

    director = api.get(path).json()

    innovation = next(row for row in director["values"] if row["value"] == "innovation")
    assert innovation["mean"] == 3.0  # alice 4, bob 2, hana 3
    expected = calibrated_mean([(r["interviewer"], r["rating"]) for r in innovation["ratings"]], leniency)
    assert innovation["calibrated_mean"] == expected != innovation["mean"] or expected == 3.0
    alice_rating = next(r for r in innovation["ratings"] if r["interviewer"] == alice.pk)
    assert alice_rating["rater_leniency"] == round(leniency[alice.pk], 2) > 0
    assert strip(director) == manager  # every other key exactly as before


@pytest.mark.parametrize("who", ["hana", "alice", "bob"])
def test_nobody_but_directors_and_admins_reads_leniency_in_the_summary(api, calibrated, rated_loops, who, request):
    api.force_authenticate(request.getfixturevalue(who))

    response = api.get(f"/api/v1/loops/{rated_loops[0].pk}/keeper-summary/")

    assert response.status_code == 200
    assert all(key.encode() not in response.content for key in NEW_KEYS)


def test_the_summary_page_shows_them_to_the_director_only(client, dora, hana, calibrated, rated_loops):
    client.force_login(dora)
    director = client.get(f"/loops/{rated_loops[0].pk}/summary/").content.decode()
    client.force_login(hana)
    manager = client.get(f"/loops/{rated_loops[0].pk}/summary/").content.decode()

    assert "calibrated mean" in director and "rater leniency" in director
    assert "calibrated mean" not in manager and "rater leniency" not in manager


def calibrated_version(rubric: Rubric) -> Rubric:
    draft = rubric_new_draft(rubric=rubric)
    Rubric.objects.filter(pk=draft.pk).update(bar_calibrated=True)
    return rubric_publish(rubric=Rubric.objects.get(pk=draft.pk))


def lenient_history_then_target(version, hana, alice, bob, offset: int):
    """Three loops where alice rates 4, hana 3 and bob 2 (alice lenient, hana in the middle),
    then a loop where alice rates 4 and hana 2 on the values they share: innovation and
    communication average 3.00 raw, under 3.00 once alice's leniency is taken out."""
    for n in range(3):
        loop = held_loop(offset + n, hana, rubric=version)
        rate(loop, "coding", alice, 4, n)
        rate(loop, "system-design", bob, 2, n)
        rate(loop, "hiring-manager-screen", hana, 3, n)
    target = held_loop(offset + 3, hana, rubric=version)
    rate(target, "coding", alice, 4, 3)
    rate(target, "hiring-manager-screen", hana, 2, 3)
    return target


def checks(api, loop) -> dict:
    body = api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/").json()
    return {c["code"]: c for c in body["verdict"]["checks"]}, body


def test_the_verdict_uses_raw_means_unless_the_version_says_calibrated(api, rubric, dora, hana, alice, bob):
    raw_target = lenient_history_then_target(rubric, hana, alice, bob, offset=0)
    calibration_recompute(rubric_id=rubric.pk)
    version = calibrated_version(rubric)
    calibrated_target = lenient_history_then_target(version, hana, alice, bob, offset=10)
    calibration_recompute(rubric_id=version.pk)
    api.force_authenticate(dora)

    raw_checks, raw_body = checks(api, raw_target)
    calibrated_checks, calibrated_body = checks(api, calibrated_target)

    assert "value_mean:innovation" not in raw_checks
    assert "calibrated" not in raw_body["verdict"]["rule"]
    unmet = calibrated_checks["value_mean:innovation"]
    assert unmet["met"] is False
    assert "Innovation (calibrated) averages" in unmet["detail"]
    assert "calibrated" in calibrated_body["verdict"]["rule"]
    innovation = next(row for row in calibrated_body["values"] if row["value"] == "innovation")
    assert innovation["mean"] == 3.0 > innovation["calibrated_mean"]
    assert version.keeper_bar["calibrated"] is True and rubric.keeper_bar["calibrated"] is False


def test_a_recompute_makes_the_summaries_of_a_calibrated_version_stale(api, rubric, dora, hana, alice, bob):
    version = calibrated_version(rubric)
    target = lenient_history_then_target(version, hana, alice, bob, offset=20)
    api.force_authenticate(dora)
    api.get(f"/api/v1/loops/{target.pk}/keeper-summary/")
    before = KeeperSummary.objects.get(loop=target)
    assert before.is_current

    calibration_recompute(rubric_id=version.pk)

    assert not KeeperSummary.objects.get(loop=target).is_current
    body = json.loads(api.get(f"/api/v1/loops/{target.pk}/keeper-summary/").content)
    assert "value_mean:innovation" in {c["code"] for c in body["verdict"]["checks"]}


def test_a_new_draft_keeps_the_calibrated_bar(rubric):
    version = calibrated_version(rubric)

    draft = rubric_new_draft(rubric=version)

    assert draft.bar_calibrated is True
