"""Erasure on request (``manage.py erase_candidate`` and the admin action), the data export
(``manage.py export_candidate``) and the admin's read-only history (issue #11, Product §9)."""

import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command

from audit.models import Erasure
from audit.services import REMOVED
from loops.models import Candidate, Loop
from loops.services import loop_move
from scorecards.models import ValueRating
from tests.conftest import submit_complete

REASON = "Data subject request received by email on 3 March"


@pytest.fixture
def closed_loop(loop, hana, draft_scorecard):
    """Jordan's loop with Alice's submitted scorecard, withdrawn."""
    submit_complete(draft_scorecard)
    loop_move(loop=loop, to=Loop.Status.WITHDRAWN, by=hana, reason="Took another offer")
    return loop


def erase(*args, answer: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if answer is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(answer + "\n"))
    call_command("erase_candidate", *args, stdout=out)
    return out.getvalue()


def personal_data_in(erasure: Erasure, candidate_name: str, email: str) -> bool:
    text = json.dumps(
        {f.name: str(getattr(erasure, f.attname)) for f in Erasure._meta.fields} | {"rows": erasure.rows}
    ).lower()
    return candidate_name.lower() in text or email.lower() in text or "jordan" in text


def test_the_command_asks_before_it_erases(closed_loop, monkeypatch):
    candidate = closed_loop.candidate

    with pytest.raises(CommandError, match="cancelled"):
        erase(str(candidate.pk), "--reason", REASON, answer="no", monkeypatch=monkeypatch)
    candidate.refresh_from_db()
    assert candidate.name == "Jordan Rivera"
    assert not Erasure.objects.exists()

    output = erase(str(candidate.pk), "--reason", REASON, answer="yes", monkeypatch=monkeypatch)

    candidate.refresh_from_db()
    assert f"Candidate #{candidate.pk} erased" in output
    assert candidate.name == f"Anonymized candidate #{candidate.pk}"


def test_the_command_leaves_a_record_without_personal_data_and_runs_twice_safely(closed_loop, hana):
    candidate = closed_loop.candidate
    evidence_before = list(
        ValueRating.objects.filter(revision__scorecard__loop=closed_loop).values_list("rating", flat=True)
    )

    first = erase(str(candidate.pk), "--reason", REASON, "--by", "hana", "--no-input")
    second = erase(str(candidate.pk), "--reason", REASON, "--yes")

    candidate.refresh_from_db()
    erasure = Erasure.objects.get()
    assert "erased" in first
    assert "already anonymized" in second
    assert (erasure.candidate_id, erasure.kind, erasure.via, erasure.by, erasure.reason) == (
        candidate.pk,
        "request",
        "command",
        hana,
        REASON,
    )
    assert erasure.rows["loops.candidate"] == 1
    assert erasure.rows["scorecards.valuerating"] == 3
    assert not personal_data_in(erasure, "Jordan Rivera", "jordan@example.com")
    assert (candidate.email, candidate.anonymized_at is not None) == ("", True)
    ratings = ValueRating.objects.filter(revision__scorecard__loop=closed_loop)
    assert set(ratings.values_list("evidence", flat=True)) == {REMOVED}
    assert list(ratings.values_list("rating", flat=True)) == evidence_before
    timeline = " ".join(closed_loop.timeline.values_list("detail", flat=True))
    assert "Jordan" not in timeline
    assert "Took another offer" not in timeline


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reason", "Jordan Rivera asked us to"], "name"),
        (["--reason", "   "], "Say why"),
        (["--reason", REASON, "--by", "nobody"], "No user"),
    ],
)
def test_the_command_refuses_a_bad_request(closed_loop, args, message):
    with pytest.raises(CommandError, match=message):
        erase(str(closed_loop.candidate_id), *args, "--no-input")

    assert Candidate.objects.get().name == "Jordan Rivera"
    assert not Erasure.objects.exists()


def test_a_candidate_in_an_open_loop_or_unknown_is_not_erased(loop):
    with pytest.raises(CommandError, match="open loop"):
        erase(str(loop.candidate_id), "--reason", REASON, "--no-input")
    with pytest.raises(CommandError, match="No candidate"):
        erase("999999", "--reason", REASON, "--no-input")

    assert Candidate.objects.get().anonymized_at is None


def test_the_erasure_is_on_record_with_the_command_that_made_it(closed_loop):
    erase(str(closed_loop.candidate_id), "--reason", REASON, "--no-input")

    from loops.models import CandidateEvent

    latest = CandidateEvent.objects.filter(pgh_obj_id=closed_loop.candidate_id).latest("pgh_id")
    assert latest.pgh_context.metadata == {"command": "erase_candidate"}
    assert latest.name == f"Anonymized candidate #{closed_loop.candidate_id}"
    assert not CandidateEvent.objects.filter(name__icontains="Jordan").exists()


# The export -----------------------------------------------------------------------------------


