"""The outbox (mail.services): an email is written with the claim that makes it once-only, then
delivered by a separate step that hands each one to the mail backend once, keeps what the
server refuses for the next run, and never loses one to a server that is down."""

import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from mail.models import OutgoingEmail
from mail.services import email_enqueue, message_id, outbox_deliver
from scorecards.models import Reminder
from scorecards.tasks import reminders_sweep_task
from tests.bulk import bulk_overdue_drafts

AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def overdue(loop):
    return bulk_overdue_drafts(
        loop, 3, ratings_due_at=AS_OF - timedelta(hours=2), evidence_due_at=AS_OF + timedelta(days=1)
    )


def test_each_reminder_is_one_outbox_email_delivered_once(overdue):
    reminders_sweep_task.delay(AS_OF.isoformat())
    reminders_sweep_task.delay(AS_OF.isoformat())

    reminders = list(Reminder.objects.order_by("pk"))
    emails = list(OutgoingEmail.objects.order_by("pk"))
    assert [r.scorecard_id for r in reminders] == [card.pk for card in overdue]
    assert [e.key for e in emails] == [f"reminder:{r.pk}" for r in reminders]
    assert all(e.delivered_at is not None and e.attempts == 1 for e in emails)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [message_id(e) for e in emails]
    assert [m.to for m in mail.outbox] == [[r.recipient] for r in reminders]


def test_delivering_again_sends_nothing_again(db):
    email_enqueue(key="test:1", subject="Hello", body="Body", to=["a@example.com"])

    assert outbox_deliver() == 1
    assert outbox_deliver() == 0
    assert len(mail.outbox) == 1


def test_a_mail_server_that_is_down_leaves_every_email_waiting(db, settings):
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    email_enqueue(key="test:1", subject="Hello", body="Body", to=["a@example.com"])

    with pytest.raises(ConnectionRefusedError):  # an OSError: the task retries with backoff
        outbox_deliver()

    assert OutgoingEmail.objects.get().delivered_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver() == 1
    assert len(mail.outbox) == 1


def test_a_refused_address_waits_and_the_others_go(db, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    first = email_enqueue(key="test:1", subject="One", body="Body", to=["someone@refused.example"])
    email_enqueue(key="test:2", subject="Two", body="Body", to=["b@example.com"])

    assert outbox_deliver() == 1

    first.refresh_from_db()
    assert [m.subject for m in mail.outbox] == ["Two"]
    assert first.delivered_at is None and first.attempts == 1
    assert "No such user" in first.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver() == 1
    assert [m.subject for m in mail.outbox] == ["Two", "One"]
