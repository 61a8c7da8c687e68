import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each person's time zone and private calendar feed (#14)."""

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='Profile',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, serialize=False, to=settings.AUTH_USER_MODEL)),
                ('time_zone', models.CharField(blank=True, help_text="An IANA zone (Europe/Paris); blank means the site's TIME_ZONE.", max_length=64)),
                ('calendar_token_hash', models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True)),
                ('calendar_token_created_at', models.DateTimeField(blank=True, editable=False, null=True)),
            ],
        ),
    ]