def test_the_export_holds_everything_about_the_candidate(closed_loop, tmp_path, alice, api):
    card = closed_loop.scorecards.get()
    api.force_authenticate(alice)
    api.post(
        f"/api/v1/scorecards/{card.pk}/amendments/", {"reason": "Typo", "summary": "Fixed summary."}, format="json"
    )
    out = io.StringIO()
    target = tmp_path / "jordan.json"

    call_command("export_candidate", str(closed_loop.candidate_id), stdout=out)
    call_command("export_candidate", str(closed_loop.candidate_id), "--output", str(target), stderr=io.StringIO())

    exported = json.loads(out.getvalue())
    assert json.loads(target.read_text())["candidate"] == exported["candidate"]
    assert exported["candidate"]["name"] == "Jordan Rivera"
    assert exported["candidate"]["email"] == "jordan@example.com"
    (loop,) = exported["loops"]
    assert loop["status"] == "withdrawn"
    coding = next(r for r in loop["rounds"] if r["step"] == "coding")
    (assignment,) = coding["assignments"]
    assert assignment["interviewer"]["username"] == "alice"
    revisions = assignment["scorecard"]["revisions"]
    assert [(r["number"], r["kind"], r["reason"]) for r in revisions] == [(1, "original", ""), (2, "amendment", "Typo")]
    assert {v["value"] for v in revisions[0]["value_ratings"]} == {"innovation", "curiosity", "communication"}
    assert revisions[1]["summary"] == "Fixed summary."
    assert any("Took another offer" in e["detail"] for e in loop["timeline"])
    assert exported["erasure"] is None
    assert isinstance(exported["history"], list)


def test_the_export_includes_the_history_events(closed_loop):
    out = io.StringIO()

    call_command("export_candidate", str(closed_loop.candidate_id), stdout=out)

    history = json.loads(out.getvalue())["history"]
    tables = {event["table"] for event in history}
    assert {"loops.candidate", "loops.loop", "scorecards.scorecard", "scorecards.valuerating"} <= tables
    assert any(e["table"] == "loops.loop" and e["row"]["status"] == "withdrawn" for e in history)


def test_an_unknown_candidate_is_not_exported(db):
    with pytest.raises(CommandError, match="No candidate"):
        call_command("export_candidate", "424242", stdout=io.StringIO())


# The admin ------------------------------------------------------------------------------------


def test_the_admin_action_confirms_then_erases(client, ada, closed_loop):
    candidate = closed_loop.candidate
    client.force_login(ada)
    chosen = {"action": "erase_selected", "_selected_action": [candidate.pk]}

    confirmation = client.post("/admin/loops/candidate/", chosen)
    no_reason = client.post("/admin/loops/candidate/", {**chosen, "confirm": "yes", "reason": ""})
    candidate.refresh_from_db()
    assert candidate.anonymized_at is None
    done = client.post("/admin/loops/candidate/", {**chosen, "confirm": "yes", "reason": REASON})

    assert confirmation.status_code == 200
    assert "Yes, erase them" in confirmation.content.decode()
    assert "Jordan Rivera" in confirmation.content.decode()
    assert "Give the reason" in no_reason.content.decode()
    assert done.status_code == 302
    candidate.refresh_from_db()
    assert candidate.name == f"Anonymized candidate #{candidate.pk}"
    erasure = Erasure.objects.get()
    assert (erasure.via, erasure.by, erasure.reason) == ("admin", ada, REASON)
    entry = LogEntry.objects.get(object_id=str(candidate.pk))
    assert entry.object_repr == f"Anonymized candidate #{candidate.pk}"
    assert "Erased on request" in entry.get_change_message()


def test_the_admin_refuses_to_erase_a_candidate_in_an_open_loop(client, ada, loop):
    client.force_login(ada)

    response = client.post(
        "/admin/loops/candidate/",
        {"action": "erase_selected", "_selected_action": [loop.candidate_id], "confirm": "yes", "reason": REASON},
        follow=True,
    )

    assert "open loop" in response.content.decode()
    assert Candidate.objects.get().anonymized_at is None


def test_erasure_records_are_read_only_in_the_admin(client, ada, closed_loop):
    erase(str(closed_loop.candidate_id), "--reason", REASON, "--no-input")
    client.force_login(ada)
    erasure = Erasure.objects.get()

    listing = client.get("/admin/audit/erasure/")
    detail = client.get(f"/admin/audit/erasure/{erasure.pk}/change/")

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/audit/erasure/{erasure.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_loop_history_is_in_the_admin_read_only(client, ada, hana, closed_loop):
    client.force_login(ada)

    page = client.get(f"/admin/loops/loop/{closed_loop.pk}/history/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "changed loop" in body
    assert "withdrawn" in body
    assert "<form" not in body.split('id="change-history"')[1]


def test_the_kept_loop_detail_is_dropped_by_an_erasure(
    closed_loop, hana, draft_scorecard, api, django_capture_on_commit_callbacks
):
    """The API keeps loop details rendered (loops.detail); an erasure records no timeline event,
    so without dropping the kept copy the old notes would still be served."""
    from loops.models import Assignment

    Assignment.objects.filter(pk=draft_scorecard.assignment_id).update(notes="Jordan mentioned a personal matter.")
    from loops.detail import loop_detail_forget

    loop_detail_forget(closed_loop.pk)  # the bulk write above bypassed the services
    api.force_authenticate(hana)
    assert "Jordan" in api.get(f"/api/v1/loops/{closed_loop.pk}/").content.decode()  # rendered and kept
    with django_capture_on_commit_callbacks(execute=True):
        erase(str(closed_loop.candidate_id), "--reason", REASON, "--no-input")
    assert "Jordan" not in api.get(f"/api/v1/loops/{closed_loop.pk}/").content.decode()
