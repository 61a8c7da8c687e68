from django.db import migrations


class Migration(migrations.Migration):
    """The outbox moved to the mail app (#12): the keeper app lets go of the model without
    touching its table, which mail.0001 has taken over."""

    dependencies = [
        ("keeper", "0001_outbox"),
        ("mail", "0001_outbox_from_keeper"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OutgoingEmail"),
            ],
        ),
    ]
