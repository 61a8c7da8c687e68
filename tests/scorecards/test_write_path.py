"""The lean write path of issue #9: a save or a submit reads its scorecard in one plain query,
writes only the rows that changed, and builds its answer without the serializer. Each part is
held equal to the general path it replaces, in every state a scorecard goes through."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from keeper.errors import Frozen, StaleVersion
from keeper.ids import ID_MAX
from scorecards.models import CriterionRating, RedFlag, Scorecard, ValueRating
from scorecards.selectors import own_scorecard_for_writing
from scorecards.serializers import ScorecardSerializer, scorecard_payload
from scorecards.services import ScorecardContent, scorecard_amend, scorecard_save_draft
from tests.conftest import assign, round_of, submit_complete


def general(scorecard_id: int, now) -> dict:
    """The answer as the general path gives it: the ORM's read and the serializer."""
    card = Scorecard.objects.with_ratings().get(pk=scorecard_id)
    return dict(ScorecardSerializer(card, context={"now": now}).data)


def lean(user, scorecard_id: int, now) -> dict:
    return scorecard_payload(own_scorecard_for_writing(user, scorecard_id), now)


def save(card, **parts):
    card.refresh_from_db()
    return scorecard_save_draft(
        scorecard=card, author=card.interviewer, version=card.version, content=ScorecardContent.from_input(parts)
    )


def full_parts(card) -> dict:
    questions = list(card.assignment.questions.all())
    criteria = [c for q in questions for c in q.criteria.all()]
    modes = list(card.loop.rubric.failure_modes.order_by("order")[:2])
    slugs = [v.slug for v in card.assignment.values_in_focus.order_by("order")]
    return {
        # Scrambled on purpose: the answer is in the order a read gives, not the order sent.
        "value_ratings": [
            {"value": slugs[-1], "rating": None},
            {"value": slugs[0], "rating": 4, "evidence": "  Built the limiter and measured it.  "},
            {"value": slugs[1], "evidence": "Still deciding."},
        ],
        "criterion_ratings": [{"criterion": c.pk, "rating": 2, "notes": f"On {c.pk}."} for c in reversed(criteria)],
        "red_flags": [{"failure_mode": m.pk, "note": "Seen."} for m in reversed(modes)],
        "recommendation": "yes",
        "keeper": "no",
        "summary": "  A careful engineer.  ",
    }


def test_the_lean_read_and_answer_equal_the_general_ones_through_a_scorecards_life(loop, alice, hana):
    card = assign(loop, "coding", alice)
    round_ = round_of(loop, "coding")
    round_.ratings_due_at, round_.evidence_due_at = (
        timezone.now() + timedelta(days=1),
        timezone.now() + timedelta(days=3),
    )
    round_.save(update_fields=["ratings_due_at", "evidence_due_at"])
    now = timezone.now()
    states = []

    states.append("empty draft")
    assert lean(alice, card.pk, now) == general(card.pk, now)

    save(card, **full_parts(card))
    states.append("full draft")
    assert lean(alice, card.pk, now) == general(card.pk, now)

    later = now + timedelta(days=2)  # past the ratings deadline: due_at and overdue change
    assert lean(alice, card.pk, later) == general(card.pk, later)

    card = submit_complete(card)
    states.append("submitted")
    assert lean(alice, card.pk, now) == general(card.pk, now)

    scorecard_amend(
        scorecard=card,
        by=alice,
        reason="Typo in the evidence.",
        content=ScorecardContent.from_input({"summary": "Amended summary.", "recommendation": "strong_yes"}),
    )
    states.append("amended")
    assert lean(alice, card.pk, now) == general(card.pk, now)
    assert lean(alice, card.pk, now)["revision"] == 2
    assert len(states) == 4


def test_the_lean_read_finds_only_the_callers_own_scorecard(loop, alice, bob):
    card = assign(loop, "coding", alice)

    assert own_scorecard_for_writing(alice, card.pk).pk == card.pk
    assert own_scorecard_for_writing(bob, card.pk) is None
    assert own_scorecard_for_writing(alice, card.pk + 1000) is None
    assert own_scorecard_for_writing(alice, ID_MAX + 1) is None
    assert own_scorecard_for_writing(alice, 0) is None


