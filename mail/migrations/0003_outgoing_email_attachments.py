from django.db import migrations, models


class Migration(migrations.Migration):
    """Emails carry text attachments (the .ics of a calendar invitation, #14); the body is plain text."""

    dependencies = [
        ("mail", "0002_outbox_table_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingemail",
            name="attachments",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Text attachments: [{"filename", "mimetype", "params": {...}, "content"}], e.g. an invite.ics of text/calendar with {"method": "REQUEST"}.',
            ),
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="body",
            field=models.TextField(help_text="Plain text."),
        ),
    ]
