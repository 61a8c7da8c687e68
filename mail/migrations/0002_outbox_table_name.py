from django.db import migrations


class Migration(migrations.Migration):
    """The outbox table takes the mail app's name (keeper_outgoingemail → mail_outgoingemail);
    the rows, the index and the constraints come along."""

    dependencies = [
        ("mail", "0001_outbox_from_keeper"),
        ("keeper", "0002_outbox_to_mail"),
    ]

    operations = [
        migrations.AlterModelTable(name="outgoingemail", table=None),
    ]
