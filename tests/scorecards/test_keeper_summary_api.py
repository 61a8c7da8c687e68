import csv
import io

import pytest

from loops.models import Loop, TimelineEvent
from scorecards.models import Exposure, KeeperDecision, KeeperSummary
from tests.conftest import assign, submit_complete


@pytest.fixture
def decided_ready(loop, alice, bob, dora):
    """Two submitted interviews and the director's draft."""
    submit_complete(assign(loop, "coding", alice), rating=4, recommendation="strong_yes")
    submit_complete(assign(loop, "system-design", bob), rating=3, recommendation="yes")
    return assign(loop, "director-final", dora)


def summary_url(loop) -> str:
    return f"/api/v1/loops/{loop.pk}/keeper-summary/"


def test_the_summary_has_the_contract_shape(api, hana, loop, decided_ready):
    api.force_authenticate(hana)

    response = api.get(summary_url(loop))

    assert response.status_code == 200
    body = response.json()
    for key in (
        "loop",
        "rubric_version",
        "values",
        "who_said_what",
        "red_flags",
        "disagreements",
        "gaps",
        "agreement",
        "verdict",
        "timeline",
        "decision",
    ):
        assert key in body
    assert body["loop"] == loop.pk
    assert body["rubric_version"] == 1
    assert len(body["values"]) == 9
    innovation = next(v for v in body["values"] if v["value"] == "innovation")
    assert {"value", "count", "mean", "min", "max", "spread", "status", "ratings"} <= innovation.keys()
    assert (innovation["count"], innovation["mean"], innovation["status"]) == (2, 3.5, "strong")
    assert {"interviewer", "round", "rating", "evidence"} <= innovation["ratings"][0].keys()
    assert {(w["recommendation"], w["keeper"]) for w in body["who_said_what"]} == {
        ("strong_yes", "yes"),
        ("yes", "yes"),
    }
    assert body["gaps"]["values"] == ["selflessness", "courage", "inclusion", "integrity", "passion"]
    assert body["gaps"]["questions"] == [1, 3, 6, 7, 8]
    assert {"alpha", "reading", "ratings"} <= body["agreement"].keys()
    assert body["verdict"]["met"] is False
    assert "Selflessness has no evidence." in body["verdict"]["reasons"]
    assert body["timeline"]["window"] == {"min": 6, "max": 10}
    assert body["timeline"]["weeks_elapsed"] == 3.0
    assert body["timeline"]["pace"] == "on_track"
    assert body["decision"] is None


def test_the_directors_draft_is_left_out_until_submitted(api, hana, loop, decided_ready):
    api.force_authenticate(hana)
    before = api.get(summary_url(loop)).json()

    submit_complete(decided_ready)
    after = api.get(summary_url(loop)).json()

    assert before["scorecards"] == 2
    assert after["scorecards"] == 3
    assert "Director final" in {w["round_name"] for w in after["who_said_what"]}


@pytest.mark.parametrize("user", ["hana", "rick", "dora", "ada"])
def test_the_hiring_team_reads_the_summary(api, loop, decided_ready, user, request):
    api.force_authenticate(request.getfixturevalue(user))

    assert api.get(summary_url(loop)).status_code == 200
    assert api.get(f"/api/v1/loops/{loop.pk}/keeper-summary.csv").status_code == 200


def test_an_interviewer_reads_it_only_after_submitting(api, alice, eve, loop, bob):
    submit_complete(assign(loop, "system-design", bob))
    mine = assign(loop, "coding", alice)
    api.force_authenticate(alice)
    assert api.get(summary_url(loop)).status_code == 404
    assert api.get(f"/api/v1/loops/{loop.pk}/keeper-summary.csv").status_code == 404

    submit_complete(mine)

    assert api.get(summary_url(loop)).status_code == 200
    assert Exposure.objects.filter(user=alice, kind="summary").count() == 1
    api.force_authenticate(eve)
    assert api.get(summary_url(loop)).status_code == 404


def test_anonymous_callers_get_401(api, loop):
    assert api.get(summary_url(loop)).status_code == 401
    assert api.post(f"/api/v1/loops/{loop.pk}/decision/", {}).status_code == 401


