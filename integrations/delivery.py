"""Sending one webhook attempt (Product §8.3): the Standard Webhooks body and headers, signed
with the ``standardwebhooks`` package (HMAC-SHA256, ``v1,<base64>``), posted with httpx to the
address that was checked (integrations/addresses.py), with no redirect followed and a 5 s
timeout, then logged. Retries back off exponentially and stop 24 h after the event.

Exactly once, as far as Keeper's records go: an attempt is claimed by a conditional update of
its delivery (``attempts_made`` as read, nobody's claim running) in a transaction that commits
before anything is sent, so two workers never send the same attempt, and a delivered delivery
is never claimed again. A worker that dies mid-attempt leaves its claim to expire; the
delivery is then tried again, so a receiver may, rarely, see one message twice, with the same
``webhook-id`` (Standard Webhooks receivers deduplicate on it)."""

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.roles import is_admin
from integrations.addresses import UnsafeTarget, target_resolve
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

TIMEOUT_SECONDS = 5.0
RETRY_WINDOW = timedelta(hours=24)
# A claim outlives any attempt (connect, write and read each have TIMEOUT_SECONDS); a claim
# older than this belongs to a worker that died, and the delivery is tried again.
CLAIM = timedelta(seconds=60)
EXCERPT_BYTES = 2048
EXCERPT_CHARS = 500
USER_AGENT = "Keeper-Webhooks/1"
DS = WebhookDelivery.Status


def retry_delay(attempts_made: int) -> timedelta:
    """Exponential backoff after the ``attempts_made``-th failure: 1 minute, doubling each time,
    at most 6 hours apart (1, 2, 4, … 256 min, then 6 h), within RETRY_WINDOW of the event."""
    return min(timedelta(minutes=1) * 2 ** (attempts_made - 1), timedelta(hours=6))


def event_body(event: WebhookEvent) -> bytes:
    """Product §7.1: ``{"type", "timestamp", "data"}``, the same bytes on every attempt."""
    body = {"type": event.type, "timestamp": event.occurred_at.isoformat(), "data": event.data}
    return json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signed_headers(endpoint: WebhookEndpoint, event: WebhookEvent, body: bytes, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers. During a rotation's overlap the message is signed with the
    new and the previous secret, space-separated, so a receiver holding either verifies it."""
    secrets = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and now < endpoint.previous_secret_until:
        secrets.append(endpoint.previous_secret)
    signatures = [Webhook(secret).sign(event.webhook_id, now, body) for secret in secrets]
    return {
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def cancel_reason(endpoint: WebhookEndpoint) -> str | None:
    """Why nothing more is sent to ``endpoint``: it was turned off, or its owner may no longer
    read what it carries (Product §8.3: payloads follow the owner's rights)."""
    if not endpoint.is_active:
        return "the endpoint is inactive"
    owner = endpoint.owner
    if not owner.is_active or not is_admin(owner):
        return "the endpoint's owner is no longer an active admin"
    return None


@dataclass(frozen=True)
class Answer:
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class AttemptResult:
    outcome: str  # delivered, retry, failed, cancelled, or not_due (nothing done)
    retry_at: datetime | None = None


def _clean(text: str) -> str:
    return text.replace("\x00", "")  # PostgreSQL text holds no NUL


def _post(endpoint: WebhookEndpoint, event: WebhookEvent, now: datetime) -> Answer:
    body = event_body(event)
    headers = signed_headers(endpoint, event, body, now)
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        target = target_resolve(endpoint.url)
    except UnsafeTarget as refusal:
        return Answer(error=f"Not sent: {refusal}", duration_ms=elapsed())
    extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
    try:
        # trust_env=False: no proxy from the environment, which would connect somewhere unchecked.
        with httpx.Client(follow_redirects=False, timeout=TIMEOUT_SECONDS, trust_env=False) as client:
            request = client.build_request(
                "POST", target.url, content=body, headers={**headers, "host": target.host}, extensions=extensions
            )
            response = client.send(request, stream=True)
            try:
                received = b""
                for chunk in response.iter_raw():
                    received += chunk
                    if len(received) >= EXCERPT_BYTES:
                        break
            finally:
                response.close()
    except httpx.TimeoutException as error:
        return Answer(error=f"No answer within {TIMEOUT_SECONDS:g} s ({type(error).__name__}).", duration_ms=elapsed())
    except httpx.HTTPError as error:
        return Answer(error=_clean(f"{type(error).__name__}: {error}")[:EXCERPT_CHARS], duration_ms=elapsed())
    excerpt = _clean(received[:EXCERPT_BYTES].decode("utf-8", errors="replace"))[:EXCERPT_CHARS]
    error = ""
    if response.is_redirect:
        error = _clean(f"Redirect to {response.headers.get('location', '?')} not followed.")[:EXCERPT_CHARS]
    elif not 200 <= response.status_code < 300:
        error = f"The receiver answered {response.status_code}."
    return Answer(status_code=response.status_code, excerpt=excerpt, error=error, duration_ms=elapsed())


def webhook_attempt(*, delivery_id: int) -> AttemptResult:
    """Make the delivery's next attempt if it is pending, due and nobody else's. Returns what
    happened and, after a failure within the retry window, when to try again."""
    delivery = WebhookDelivery.objects.select_related("event", "endpoint__owner").filter(pk=delivery_id).first()
    now = timezone.now()
    if delivery is None or delivery.status != DS.PENDING:
        return AttemptResult("not_due")
    if cancel_reason(delivery.endpoint):
        WebhookDelivery.objects.filter(pk=delivery.pk, status=DS.PENDING).update(status=DS.CANCELLED)
        return AttemptResult("cancelled")
    number = delivery.attempts_made + 1
    with transaction.atomic():
        claimed = (
            WebhookDelivery.objects.filter(
                pk=delivery.pk,
                status=DS.PENDING,
                attempts_made=delivery.attempts_made,
                next_attempt_at__lte=now,
            )
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .update(attempts_made=F("attempts_made") + 1, claimed_until=now + CLAIM)
        )
        if not claimed:
            return AttemptResult("not_due")
        attempt = WebhookAttempt.objects.create(delivery=delivery, number=number, at=now)

    answer = _post(delivery.endpoint, delivery.event, now)

    ended = timezone.now()
    outcome = WebhookAttempt.Outcome.DELIVERED if answer.delivered else WebhookAttempt.Outcome.FAILED
    with transaction.atomic():
        WebhookAttempt.objects.filter(pk=attempt.pk).update(
            ended_at=ended,
            outcome=outcome,
            status_code=answer.status_code,
            duration_ms=answer.duration_ms,
            response_excerpt=answer.excerpt,
            error=answer.error,
        )
        mine = WebhookDelivery.objects.filter(pk=delivery.pk, attempts_made=number)
        if answer.delivered:
            mine.update(status=DS.DELIVERED, delivered_at=ended, claimed_until=None)
            return AttemptResult("delivered")
        if ended >= delivery.give_up_at:
            mine.update(status=DS.FAILED, claimed_until=None)
            return AttemptResult("failed")
        retry_at = min(ended + retry_delay(number), delivery.give_up_at)
        mine.update(next_attempt_at=retry_at, claimed_until=None)
    return AttemptResult("retry", retry_at)


def webhook_deliveries_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt is due and that nobody is attempting, oldest first:
    retries scheduled past what a task's countdown may wait, and tasks a broker lost."""
    return list(
        WebhookDelivery.objects.filter(status=DS.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
