from django.db import migrations, models


class Migration(migrations.Migration):
    """Calendar invitations by UID: the SEQUENCE each last went out with and whether it stands (#14)."""

    dependencies = [
        ("mail", "0003_outgoing_email_attachments"),
    ]

    operations = [
        migrations.CreateModel(
            name="Invitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uid", models.CharField(max_length=255, unique=True)),
                ("sequence", models.PositiveIntegerField(default=0)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("notice", "Told, with no time yet"),
                            ("requested", "In the attendee's calendar"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="notice",
                        max_length=16,
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["pk"],
            },
        ),
    ]
