"""A stand-in for a mail server that refuses some recipients, as a real one does for a bad address."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Django's in-memory backend, but an address at refused.example is refused with SMTP's error."""

    def send_messages(self, messages):
        for message in messages:
            refused = [to for to in message.to if to.endswith("@refused.example")]
            if refused:
                raise SMTPRecipientsRefused({to: (550, b"No such user") for to in refused})
        return super().send_messages(messages)
