"""A submitted scorecard stays as it was even against a direct database write (Product §4,
issue #11): PostgreSQL refuses the UPDATE or DELETE, while drafts and amendments still work."""

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIRequestFactory

from keeper.api import exception_handler
from keeper.history import HistoryMiddleware
from scorecards.models import Scorecard, ScorecardRevision, ValueRating
from tests.conftest import complete_body, submit_complete


def raw(sql: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refused(sql: str, *params) -> IntegrityError:
    """Run ``sql`` in a savepoint and return the database's refusal."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        raw(sql, *params)
    assert "Sealed:" in str(caught.value)
    return caught.value


@pytest.fixture
def sealed(draft_scorecard):
    return submit_complete(draft_scorecard)


def test_a_raw_update_or_delete_of_a_submitted_scorecard_is_refused(sealed):
    refused("UPDATE scorecards_scorecard SET status = 'draft', submitted_at = NULL WHERE id = %s", sealed.pk)
    refused("UPDATE scorecards_scorecard SET submitted_at = submitted_at - interval '1 day' WHERE id = %s", sealed.pk)
    refused("UPDATE scorecards_scorecard SET version = version + 1 WHERE id = %s", sealed.pk)
    refused("DELETE FROM scorecards_scorecard WHERE id = %s", sealed.pk)

    sealed.refresh_from_db()
    assert sealed.status == Scorecard.Status.SUBMITTED
    assert sealed.version == 3


def test_a_raw_write_to_a_sealed_rating_flag_or_revision_is_refused(sealed, loop):
    revision = sealed.current_revision
    rating = revision.value_ratings.get(value__slug="curiosity")

    refused("UPDATE scorecards_valuerating SET rating = 1, evidence = 'rewritten' WHERE id = %s", rating.pk)
    refused("DELETE FROM scorecards_valuerating WHERE id = %s", rating.pk)
    refused(
        "INSERT INTO scorecards_valuerating (revision_id, value_id, rating, evidence, pending) "
        "VALUES (%s, %s, 1, 'slipped in', false)",
        revision.pk,
        loop.rubric.values.get(slug="judgment").pk,
    )
    refused(
        "INSERT INTO scorecards_redflag (revision_id, failure_mode_id, note) VALUES (%s, %s, 'late flag')",
        revision.pk,
        loop.rubric.failure_modes.first().pk,
    )
    refused("UPDATE scorecards_scorecardrevision SET recommendation = 'strong_no' WHERE id = %s", revision.pk)
    refused("DELETE FROM scorecards_scorecardrevision WHERE id = %s", revision.pk)

    rating.refresh_from_db()
    assert (rating.rating, rating.evidence) == (3, f"Evidence for curiosity from {sealed.interviewer}.")
    assert ValueRating.objects.filter(revision=revision).count() == 3


def test_orm_bulk_writes_are_refused_as_well(sealed):
    with pytest.raises(IntegrityError), transaction.atomic():
        ValueRating.objects.filter(revision=sealed.current_revision).update(evidence="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Scorecard.objects.filter(pk=sealed.pk).update(status="draft", submitted_at=None)


def test_drafts_still_save_and_amendments_still_go_through(api, alice, bob, sealed, bobs_scorecard):
    api.force_authenticate(bob)
    draft = api.patch(f"/api/v1/scorecards/{bobs_scorecard.pk}/", complete_body(bobs_scorecard), format="json")
    api.force_authenticate(alice)
    amended = api.post(
        f"/api/v1/scorecards/{sealed.pk}/amendments/",
        {"reason": "Misread my notes.", "recommendation": "strong_yes", "summary": "Better than I wrote."},
        format="json",
    )

    assert draft.status_code == 200
    assert (
        raw(
            "UPDATE scorecards_valuerating SET evidence = 'still a draft' WHERE revision_id = %s",
            bobs_scorecard.current_revision_id,
        )
        > 0
    )
    assert amended.status_code == 201
    original, amendment = ScorecardRevision.objects.filter(scorecard=sealed).order_by("number")
    assert (original.recommendation, amendment.recommendation) == ("yes", "strong_yes")
    # Both revisions are now sealed, and the pointer never goes back to the original.
    refused("UPDATE scorecards_scorecardrevision SET summary = 'x' WHERE id = %s", amendment.pk)
    refused("UPDATE scorecards_valuerating SET rating = 1 WHERE revision_id = %s", original.pk)
    refused("UPDATE scorecards_scorecard SET current_revision_id = %s WHERE id = %s", original.pk, sealed.pk)


def test_a_scorecard_cannot_point_at_a_revision_of_another(api, bob, sealed, bobs_scorecard):
    other = submit_complete(bobs_scorecard)
    api.force_authenticate(bob)
    assert (
        api.post(f"/api/v1/scorecards/{other.pk}/amendments/", {"reason": "Typo", "summary": "Fixed."}).status_code
        == 201
    )
    bobs_original = other.revisions.get(number=1)  # no longer anyone's current revision

    refused(
        "UPDATE scorecards_scorecard SET current_revision_id = %s, version = version + 1 WHERE id = %s",
        bobs_original.pk,
        sealed.pk,
    )


def test_the_refusal_answers_409_in_the_api_and_on_the_pages(sealed):
    error = refused("UPDATE scorecards_scorecard SET status = 'draft', submitted_at = NULL WHERE id = %s", sealed.pk)
    request = APIRequestFactory().get("/")

    api_answer = exception_handler(error, {"request": request})
    page_answer = HistoryMiddleware(lambda r: None).process_exception(request, error)

    assert api_answer.status_code == 409
    assert api_answer.data["code"] == "frozen"
    assert "amend" in api_answer.data["detail"]
    assert page_answer.status_code == 409