def test_the_lean_read_loads_fields_it_does_not_carry_when_they_are_read(loop, alice):
    card = assign(loop, "coding", alice)

    lean_card = own_scorecard_for_writing(alice, card.pk)

    # Deferred, not blank: reading a field the lean query left out loads it.
    assert lean_card.round.rubric_round.slug == "coding"
    assert lean_card.loop.candidate_id == loop.candidate_id
    assert [v.name for v in lean_card.assignment.values_in_focus.all()] == [
        v.name for v in card.assignment.values_in_focus.order_by("order")
    ]


def test_a_save_answers_as_a_read_after_it_does(api, loop, alice):
    card = assign(loop, "coding", alice)
    api.force_authenticate(alice)

    saved = api.patch(f"/api/v1/scorecards/{card.pk}/", {"version": 1, **full_parts(card)}, format="json")
    read = api.get(f"/api/v1/scorecards/{card.pk}/")

    assert saved.status_code == 200
    assert saved.json() == read.json()
    focus = set(saved.json()["values_in_focus"])
    rubric_order = [v.slug for v in loop.rubric.values.order_by("order") if v.slug in focus]
    assert [r["value"] for r in saved.json()["value_ratings"]] == rubric_order


def test_a_submit_answers_as_a_read_after_it_does(api, loop, alice):
    card = assign(loop, "coding", alice)
    api.force_authenticate(alice)
    save(card, **full_parts(card))
    card.refresh_from_db()
    complete = {
        "version": card.version,
        "value_ratings": [
            {"value": v.slug, "rating": 3, "evidence": "Seen."} for v in card.assignment.values_in_focus.all()
        ],
    }
    assert api.patch(f"/api/v1/scorecards/{card.pk}/", complete, format="json").status_code == 200

    submitted = api.post(f"/api/v1/scorecards/{card.pk}/submit/", {}, format="json")
    read = api.get(f"/api/v1/scorecards/{card.pk}/")

    assert submitted.status_code == 200
    assert submitted.json() == read.json()
    assert submitted.json()["status"] == "submitted"


def test_a_save_rewrites_only_the_rows_that_changed(loop, alice):
    card = assign(loop, "coding", alice)
    parts = full_parts(card)
    save(card, **parts)
    before = {
        model: dict(model.objects.filter(revision__scorecard=card).values_list("pk", "revision_id"))
        for model in (ValueRating, CriterionRating, RedFlag)
    }
    ids = {v.value.slug: v.pk for v in ValueRating.objects.filter(revision__scorecard=card).select_related("value")}
    slugs = [item["value"] for item in parts["value_ratings"]]

    edited = [dict(item) for item in parts["value_ratings"]]
    edited[1]["evidence"] = "Built the limiter, measured it and wrote it up."
    del edited[0]  # one value taken out
    save(card, **{**parts, "value_ratings": edited})

    after = {v.value.slug: v for v in ValueRating.objects.filter(revision__scorecard=card).select_related("value")}
    assert set(after) == {slugs[1], slugs[2]}
    assert after[slugs[1]].pk == ids[slugs[1]]  # updated in place
    assert after[slugs[1]].evidence == "Built the limiter, measured it and wrote it up."
    assert after[slugs[2]].pk == ids[slugs[2]]  # untouched
    for model in (CriterionRating, RedFlag):  # given again unchanged: the same rows
        assert dict(model.objects.filter(revision__scorecard=card).values_list("pk", "revision_id")) == before[model]


