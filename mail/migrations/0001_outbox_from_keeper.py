from django.db import migrations, models


class Migration(migrations.Migration):
    """The outbox moved here from the keeper app (#12). Its table and rows stay as they are:
    this only records that the mail app owns the model (keeper.0002 lets go of it)."""

    initial = True

    dependencies = [
        ("keeper", "0001_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutgoingEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(help_text="What this email is for; one email per key.", max_length=200, unique=True)),
                        ("subject", models.CharField(max_length=998)),
                        ("body", models.TextField()),
                        ("from_email", models.CharField(max_length=254)),
                        ("to", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "keeper_outgoingemail",
                        "ordering": ["pk"],
                        "indexes": [models.Index(condition=models.Q(("delivered_at__isnull", True)), fields=["id"], name="outgoing_email_pending_idx")],
                    },
                ),
            ],
        ),
    ]
