"""Retention, erasure on request and export (issue #11, Product §3, §9)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Avg, Count, F
from django.utils import timezone

from audit.models import Erasure
from audit.services import REMOVED, candidates_due_for_anonymization, retention_sweep
from audit.tasks import retention_sweep_task
from loops.models import Candidate, Loop, TimelineEvent
from loops.services import loop_move, loop_open
from mail.models import OutgoingEmail
from mail.services import email_enqueue
from scorecards.models import ScorecardRevision, ValueRating
from tests.conftest import assign, at, complete_body, round_of, submit_complete
from tests.factories import CandidateFactory

DAYS = 30
MARK = "cnry7"  # in every canary, so one search per column finds any of them


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.RETENTION_DAYS = DAYS


def canary(field: str) -> str:
    return f"{MARK}-{field}"


def org_figures() -> tuple[dict, dict]:
    """The org-wide mean of each value over every submitted scorecard's current revision, and
    the count of each recommendation."""
    current = ValueRating.objects.filter(
        revision__scorecard__status="submitted", revision=F("revision__scorecard__current_revision"), pending=False
    )
    means = dict(current.values_list("value__slug").annotate(mean=Avg("rating")).values_list("value__slug", "mean"))
    recommendations = dict(
        ScorecardRevision.objects.filter(scorecard__current_revision=F("pk"))
        .values_list("recommendation")
        .annotate(n=Count("pk"))
        .values_list("recommendation", "n")
    )
    return means, recommendations


def text_columns() -> list[tuple[str, str]]:
    """Every text, varchar and JSON column of every table, from the catalogue (history tables included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            ORDER BY 1, 2
            """
        )
        return cursor.fetchall()


def places_holding(marker: str) -> list[tuple[str, str]]:
    found = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s', [f"%{marker}%"])
            if cursor.fetchone()[0]:
                found.append((table, column))
    return found


def seed_rejected_candidate(api, client, *, hana, rick, dora, ada, alice, bob) -> Candidate:
    """A candidate with a canary in every personal and free-text field, entered through the API,
    the pages and the admin so every copy is made: history, summary, decision, timeline, admin log."""
    api.force_authenticate(rick)
    created = api.post(
        "/api/v1/candidates/",
        {"name": f"Casey {canary('name')}", "email": f"{canary('email')}@example.com", "level": "senior"},
        format="json",
    )
    assert created.status_code == 201, created.content
    candidate = Candidate.objects.get(pk=created.json()["id"])
    client.force_login(ada)  # the admin renames them: the admin log keeps the name
    renamed = client.post(
        f"/admin/loops/candidate/{candidate.pk}/change/",
        {
            "name": f"Casey {canary('renamed')}",
            "email": candidate.email,
            "level": "senior",
            "loops-TOTAL_FORMS": "0",
            "loops-INITIAL_FORMS": "0",
            "loops-MIN_NUM_FORMS": "0",
            "loops-MAX_NUM_FORMS": "1000",
        },
    )
    assert renamed.status_code == 302, renamed.content[:2000]
    opened = api.post(
        "/api/v1/loops/",
        {
            "candidate": candidate.pk,
            "hiring_manager": hana.pk,
            "recruiter": rick.pk,
            "started_on": (timezone.localdate() - timedelta(weeks=3)).isoformat(),
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    loop = Loop.objects.get(pk=opened.json()["id"])
    api.force_authenticate(hana)
    assert api.post(f"/api/v1/loops/{loop.pk}/hold/", {"reason": canary("hold")}, format="json").status_code == 200
    assert api.post(f"/api/v1/loops/{loop.pk}/resume/", {}, format="json").status_code == 200

    coding = api.post(
        f"/api/v1/rounds/{round_of(loop, 'coding').pk}/assignments/",
        {"interviewer": alice.pk, "notes": canary("briefing")},
        format="json",
    )
    assert coding.status_code == 201
    card = loop.scorecards.get(interviewer=alice)
    # Bob writes a draft and is taken off: his rows are gone but their history stays.
    design = api.post(
        f"/api/v1/rounds/{round_of(loop, 'system-design').pk}/assignments/", {"interviewer": bob.pk}, format="json"
    )
    bobs = loop.scorecards.get(interviewer=bob)
    api.force_authenticate(bob)
    early = complete_body(bobs)
    early["value_ratings"][0]["evidence"] = canary("removed-draft")
    assert api.patch(f"/api/v1/scorecards/{bobs.pk}/", early, format="json").status_code == 200
    api.force_authenticate(hana)
    assert api.delete(f"/api/v1/assignments/{design.json()['id']}/").status_code == 204

    api.force_authenticate(alice)
    body = complete_body(card)
    body["value_ratings"][0]["evidence"] = canary("early-draft")
    assert api.patch(f"/api/v1/scorecards/{card.pk}/", body, format="json").status_code == 200
    body = complete_body(card)
    body["version"] = card.version + 1
    body["value_ratings"] = [
        {**rating, "evidence": canary(f"evidence-{i}")} for i, rating in enumerate(body["value_ratings"])
    ]
    criterion = card.assignment.questions.first().criteria.first()
    failure_mode = loop.rubric.failure_modes.filter(severity="blocking").first()
    body["criterion_ratings"] = [{"criterion": criterion.pk, "rating": 2, "notes": canary("criterion")}]
    body["red_flags"] = [{"failure_mode": failure_mode.pk, "note": canary("flag")}]
    body["summary"] = canary("summary")
    assert api.patch(f"/api/v1/scorecards/{card.pk}/", body, format="json").status_code == 200
    assert api.post(f"/api/v1/scorecards/{card.pk}/submit/", {}, format="json").status_code == 200
    amended = api.post(
        f"/api/v1/scorecards/{card.pk}/amendments/",
        {"reason": canary("amend-reason"), "summary": canary("amended-summary")},
        format="json",
    )
    assert amended.status_code == 201

    api.force_authenticate(hana)
    onsite = {"scheduled_start": at(1, hour=9).isoformat(), "scheduled_end": at(0, hour=18).isoformat()}
    assert api.patch(f"/api/v1/rounds/{round_of(loop, 'onsite').pk}/", onsite, format="json").status_code == 200
    scheduled = api.patch(
        f"/api/v1/rounds/{round_of(loop, 'director-final').pk}/",
        {"scheduled_start": at(1, hour=14).isoformat(), "override_reason": canary("override")},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.content
    summary = api.get(f"/api/v1/loops/{loop.pk}/keeper-summary/").json()  # stored with the evidence
    unmet = next(check["code"] for check in summary["verdict"]["checks"] if not check["met"])
    api.force_authenticate(dora)
    decided = api.post(
        f"/api/v1/loops/{loop.pk}/decision/",
        {"decision": "do_not_keep", "rationale": canary("rationale"), "answers": {unmet: canary("answer")}},
        format="json",
    )
    assert decided.status_code in (200, 201), decided.content
    loop.refresh_from_db()
    assert loop.status == Loop.Status.REJECTED
    return Candidate.objects.get(pk=candidate.pk)


def kept_candidate(name: str, hana, interviewer, *, status: str | None) -> Loop:
    """Another candidate with a submitted scorecard, whose loop ends ``status`` (None: still active)."""
    person = CandidateFactory(name=name, email=f"{name.lower()}@example.com")
    loop = loop_open(candidate=person, hiring_manager=hana, by=hana)
    submit_complete(assign(loop, "coding", interviewer))
    if status:
        loop_move(loop=loop, to=status, by=hana, reason=f"{name} reason")
    return loop


def test_retention_leaves_no_trace_of_the_candidate_anywhere_and_keeps_the_numbers(
    api, client, rubric, hana, rick, dora, ada, alice, bob
):
    start = timezone.now()
    candidate = seed_rejected_candidate(api, client, hana=hana, rick=rick, dora=dora, ada=ada, alice=alice, bob=bob)
    hired = kept_candidate("Keepk7hired", hana, bob, status=Loop.Status.HIRED)
    active = kept_candidate("Keepk7active", hana, bob, status=None)
    with time_machine.travel(start + timedelta(days=DAYS - 3), tick=False):
        recent = kept_candidate("Keepk7recent", hana, bob, status=Loop.Status.WITHDRAWN)
    # Reminders and digests quote the candidate in the emails the outbox keeps (mail.services): one
    # in the words a digest uses, beside another candidate's line that must stay as it is.
    email_enqueue(
        key="digest:canary",
        subject=f"Overdue scorecard on your loop: {candidate.name}",
        body=f"- {candidate.name}, Coding: Alice Ng\n- {hired.candidate.name}, Coding: Bob Ruiz\n",
        to=[hana.email],
    )
    before = places_holding(MARK)
    figures = org_figures()
    assert ("mail_outgoingemail", "body") in before
    assert ("loops_candidate", "name") in before
    assert {"scorecards_valueratingevent", "scorecards_keeperdecision", "loops_timelineevent"} <= {t for t, _ in before}
    assert ("django_admin_log", "object_repr") in before
    assert ("scorecards_keepersummary", "text") in before

    with time_machine.travel(start + timedelta(days=DAYS + 1), tick=False):
        anonymized = retention_sweep_task.delay().get()
        again = retention_sweep_task.delay().get()

    assert (anonymized, again) == (1, 0)
    assert places_holding(MARK) == []
    assert org_figures() == figures
    assert hired.candidate.name in OutgoingEmail.objects.get(key="digest:canary").body
    candidate.refresh_from_db()
    assert candidate.name == f"Anonymized candidate #{candidate.pk}"
    assert candidate.email == ""
    erasure = Erasure.objects.get(candidate=candidate)
    assert (erasure.kind, erasure.via, erasure.by) == ("retention", "task", None)
    for loop in (hired, active, recent):
        loop.candidate.refresh_from_db()
        assert loop.candidate.anonymized_at is None
        assert loop.candidate.name.startswith("Keepk7")
        assert REMOVED not in ValueRating.objects.filter(revision__scorecard__loop=loop).values_list(
            "evidence", flat=True
        )
        assert TimelineEvent.objects.filter(loop=loop, detail__contains=loop.candidate.name).exists()
    # The scan covered every table, the history tables among them.
    tables = {table for table, _ in text_columns()}
    assert {"scorecards_valueratingevent", "loops_candidateevent", "pghistory_context"} <= tables
    print(f"canary scan: {len(tables)} tables, {len(text_columns())} text/JSON columns")


def test_the_clock_runs_from_the_latest_loop_and_restarts_with_a_new_one(hana, candidate):
    first = loop_open(candidate=candidate, hiring_manager=hana, by=hana)
    today = timezone.localdate()
    loop_move(loop=first, to=Loop.Status.REJECTED, by=hana)
    Loop.objects.filter(pk=first.pk).update(closed_on=today - timedelta(days=DAYS + 10))

    due_before = list(candidates_due_for_anonymization(today=today))
    second = loop_open(candidate=candidate, hiring_manager=hana, by=hana)
    due_while_open = list(candidates_due_for_anonymization(today=today))
    loop_move(loop=second, to=Loop.Status.WITHDRAWN, by=hana)
    due_after_second = list(candidates_due_for_anonymization(today=today + timedelta(days=DAYS - 1)))
    due_when_passed = list(candidates_due_for_anonymization(today=today + timedelta(days=DAYS)))

    assert due_before == [candidate]
    assert due_while_open == []
    assert due_after_second == []
    assert due_when_passed == [candidate]
    assert retention_sweep(today=today + timedelta(days=DAYS - 1)) == 0
    assert retention_sweep(today=today + timedelta(days=DAYS)) == 1


def test_hired_and_never_looped_candidates_are_kept(hana, candidate, rubric):
    loop = loop_open(candidate=candidate, hiring_manager=hana, by=hana)
    loop_move(loop=loop, to=Loop.Status.HIRED, by=hana)
    CandidateFactory(name="No Loop Yet")

    assert list(candidates_due_for_anonymization(today=timezone.localdate() + timedelta(days=DAYS * 10))) == []


def test_the_beat_schedule_runs_the_retention_sweep(settings):
    from keeper.celery import beat_schedule

    schedule = beat_schedule()

    assert schedule["candidate-retention"]["task"] == "audit.tasks.retention_sweep_task"
    assert schedule["candidate-retention"]["schedule"].hour == {settings.RETENTION_HOUR}


def test_the_sweep_is_on_record_as_the_task_that_made_it(hana, candidate):
    from loops.models import CandidateEvent

    loop = loop_open(candidate=candidate, hiring_manager=hana, by=hana)
    loop_move(loop=loop, to=Loop.Status.REJECTED, by=hana)

    with time_machine.travel(timezone.now() + timedelta(days=DAYS + 1), tick=False):
        assert retention_sweep_task.delay().get() == 1

    latest = CandidateEvent.objects.filter(pgh_obj_id=candidate.pk).latest("pgh_id")
    assert latest.pgh_context.metadata["task"] == "audit.tasks.retention_sweep_task"
    assert latest.name == f"Anonymized candidate #{candidate.pk}"


def test_a_candidate_who_came_back_after_the_sweep_chose_them_is_kept(hana, candidate):
    from audit.services import candidate_anonymize

    first = loop_open(candidate=candidate, hiring_manager=hana, by=hana)
    loop_move(loop=first, to=Loop.Status.REJECTED, by=hana)
    later = timezone.localdate() + timedelta(days=DAYS + 1)
    assert list(candidates_due_for_anonymization(today=later)) == [candidate]
    loop_open(candidate=candidate, hiring_manager=hana, by=hana)  # meanwhile, a new loop

    erasure = candidate_anonymize(
        candidate_id=candidate.pk, kind="retention", reason="r", by=None, via="task", today=later
    )

    assert erasure is None
    candidate.refresh_from_db()
    assert (candidate.name, candidate.anonymized_at) == ("Jordan Rivera", None)