def test_the_summary_is_refreshed_when_a_scorecard_is_submitted_and_never_stale(
    api, hana, loop, alice, django_capture_on_commit_callbacks
):
    api.force_authenticate(hana)
    api.get(summary_url(loop))
    assert KeeperSummary.objects.get(loop=loop).data["scorecards"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        submit_complete(assign(loop, "coding", alice))

    stored = KeeperSummary.objects.get(loop=loop)
    assert stored.data["scorecards"] == 1
    assert stored.is_current
    assert api.get(summary_url(loop)).json()["scorecards"] == 1


def test_a_stale_stored_summary_is_recomputed_on_read(api, hana, loop, alice):
    api.force_authenticate(hana)
    api.get(summary_url(loop))
    submit_complete(assign(loop, "coding", alice))  # on-commit refresh never runs inside the test transaction

    assert not KeeperSummary.objects.get(loop=loop).is_current, "the submit marked it stale in its transaction"
    assert api.get(summary_url(loop)).json()["scorecards"] == 1
    assert KeeperSummary.objects.get(loop=loop).is_current


def test_the_csv_has_a_row_per_rating_and_defuses_formulas(api, hana, loop, alice):
    card = assign(loop, "coding", alice)
    submit_complete(card)
    from scorecards.services import ScorecardContent, ValueRatingIn, scorecard_amend

    scorecard_amend(
        scorecard=card,
        by=alice,
        reason="Typo",
        content=ScorecardContent(
            value_ratings=[
                ValueRatingIn("curiosity", 3, '=HYPERLINK("http://x")'),
                ValueRatingIn("innovation", 3, "fine"),
                ValueRatingIn("communication", 3, "fine"),
            ],
            changed=["value_ratings"],
        ),
    )
    api.force_authenticate(hana)

    response = api.get(f"/api/v1/loops/{loop.pk}/keeper-summary.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3 + 6  # three rated values, six values with no rating row
    curiosity = next(r for r in rows if r["value"] == "curiosity")
    assert curiosity["evidence"].startswith("'=HYPERLINK")
    assert curiosity["rating"] == "3"


def test_the_printable_page(client, hana, loop, decided_ready):
    client.force_login(hana)

    response = client.get(f"/loops/{loop.pk}/keeper-summary/print/")

    assert response.status_code == 200
    assert "Keeper Test summary: Jordan Rivera" in response.content.decode()
    assert "bar not met" in response.content.decode()


def test_the_printable_page_is_hidden_from_outsiders(client, eve, loop):
    client.force_login(eve)

    assert client.get(f"/loops/{loop.pk}/keeper-summary/print/").status_code == 404


# The decision ---------------------------------------------------------------------------------


def decide(api, loop, **body):
    return api.post(f"/api/v1/loops/{loop.pk}/decision/", body, format="json")


def test_do_not_keep_closes_the_loop_as_rejected(api, dora, loop, decided_ready):
    api.force_authenticate(dora)

    response = decide(api, loop, decision="do_not_keep", rationale="Evidence on four values is missing.")

    assert response.status_code == 201
    assert response.json()["decision"] == "do_not_keep"
    loop.refresh_from_db()
    assert loop.status == Loop.Status.REJECTED
    assert TimelineEvent.objects.filter(loop=loop, kind="decision_recorded").exists()
    assert api.get(summary_url(loop)).json()["decision"]["rationale"] == "Evidence on four values is missing."


def test_keeping_against_an_unmet_bar_needs_an_answer_to_each_reason(api, dora, loop, decided_ready):
    api.force_authenticate(dora)

    refused = decide(api, loop, decision="keep", rationale="Strong engineer.")

    assert refused.status_code == 400
    named = refused.json()["answers"]
    assert any("Selflessness has no evidence." in line for line in named)
    assert len(named) == 5
    assert Loop.objects.get(pk=loop.pk).status == "active"

    codes = [c["code"] for c in api.get(summary_url(loop)).json()["verdict"]["checks"] if not c["met"]]
    answers = {code: "Covered in the director round; notes attached." for code in codes}
    accepted = decide(api, loop, decision="keep", rationale="Strong engineer.", answers=answers)
    assert accepted.status_code == 201
    assert Loop.objects.get(pk=loop.pk).status == "hired"


def test_an_empty_answer_or_rationale_is_refused(api, dora, loop, decided_ready):
    api.force_authenticate(dora)
    codes = [c["code"] for c in api.get(summary_url(loop)).json()["verdict"]["checks"] if not c["met"]]

    response = decide(api, loop, decision="keep", rationale=" ", answers={code: "" for code in codes})

    assert response.status_code == 400
    assert set(response.json()) == {"rationale", "answers"}
    assert not KeeperDecision.objects.exists()


def test_a_decision_is_made_once(api, dora, loop, decided_ready):
    api.force_authenticate(dora)
    decide(api, loop, decision="do_not_keep", rationale="No.")

    again = decide(api, loop, decision="do_not_keep", rationale="Still no.")

    assert again.status_code == 409
    assert KeeperDecision.objects.count() == 1


@pytest.mark.parametrize(("user", "expected"), [("hana", 403), ("alice", 403), ("eve", 404), ("rick", 403)])
def test_only_a_director_decides(api, loop, decided_ready, user, expected, request):
    api.force_authenticate(request.getfixturevalue(user))

    response = decide(api, loop, decision="do_not_keep", rationale="x")

    assert response.status_code == expected
    assert not KeeperDecision.objects.exists()


def test_a_bad_decision_value_is_a_400(api, dora, loop):
    api.force_authenticate(dora)

    response = decide(api, loop, decision="maybe")

    assert response.status_code == 400
    assert set(response.json()) == {"decision", "rationale"}


def test_the_frozen_copy_does_not_change_after_a_later_amendment(api, dora, alice, loop):
    card = submit_complete(assign(loop, "coding", alice), recommendation="yes")
    api.force_authenticate(dora)
    decide(api, loop, decision="do_not_keep", rationale="Too thin.")
    from scorecards.services import ScorecardContent, scorecard_amend

    scorecard_amend(
        scorecard=card,
        by=alice,
        reason="Wrong recommendation",
        content=ScorecardContent(recommendation="strong_no", changed=["recommendation"]),
    )

    snapshot = KeeperDecision.objects.get(loop=loop).summary_snapshot
    assert [w["recommendation"] for w in snapshot["who_said_what"]] == ["yes"]
    live = api.get(summary_url(loop)).json()
    assert [w["recommendation"] for w in live["who_said_what"]] == ["strong_no"]
    assert live["who_said_what"][0]["revision"] == 2
