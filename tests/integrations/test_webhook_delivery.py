"""Webhooks as a receiver meets them (Product §8.3): each event written to the outbox in the
change's transaction, delivered by Celery to a real HTTP receiver on a loopback port, signed per
Standard Webhooks and verified here with the ``standardwebhooks`` package as a receiver would;
retried with exponential backoff for at most 24 h, every attempt logged, never sent twice."""

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import time_machine
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from integrations import delivery as delivery_module
from integrations.delivery import retry_delay, webhook_attempt
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from integrations.services import webhook_endpoint_rotate, webhook_endpoint_update
from integrations.tasks import webhook_deliver_task, webhooks_sweep_task
from loops.services import loop_move
from scorecards.services import ScorecardContent, scorecard_save_draft
from tests.conftest import assign, complete_body, submit_complete

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SUBMITTED_KEYS = {"scorecard", "loop", "round", "interviewer", "submitted_at"}


def verified(endpoint_secret: str, request) -> dict:
    """What a Standard Webhooks receiver does with a request: verify, then read."""
    return Webhook(endpoint_secret).verify(request.body, request.headers)


def submit(card, capture):
    with capture(execute=True):
        return submit_complete(card)


def test_a_submitted_scorecard_reaches_the_receiver_signed_with_ids_only(
    loop, alice, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(200)
    endpoint = endpoint_for(receiver.url, ["scorecard.submitted"])
    card = assign(loop, "coding", alice)

    card = submit(card, django_capture_on_commit_callbacks)

    (request,) = receiver.requests
    payload = verified(endpoint.secret, request)
    assert payload["type"] == "scorecard.submitted"
    assert datetime.fromisoformat(payload["timestamp"]).tzinfo is not None
    assert payload["data"] == {
        "scorecard": card.pk,
        "loop": loop.pk,
        "round": card.round_id,
        "interviewer": alice.pk,
        "submitted_at": card.submitted_at.isoformat(),
    }
    assert b"Evidence for" not in request.body and b"Solid interview" not in request.body
    assert request.headers["webhook-id"] == WebhookEvent.objects.get().webhook_id
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.path == "/hooks/keeper"
    attempt = WebhookAttempt.objects.get()
    assert (attempt.number, attempt.outcome, attempt.status_code, attempt.response_excerpt) == (
        1,
        "delivered",
        200,
        '{"ok": true}',
    )
    assert attempt.duration_ms is not None and attempt.error == ""
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_draft_saved_sends_nothing(loop, alice, endpoint_for, receivers, django_capture_on_commit_callbacks):
    receiver = receivers(200)
    endpoint_for(receiver.url)
    card = assign(loop, "coding", alice)
    body = complete_body(card)
    version = body.pop("version")

    with django_capture_on_commit_callbacks(execute=True):
        scorecard_save_draft(scorecard=card, author=alice, version=version, content=ScorecardContent.from_input(body))

    assert receiver.requests == []
    assert not WebhookEvent.objects.exists()


def test_a_receiver_down_for_three_attempts_then_up_gets_the_event_once(
    loop, alice, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(503, 503, 503, 200)
    endpoint = endpoint_for(receiver.url, ["scorecard.submitted"])
    card = assign(loop, "coding", alice)

    payloads = []
    with time_machine.travel(START, tick=False) as clock:
        submit(card, django_capture_on_commit_callbacks)
        payloads.append(verified(endpoint.secret, receiver.requests[-1]))
        for failures in (1, 2, 3):
            webhooks_sweep_task.delay()  # not yet due: nothing is sent
            assert len(receiver.requests) == failures
            clock.shift(retry_delay(failures))
            webhooks_sweep_task.delay()
            payloads.append(verified(endpoint.secret, receiver.requests[-1]))  # as it arrives
        clock.shift(timedelta(hours=30))
        webhooks_sweep_task.delay()
        webhook_deliver_task.delay(WebhookDelivery.objects.get().pk)

    assert len(receiver.requests) == 4
    assert len({request.headers["webhook-id"] for request in receiver.requests}) == 1
    assert all(p == payloads[0] for p in payloads)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts_made) == ("delivered", 4)
    attempts = list(WebhookAttempt.objects.order_by("number"))
    assert [(a.number, a.outcome, a.status_code) for a in attempts] == [
        (1, "failed", 503),
        (2, "failed", 503),
        (3, "failed", 503),
        (4, "delivered", 200),
    ]
    assert all(a.error == "The receiver answered 503." for a in attempts[:3])
    # Exponential backoff: 1, 2 and 4 minutes between the attempts.
    assert [b.at - a.at for a, b in pairwise(attempts)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]


def test_retries_stop_24_hours_after_the_event(
    loop, alice, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(500)
    endpoint_for(receiver.url, ["scorecard.submitted"])
    card = assign(loop, "coding", alice)

    with time_machine.travel(START, tick=False) as clock:
        submit(card, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        while delivery.status == "pending":
            clock.move_to(delivery.next_attempt_at)
            webhooks_sweep_task.delay()
            delivery.refresh_from_db()

    attempts = list(WebhookAttempt.objects.order_by("number"))
    gaps = [b.at - a.at for a, b in pairwise(attempts)]
    # 1, 2, 4 … 256 minutes apart, then 6 h twice, and a last attempt at the 24th hour.
    assert gaps == [timedelta(minutes=2**n) for n in range(9)] + [timedelta(hours=6)] * 2 + [
        timedelta(hours=24) - sum(gaps[:-1], timedelta())
    ]
    assert delivery.status == "failed"
    assert attempts[-1].at - attempts[0].at == timedelta(hours=24)
    assert all(a.outcome == "failed" and a.status_code == 500 for a in attempts)
    assert len(receiver.requests) == len(attempts) == 13


def test_a_delivered_event_is_never_sent_again(
    loop, alice, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(200)
    endpoint_for(receiver.url, ["scorecard.submitted"])
    submit(assign(loop, "coding", alice), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()

    again = [webhook_deliver_task.delay(delivery.pk).get() for _ in range(3)]
    webhooks_sweep_task.delay()

    assert again == ["not_due"] * 3
    assert len(receiver.requests) == 1


def test_an_attempt_someone_else_claimed_is_not_made_twice(
    loop, alice, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(200)
    endpoint_for(receiver.url, ["scorecard.submitted"])
    card = assign(loop, "coding", alice)
    with django_capture_on_commit_callbacks(execute=False):  # the change commits; its task is not run
        submit_complete(card)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=datetime.now(UTC) + timedelta(seconds=30), attempts_made=1
    )

    outcome = webhook_attempt(delivery_id=delivery.pk)

    assert outcome.outcome == "not_due"
    assert receiver.requests == []


def test_a_loop_status_change_and_a_hold_reason_stay_private(
    loop, hana, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(200)
    endpoint = endpoint_for(receiver.url, ["loop.status_changed"])

    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana, reason="Waiting for the candidate's references")

    (request,) = receiver.requests
    payload = verified(endpoint.secret, request)
    assert payload["type"] == "loop.status_changed"
    assert set(payload["data"]) == {"loop", "from", "to", "at"}
    assert (payload["data"]["loop"], payload["data"]["from"], payload["data"]["to"]) == (loop.pk, "active", "on_hold")
    assert b"references" not in request.body


def test_the_keeper_decision_is_sent_as_loop_decided(
    loop, dora, alice, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    from scorecards.services import keeper_decision_record

    receiver = receivers(200)
    endpoint = endpoint_for(receiver.url, ["loop.decided"])
    submit(assign(loop, "director-final", dora), django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        keeper_decision_record(loop=loop, by=dora, decision="do_not_keep", rationale="Not a keeper: a private reason")

    (request,) = receiver.requests
    payload = verified(endpoint.secret, request)
    assert payload["type"] == "loop.decided"
    assert payload["data"]["loop"] == loop.pk and payload["data"]["decision"] == "do_not_keep"
    assert set(payload["data"]) == {"loop", "decision", "at"}
    assert b"private reason" not in request.body


def test_an_endpoint_gets_only_the_events_it_subscribed_to(
    loop, hana, alice, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    loops_only, cards_only = receivers(200), receivers(200)
    endpoint_for(loops_only.url, ["loop.status_changed"])
    endpoint_for(cards_only.url, ["scorecard.submitted"])

    submit(assign(loop, "coding", alice), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana)

    assert [json.loads(r.body)["type"] for r in loops_only.requests] == ["loop.status_changed"]
    assert [json.loads(r.body)["type"] for r in cards_only.requests] == ["scorecard.submitted"]


def test_a_change_that_rolls_back_leaves_no_event(loop, hana, endpoint_for, receivers):
    from django.db import transaction

    receiver = receivers(200)
    endpoint_for(receiver.url, ["loop.status_changed"])

    def move_then_fail():
        with transaction.atomic():
            loop_move(loop=loop, to="on_hold", by=hana)
            raise RuntimeError("the change fails after the move")

    with pytest.raises(RuntimeError):
        move_then_fail()

    assert not WebhookEvent.objects.exists()
    assert receiver.requests == []


def test_inactive_endpoints_and_owners_who_are_no_longer_admins_get_nothing(
    loop, hana, ada, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    off, demoted = receivers(200), receivers(200)
    webhook_endpoint_update(endpoint=endpoint_for(off.url), by=ada, active=False)
    former = endpoint_for(demoted.url)
    former.owner.groups.clear()
    type(former.owner).objects.filter(pk=former.owner_id).update(is_superuser=False)

    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana)

    assert off.requests == demoted.requests == []
    assert not WebhookEvent.objects.exists()


def test_an_endpoint_turned_off_after_the_event_cancels_its_delivery(
    loop, hana, ada, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(503)
    endpoint = endpoint_for(receiver.url, ["loop.status_changed"])
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            loop_move(loop=loop, to="on_hold", by=hana)
        webhook_endpoint_update(endpoint=endpoint, by=ada, active=False)
        clock.shift(timedelta(minutes=5))
        webhooks_sweep_task.delay()

    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == "cancelled"


# Rotation ------------------------------------------------------------------------------------


def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(
    loop, hana, ada, endpoint_for, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers(200)
    endpoint = endpoint_for(receiver.url, ["loop.status_changed"])
    old_secret = endpoint.secret

    with time_machine.travel(START, tick=False) as clock:
        rotated = webhook_endpoint_rotate(endpoint=endpoint, by=ada, overlap=timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=True):
            loop_move(loop=loop, to="on_hold", by=hana)
        during = receiver.requests[-1]
        during_old, during_new = verified(old_secret, during), verified(rotated.secret, during)

        clock.shift(timedelta(hours=2, seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            loop_move(loop=loop, to="active", by=hana)
        after = receiver.requests[-1]
        after_new = verified(rotated.secret, after)
        with pytest.raises(WebhookVerificationError):
            verified(old_secret, after)

    assert rotated.secret != old_secret and rotated.secret.startswith("whsec_")
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during_old == during_new and during_new["data"]["to"] == "on_hold"
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after_new["data"]["to"] == "active"


# Safety --------------------------------------------------------------------------------------


def test_redirects_are_not_followed(loop, hana, endpoint_for, receivers, django_capture_on_commit_callbacks):
    elsewhere = receivers(200)
    redirecting = receivers(307, extra_headers={"location": elsewhere.url})
    endpoint_for(redirecting.url, ["loop.status_changed"])

    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana)

    assert len(redirecting.requests) == 1
    assert elsewhere.requests == []
    attempt = WebhookAttempt.objects.get()
    assert (attempt.outcome, attempt.status_code) == ("failed", 307)
    assert attempt.error == f"Redirect to {elsewhere.url} not followed."
    assert WebhookDelivery.objects.get().status == "pending"


def test_a_receiver_that_never_answers_times_out_and_the_timeout_is_logged(
    loop, hana, endpoint_for, silent_port, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(delivery_module, "TIMEOUT_SECONDS", 0.2)  # the product's 5 s, shortened for the test
    endpoint_for(f"http://127.0.0.1:{silent_port}/hook", ["loop.status_changed"])

    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana)

    attempt = WebhookAttempt.objects.get()
    assert attempt.outcome == "failed" and attempt.status_code is None
    assert attempt.error == "No answer within 0.2 s (ReadTimeout)."
    assert attempt.duration_ms >= 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.next_attempt_at > attempt.at


def test_the_timeout_is_five_seconds_and_redirects_are_off():
    assert delivery_module.TIMEOUT_SECONDS == 5.0


def test_an_address_that_became_private_is_refused_at_delivery_time(
    loop, hana, endpoint_for, receivers, settings, django_capture_on_commit_callbacks
):
    receiver = receivers(200)
    endpoint_for(receiver.url, ["loop.status_changed"])
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # as if the name now resolved to a loopback address

    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana)

    assert receiver.requests == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.outcome == "failed" and attempt.status_code is None
    assert attempt.error == "Not sent: 127.0.0.1 is a loopback address; Keeper does not send webhooks there."
