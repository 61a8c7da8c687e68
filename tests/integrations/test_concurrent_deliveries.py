"""A delivered event is never sent twice (Product §6, §8.3): twenty workers trying the same
delivery at once, each on its own database connection, make its attempt exactly once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from integrations.delivery import webhook_attempt
from integrations.models import WebhookAttempt, WebhookDelivery
from loops.services import loop_move
from tests.concurrency import at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]


def test_twenty_workers_on_one_due_retry_send_it_once(loop, hana, endpoint_for, receivers):
    receiver = receivers(503, 200)
    endpoint_for(receiver.url, ["loop.status_changed"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        loop_move(loop=loop, to="on_hold", by=hana)  # commits; the first attempt runs at once and fails
        delivery = WebhookDelivery.objects.get()
        clock.shift(timedelta(minutes=1))

        outcomes = at_once(20, lambda _: webhook_attempt(delivery_id=delivery.pk).outcome)

    assert sorted(outcomes) == ["delivered"] + ["not_due"] * 19
    assert len(receiver.requests) == 2
    assert [(a.number, a.outcome) for a in WebhookAttempt.objects.order_by("number")] == [
        (1, "failed"),
        (2, "delivered"),
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts_made) == ("delivered", 2)
