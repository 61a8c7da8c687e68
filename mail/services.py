"""Email through a transactional outbox (Product §6: every task idempotent, safe to retry).

Why an outbox: a task that claimed its idempotency row (a Reminder) and called the mail
server in one transaction could be killed after the server took the email but before the
commit. The claim then rolls back, the broker redelivers the task (acks_late) and the email
goes out twice; and a slow mail server would hold the row locks meanwhile. So a task writes
the email as an ``OutgoingEmail`` row in the same transaction as its claim: "sent" means
"that transaction committed", which is all or nothing, and a redelivered task finds its
claim taken and writes nothing. Exactly once, as far as Keeper's records go.

``outbox_deliver`` then hands committed emails to EMAIL_BACKEND, one short transaction each,
marking each delivered in the transaction that locked it. A mail server cannot share our
transaction, so a crash in the instant between the server accepting an email and that
commit delivers it again on the next run: at least once, with the same Message-ID
(derived from the row), which is what receiving servers deduplicate on."""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mail.models import OutgoingEmail


def email_enqueue(
    *, key: str, subject: str, body: str, to: list[str], attachments: list[dict] | None = None
) -> OutgoingEmail:
    """Record an email to send. Call it inside the transaction that claims the send. The body is
    plain text; ``attachments`` are text parts ``{"filename", "mimetype", "params", "content"}``."""
    return OutgoingEmail.objects.create(
        key=key,
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        attachments=attachments or [],
    )


def attachment_part(attachment: dict) -> MIMEText:
    """A stored attachment as the MIME part it is sent as: e.g. ``text/calendar; charset="utf-8";
    method="REQUEST"`` with the file name, which is what calendar clients look for."""
    _, subtype = attachment["mimetype"].split("/", 1)
    part = MIMEText(attachment["content"], subtype, "utf-8")
    for name, value in attachment.get("params", {}).items():
        part.set_param(name, value)
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def message_id(email: OutgoingEmail) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "keeper.invalid"
    return f"<outbox-{email.pk}@{domain}>"


def outbox_deliver(*, limit: int = 1000) -> int:
    """Hand up to ``limit`` pending emails to the mail backend, oldest first; returns how many
    were delivered. Concurrent runs share the work (SKIP LOCKED); an email the backend refuses
    keeps its error and waits for the next run, so one bad address never blocks the rest."""
    delivered, refused = 0, []
    with get_connection() as connection:
        while delivered + len(refused) < limit:
            with transaction.atomic():
                email = (
                    OutgoingEmail.objects.select_for_update(skip_locked=True)
                    .filter(delivered_at__isnull=True)
                    .exclude(pk__in=refused)
                    .order_by("pk")
                    .first()
                )
                if email is None:
                    break
                message = EmailMessage(
                    subject=email.subject,
                    body=email.body,
                    from_email=email.from_email,
                    to=email.to,
                    headers={"Message-ID": message_id(email)},
                    connection=connection,
                )
                for attachment in email.attachments:
                    message.attach(attachment_part(attachment))
                try:
                    message.send()
                except OSError as exc:  # smtplib's errors are OSErrors
                    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=F("attempts") + 1, last_error=str(exc))
                    refused.append(email.pk)
                    continue
                OutgoingEmail.objects.filter(pk=email.pk).update(
                    delivered_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
                )
                delivered += 1
    return delivered
