"""Every write of the integrations (Product §8.3): webhook endpoints and their secrets, the
outbox of events, replays, and the import of a Greenhouse candidates export. Sending webhooks
lives in integrations/delivery.py."""

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.roles import is_admin
from integrations.addresses import UnsafeTarget, target_resolve
from integrations.delivery import RETRY_WINDOW, cancel_reason
from integrations.greenhouse import HarvestCandidate, RefusedRow, harvest_candidate_check
from integrations.models import EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent
from integrations.tasks import webhook_deliver_task
from keeper.errors import Conflict, Invalid
from loops import services as loop_services
from loops.models import Candidate
from rubric.selectors import rubric_default

ROTATION_OVERLAP = timedelta(hours=24)
SECRET_BYTES = 32


def secret_new() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _require_admin(user: AbstractUser) -> None:
    if not is_admin(user):
        raise PermissionDenied("Only admins manage webhooks.")


def endpoint_problems(*, url: str | None, events: list[str] | None) -> dict[str, list[str]]:
    """Everything wrong with an endpoint's URL and events, keyed by field (400). The URL is
    resolved: a host that names a loopback, private or otherwise internal address is refused."""
    problems: dict[str, list[str]] = {}
    if url is not None:
        try:
            target_resolve(url)
        except UnsafeTarget as refusal:
            problems["url"] = [str(refusal)]
    if events is not None:
        unknown = [e for e in events if e not in EventType.values]
        if unknown:
            problems["events"] = [f"{e!r} is not an event Keeper sends." for e in unknown]
        elif not events:
            problems["events"] = ["Name at least one event."]
    return problems


def _distinct(events: list[str]) -> list[str]:
    return list(dict.fromkeys(events))


@transaction.atomic
def webhook_endpoint_create(*, url: str, events: list[str], by: AbstractUser, active: bool = True) -> WebhookEndpoint:
    """Register an endpoint owned by ``by`` (an admin) with a new secret, which the caller shows
    once. Raises Invalid naming every problem, or PermissionDenied."""
    _require_admin(by)
    if problems := endpoint_problems(url=url, events=events):
        raise Invalid("The webhook endpoint is not valid.", errors=problems)
    return WebhookEndpoint.objects.create(
        url=url, events=_distinct(events), is_active=active, secret=secret_new(), owner=by
    )


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    by: AbstractUser,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's URL, events or active flag (None leaves one as it is). A deliveries
    already pending go to the new URL. Raises Invalid or PermissionDenied."""
    _require_admin(by)
    if problems := endpoint_problems(url=url, events=events):
        raise Invalid("The webhook endpoint is not valid.", errors=problems)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    fields = ["updated_at"]
    if url is not None:
        endpoint.url = url
        fields.append("url")
    if events is not None:
        endpoint.events = _distinct(events)
        fields.append("events")
    if active is not None:
        endpoint.is_active = active
        fields.append("is_active")
    endpoint.save(update_fields=fields)
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate(
    *, endpoint: WebhookEndpoint, by: AbstractUser, overlap: timedelta = ROTATION_OVERLAP
) -> WebhookEndpoint:
    """Give the endpoint a new secret, shown once by the caller. Until ``overlap`` has passed,
    messages are signed with the previous secret too, so the receiver can switch without losing
    any; an overlap of zero retires the previous secret at once. Raises PermissionDenied."""
    _require_admin(by)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret_new()
    endpoint.previous_secret_until = timezone.now() + overlap
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by: AbstractUser) -> None:
    """Remove an endpoint with its deliveries and their log. Raises PermissionDenied."""
    _require_admin(by)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


def _enqueue_after_commit(delivery_ids: list[int]) -> None:
    def enqueue() -> None:
        for delivery_id in delivery_ids:
            webhook_deliver_task.delay(delivery_id)

    # robust: a broker that is down must not fail the change that already committed; the
    # sweep (integrations.tasks.webhooks_sweep_task) finds the deliveries later.
    transaction.on_commit(enqueue, robust=True)


def webhook_event_record(*, type: str, data: dict, readable_by: Callable[[AbstractUser], bool]) -> WebhookEvent | None:
    """Write an event to the outbox, with one delivery per active endpoint subscribed to it whose
    owner may read its subject (``readable_by``), inside the caller's transaction; the deliveries
    are handed to Celery once it commits. Nothing is written when no endpoint wants it."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True, events__contains=[type]).select_related("owner")
        if cancel_reason(endpoint) is None and readable_by(endpoint.owner)
    ]
    if not endpoints:
        return None
    now = timezone.now()
    event = WebhookEvent.objects.create(type=type, data=data, occurred_at=now)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now, give_up_at=now + RETRY_WINDOW)
        for endpoint in endpoints
    )
    _enqueue_after_commit([delivery.pk for delivery in deliveries])
    return event