def test_an_autosave_that_changes_one_evidence_records_one_history_event(api, loop, alice):
    from tests.audit.test_history import new_events, recorded

    card = assign(loop, "coding", alice)
    api.force_authenticate(alice)
    parts = full_parts(card)
    first = api.patch(f"/api/v1/scorecards/{card.pk}/", {"version": 1, **parts}, format="json")
    assert first.status_code == 200
    before = recorded()

    edited = [dict(item) for item in parts["value_ratings"]]
    edited[1]["evidence"] = "Typed a few more words."
    again = api.patch(
        f"/api/v1/scorecards/{card.pk}/",
        {**parts, "version": first.json()["version"], "value_ratings": edited},
        format="json",
    )

    assert again.status_code == 200
    events = new_events(before)
    labels = sorted((e._meta.model_name, e.pgh_label) for e in events)
    assert labels == [("scorecardevent", "update"), ("valueratingevent", "update")]
    # Both under the request's context: who saved, and where.
    assert {(e.pgh_context.metadata["user"], e.pgh_context.metadata["url"]) for e in events} == {
        (alice.pk, f"/api/v1/scorecards/{card.pk}/")
    }


@pytest.mark.parametrize("frozen", ["2026-03-01T12:00:00+00:00"])
def test_the_lean_answer_reads_times_in_the_current_time_zone(loop, alice, frozen, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    card = assign(loop, "coding", alice)
    round_ = round_of(loop, "coding")
    round_.ratings_due_at = timezone.now() + timedelta(hours=5)
    round_.save(update_fields=["ratings_due_at"])
    with time_machine.travel(frozen, tick=False):
        now = timezone.now()
        assert lean(alice, card.pk, now) == general(card.pk, now)


def test_the_summary_read_answers_as_the_orm_read_does(api, loop, alice, bob, hana, dora):
    """The summary endpoint's one-statement read gives the same answer as the ORM's loop with
    its summary and decision, before and after the decision (whose author's name it carries)."""
    from scorecards.services import keeper_decision_record
    from scorecards.summary_store import keeper_summary_get

    for slug, person in (("coding", alice), ("system-design", bob), ("director-final", dora)):
        submit_complete(assign(loop, slug, person))
    api.force_authenticate(hana)

    before = api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/")
    assert before.status_code == 200
    assert before.json() == keeper_summary_get(loop)

    keeper_decision_record(loop=loop, by=dora, decision="do_not_keep", rationale="Not this time.")
    after = api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/")
    assert after.json() == keeper_summary_get(loop)
    assert after.json()["decision"]["by_name"] == (dora.get_full_name() or dora.username)
    assert api.get(f"/api/v1/loops/{loop.pk + 1000}/keeper-summary/").status_code == 404


def test_an_autosave_that_changes_one_evidence_writes_the_version_and_that_one_row(loop, alice):
    """On PostgreSQL one statement (the claim and the row, no transaction round trips of its
    own); elsewhere the claim, then the one row. Never a rewrite of unchanged rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    card = assign(loop, "coding", alice)
    parts = full_parts(card)
    save(card, **parts)
    edited = [dict(item) for item in parts["value_ratings"]]
    edited[1]["evidence"] = "Typed a few more words."

    with CaptureQueriesContext(connection) as queries:
        save(card, **{**parts, "value_ratings": edited})

    sent = [q["sql"].lstrip() for q in queries.captured_queries]
    writes = [sql for sql in sent if sql.upper().startswith(("UPDATE", "INSERT", "DELETE", "WITH"))]
    if connection.vendor == "postgresql":
        assert len(writes) == 1, writes
        (write,) = writes
        assert write.upper().count("UPDATE ") == 2, write
        assert "scorecards_scorecard" in write and "scorecards_valuerating" in write
        # No transaction of its own: inside the test's transaction one would show as a SAVEPOINT.
        assert not any(sql.upper().startswith("SAVEPOINT") for sql in sent), sent
    else:
        assert len(writes) == 2, writes  # the version claim, then the one rating
        assert "scorecards_scorecard" in writes[0]
        assert "scorecards_valuerating" in writes[1] and "CASE" not in writes[1].upper()
    rewritten = ValueRating.objects.get(revision__scorecard=card, evidence="Typed a few more words.")
    assert (rewritten.rating, rewritten.pending) == (4, False)


def test_a_stale_or_sealed_autosave_writes_nothing_at_all(loop, alice):
    """The one-statement save writes its rows only if its claim won: a save at an old version,
    or to a submitted scorecard, leaves every row and field as it was."""
    from scorecards.services import scorecard_submit

    card = assign(loop, "coding", alice)
    parts = full_parts(card)
    slugs = [v.slug for v in card.assignment.values_in_focus.order_by("order")]
    parts["value_ratings"] = [{"value": slug, "rating": 3, "evidence": "First."} for slug in slugs]
    save(card, **parts)
    card.refresh_from_db()
    stale_version = card.version
    edited = [{**item, "evidence": "Second tab."} for item in parts["value_ratings"]]
    changed = {**parts, "value_ratings": edited, "summary": "From the second tab."}
    save(card, **{**parts, "summary": "From the first tab."})

    def state():
        card.refresh_from_db()
        rows = sorted(ValueRating.objects.filter(revision__scorecard=card).values_list("value_id", "evidence"))
        return card.version, card.updated_at, card.current_revision.summary, rows

    before = state()
    with pytest.raises(StaleVersion):
        scorecard_save_draft(
            scorecard=card, author=alice, version=stale_version, content=ScorecardContent.from_input(changed)
        )
    assert state() == before

    scorecard_submit(scorecard=card, by=alice)
    sealed = state()
    with pytest.raises(Frozen):
        scorecard_save_draft(
            scorecard=card, author=alice, version=card.version, content=ScorecardContent.from_input(changed)
        )
    assert state() == sealed


def test_the_first_deadline_mark_follows_the_ratings_on_every_save(loop, alice):
    """ratings_completed_at is set by the save that completes the ratings, kept by saves that
    leave them complete, and cleared by one that makes a value pending again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    card = assign(loop, "coding", alice)
    slugs = [v.slug for v in card.assignment.values_in_focus.order_by("order")]
    rated = [{"value": slug, "rating": 2, "evidence": "Seen."} for slug in slugs]

    save(card, value_ratings=rated[:-1], recommendation="yes")
    assert Scorecard.objects.get(pk=card.pk).ratings_completed_at is None
    # Evidence first, the choice later: the save that rates it only updates rows (one statement
    # on PostgreSQL) and is the one that completes the ratings.
    save(card, value_ratings=[*rated[:-1], {"value": slugs[-1], "evidence": "Seen.", "pending": True}])
    assert Scorecard.objects.get(pk=card.pk).ratings_completed_at is None
    with CaptureQueriesContext(connection) as queries:
        completed = save(card, value_ratings=rated).ratings_completed_at
    assert not any(q["sql"].lstrip().upper().startswith("INSERT") for q in queries.captured_queries)
    assert completed is not None and Scorecard.objects.get(pk=card.pk).ratings_completed_at == completed
    save(card, value_ratings=[{**rated[0], "evidence": "Seen twice."}, *rated[1:]])
    assert Scorecard.objects.get(pk=card.pk).ratings_completed_at == completed
    reopened = save(card, value_ratings=[{"value": slugs[0], "evidence": "Rethinking.", "pending": True}, *rated[1:]])
    assert reopened.ratings_completed_at is None and Scorecard.objects.get(pk=card.pk).ratings_completed_at is None


def test_a_refused_save_leaves_the_loaded_rows_as_stored(loop, alice):
    """What a save would change is worked out before its claim; if the claim loses, the caller's
    scorecard still holds what is stored, so a retry with it sees the difference again."""
    from keeper.lean import related

    card = assign(loop, "coding", alice)
    parts = full_parts(card)
    save(card, **parts)
    stale = own_scorecard_for_writing(alice, card.pk)
    save(card, summary="Moved on in another tab.")
    before = [(r.value_id, r.evidence) for r in related(stale.current_revision, "value_ratings")]
    edited = [{**item, "evidence": "Typed in the stale tab."} for item in parts["value_ratings"]]

    with pytest.raises(StaleVersion):
        scorecard_save_draft(
            scorecard=stale,
            author=alice,
            version=stale.version,
            content=ScorecardContent.from_input({"value_ratings": edited, "summary": "Stale."}),
        )

    assert [(r.value_id, r.evidence) for r in related(stale.current_revision, "value_ratings")] == before
    assert stale.current_revision.summary == "A careful engineer."
