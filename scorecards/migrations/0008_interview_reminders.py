import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The reminder before an interview, claimed once per scorecard and start time (#14)."""

    dependencies = [
        ('scorecards', '0007_sealed_scorecards'),
    ]

    operations = [
        migrations.CreateModel(
            name='InterviewReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scheduled_start', models.DateTimeField(help_text='The start the reminder was for.')),
                ('recipient', models.EmailField(blank=True, max_length=254)),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
                ('scorecard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='interview_reminders', to='scorecards.scorecard')),
            ],
            options={
                'ordering': ['scorecard_id', 'sent_at'],
                'constraints': [models.UniqueConstraint(fields=('scorecard', 'scheduled_start'), name='interview_reminder_once_per_start')],
            },
        ),
    ]