@transaction.atomic
def webhook_replay(*, delivery: WebhookDelivery, by: AbstractUser) -> WebhookDelivery:
    """Send a delivery's event to its endpoint again, as a new delivery with its own log and 24 h
    of retries, with the same ``webhook-id``. Raises Conflict while one is still pending, or
    when the endpoint is off; PermissionDenied for anyone but an admin."""
    _require_admin(by)
    delivery = WebhookDelivery.objects.select_related("endpoint__owner").get(pk=delivery.pk)
    if reason := cancel_reason(delivery.endpoint):
        raise Conflict(f"Not replayed: {reason}.")
    if WebhookDelivery.objects.filter(
        event_id=delivery.event_id, endpoint_id=delivery.endpoint_id, status=WebhookDelivery.Status.PENDING
    ).exists():
        raise Conflict("This event is still being delivered to this endpoint.")
    now = timezone.now()
    replay = WebhookDelivery.objects.create(
        event_id=delivery.event_id,
        endpoint_id=delivery.endpoint_id,
        next_attempt_at=now,
        give_up_at=now + RETRY_WINDOW,
        replay_of=delivery.replay_of or delivery,
        requested_by=by,
    )
    _enqueue_after_commit([replay.pk])
    return replay


# Greenhouse import ----------------------------------------------------------------------------


@dataclass
class CandidatesImport:
    """What an import did, row by row."""

    created: list[HarvestCandidate] = field(default_factory=list)
    updated: list[HarvestCandidate] = field(default_factory=list)
    unchanged: list[HarvestCandidate] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)

    @property
    def jobs(self) -> list[str]:
        """The job names of the imported rows' applications, each once, in file order."""
        rows = [*self.created, *self.updated, *self.unchanged]
        return list(dict.fromkeys(name for row in sorted(rows, key=lambda r: r.number) for _, name in row.jobs))


def greenhouse_candidates_import(
    *, items: list[tuple[int, object]], by: AbstractUser | None, default_level: str
) -> CandidatesImport:
    """Create or update a candidate per exported candidate, matched by email (any of theirs,
    case aside), so that importing the same file twice changes nothing the second time. A row
    with any problem (no name, no or a bad email, a level the published rubric does not hire
    at, …) is refused with every problem and nothing of it is written; the good rows are each
    written in a transaction of their own.

    The application's job does not become an opening yet: ``loops.Opening`` (#14, branch
    ``openings``) is not in this codebase. The jobs are read, checked and reported
    (``CandidatesImport.jobs``); see the TODO in ``_candidate_upsert``."""
    rubric = rubric_default()
    hireable = {level.slug for level in loop_services.hireable_levels(rubric)}
    report = CandidatesImport()
    for number, (line, item) in enumerate(items, start=1):
        row = harvest_candidate_check(line, number, item, default_level=default_level, hireable=hireable)
        if isinstance(row, RefusedRow):
            report.refused.append(row)
            continue
        try:
            outcome = _candidate_upsert(row, by=by)
        except Invalid as refusal:
            messages = [m for problems in refusal.errors.values() for m in problems]
            report.refused.append(RefusedRow(row.line, row.number, tuple(messages)))
            continue
        getattr(report, outcome).append(row)
    return report


@transaction.atomic
def _candidate_upsert(row: HarvestCandidate, *, by: AbstractUser | None) -> str:
    existing = (
        Candidate.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=row.emails)
        .select_for_update(of=("self",))
        .first()
    )
    # TODO(#16): once loops.Opening is on main, make each of row.jobs an opening (found again by its
    # Greenhouse job id, kept in a small integrations table; opening_create needs a hiring manager,
    # so the command takes --hiring-manager) and enter the candidate for the first one
    # (candidate_create(opening=...) / candidate_update(opening=...), which replace the write below).
    if existing is None:
        loop_services.candidate_create(name=row.name, email=row.emails[0], level=row.level, by=by)
        return "created"
    changes = {"name": row.name} if existing.name != row.name else {}
    if row.level_given and existing.level != row.level:
        changes["level"] = row.level  # a level the export states wins; the command's default never overwrites
    if not changes:
        return "unchanged"
    for name, value in changes.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(changes))
    return "updated"
