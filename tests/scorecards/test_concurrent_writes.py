"""Many identical writes at once (issue #10): of each, exactly one lands and every other one
is a 409, never a 500 and never a second row. Each rule is held by the database itself: a
unique constraint (one assignment per round and interviewer, one scorecard per assignment,
one decision per loop) or a conditional UPDATE (a submit seals only a draft at the version
it read), so no check-then-write in Python can let two through."""

import pytest

from loops.models import Assignment, Loop, TimelineEvent
from scorecards.models import KeeperDecision, KeeperSummary, Scorecard
from tests.concurrency import MAX_THREADS, at_once, statuses, token_client, token_for
from tests.conftest import assign, complete_body, round_of, submit_complete

# One worker runs every race test: fifty connections each, and the server allows a hundred.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]

DECIDERS = 20


def test_fifty_identical_assignments_make_one_assignment_and_one_scorecard(loop, hana, alice):
    coding = round_of(loop, "coding")
    key = token_for(hana)

    answers = at_once(
        MAX_THREADS,
        lambda _: token_client(key).post(
            f"/api/v1/rounds/{coding.pk}/assignments/", {"interviewer": alice.pk, "notes": ""}, format="json"
        ),
    )

    counts = statuses(answers)
    print(f"\nassignments x{MAX_THREADS}: {dict(counts)}")
    assert counts == {201: 1, 409: MAX_THREADS - 1}, counts
    assert all(a.json()["code"] == "conflict" for a in answers if a.status_code == 409)
    (created,) = [a.json() for a in answers if a.status_code == 201]
    assert Assignment.objects.filter(round=coding, interviewer=alice).count() == 1
    assert Scorecard.objects.filter(round=coding, interviewer=alice).count() == 1
    assert Scorecard.objects.get(round=coding, interviewer=alice).pk == created["scorecard"]
    assert TimelineEvent.objects.filter(loop=loop, kind="assignment_created").count() == 1


def test_fifty_submits_of_one_complete_draft_seal_it_once(loop, alice):
    card = assign(loop, "coding", alice)
    key = token_for(alice)
    assert (
        token_client(key).patch(f"/api/v1/scorecards/{card.pk}/", complete_body(card), format="json").status_code == 200
    )
    wanted_before = KeeperSummary.objects.filter(loop=loop).values_list("wanted", flat=True).first() or 0

    answers = at_once(MAX_THREADS, lambda _: token_client(key).post(f"/api/v1/scorecards/{card.pk}/submit/"))

    counts = statuses(answers)
    print(f"\nsubmits x{MAX_THREADS}: {dict(counts)}")
    assert counts == {200: 1, 409: MAX_THREADS - 1}, counts
    assert all(a.json()["code"] in {"frozen", "stale"} for a in answers if a.status_code == 409)
    stored = Scorecard.objects.get(pk=card.pk)
    assert stored.status == "submitted"
    assert stored.version == 3, "one save and one submit: every losing submit left the version alone"
    assert TimelineEvent.objects.filter(loop=loop, kind="scorecard_submitted").count() == 1
    assert KeeperSummary.objects.get(loop=loop).wanted == wanted_before + 1


def test_twenty_decisions_by_the_director_record_one(loop, alice, bob, dora):
    submit_complete(assign(loop, "coding", alice))
    submit_complete(assign(loop, "system-design", bob))
    assign(loop, "director-final", dora)
    key = token_for(dora)

    def decide(index: int):
        body = {"decision": "do_not_keep", "rationale": f"Rationale {index}."}
        return token_client(key).post(f"/api/v1/loops/{loop.pk}/decision/", body, format="json")

    answers = at_once(DECIDERS, decide)

    counts = statuses(answers)
    print(f"\ndecisions x{DECIDERS}: {dict(counts)}")
    assert counts == {201: 1, 409: DECIDERS - 1}, counts
    (winner,) = [a.json() for a in answers if a.status_code == 201]
    assert list(KeeperDecision.objects.filter(loop=loop).values_list("rationale", flat=True)) == [winner["rationale"]]
    assert TimelineEvent.objects.filter(loop=loop, kind="decision_recorded").count() == 1
    assert TimelineEvent.objects.filter(loop=loop, kind="loop_status").count() == 1
    assert Loop.objects.get(pk=loop.pk).status == "rejected"
