"""The events webhooks carry (Product §8.3), recorded by listening to the signals the lower
apps send inside each change's transaction (loops/signals.py, scorecards/signals.py), so that
neither imports this app. A receiver only writes the outbox: the change decides, it records.

Payloads carry ids and the fields of the change, nothing a reader could not see on the loop
page: never a draft (only a sealed card sends ``scorecard.submitted``) and never its content."""

from django.dispatch import receiver

from integrations.models import EventType
from integrations.services import webhook_event_record
from loops.selectors import loops_visible_to
from loops.signals import loop_status_changed
from scorecards.selectors import scorecards_visible_to
from scorecards.signals import loop_decided, scorecard_submitted


def _loop_readable(loop_id: int):
    return lambda owner: loops_visible_to(owner).filter(pk=loop_id).exists()


@receiver(scorecard_submitted, dispatch_uid="integrations.scorecard_submitted")
def scorecard_submitted_record(sender, scorecard, **kwargs) -> None:
    webhook_event_record(
        type=EventType.SCORECARD_SUBMITTED,
        data={
            "scorecard": scorecard.pk,
            "loop": scorecard.loop_id,
            "round": scorecard.round_id,
            "interviewer": scorecard.interviewer_id,
            "submitted_at": scorecard.submitted_at.isoformat(),
        },
        # Product §4 decides who reads a sealed card; the endpoint's owner must be one of them.
        readable_by=lambda owner: scorecards_visible_to(owner).submitted().filter(pk=scorecard.pk).exists(),
    )


@receiver(loop_status_changed, dispatch_uid="integrations.loop_status_changed")
def loop_status_changed_record(sender, loop, previous, **kwargs) -> None:
    webhook_event_record(
        type=EventType.LOOP_STATUS_CHANGED,
        data={"loop": loop.pk, "from": previous, "to": loop.status, "at": loop.updated_at.isoformat()},
        readable_by=_loop_readable(loop.pk),
    )


@receiver(loop_decided, dispatch_uid="integrations.loop_decided")
def loop_decided_record(sender, decision, **kwargs) -> None:
    webhook_event_record(
        type=EventType.LOOP_DECIDED,
        data={"loop": decision.loop_id, "decision": decision.decision, "at": decision.at.isoformat()},
        readable_by=_loop_readable(decision.loop_id),
    )
