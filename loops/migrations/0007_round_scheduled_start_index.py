from django.db import migrations, models


class Migration(migrations.Migration):
    """The reminder before an interview finds the ones about to start by this index (#14)."""

    dependencies = [
        ('loops', '0006_round_location_video_url'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='round',
            index=models.Index(fields=['scheduled_start'], name='round_scheduled_start_idx'),
        ),
    ]
