import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    """Where an interview happens: a room and a video link, carried by the invitations (#14)."""

    dependencies = [
        ('loops', '0005_candidate_anonymized_at'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='round',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='round',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='round',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='round',
            name='location',
            field=models.CharField(blank=True, help_text='A room or an address.', max_length=300),
        ),
        migrations.AddField(
            model_name='round',
            name='video_url',
            field=models.URLField(blank=True, help_text="The video call's link (http or https).", max_length=500),
        ),
        migrations.AddField(
            model_name='roundevent',
            name='location',
            field=models.CharField(blank=True, help_text='A room or an address.', max_length=300),
        ),
        migrations.AddField(
            model_name='roundevent',
            name='video_url',
            field=models.URLField(blank=True, help_text="The video call's link (http or https).", max_length=500),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='round',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "loops_roundevent" ("block_id", "completed_at", "evidence_due_at", "id", "location", "loop_id", "order", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "ratings_due_at", "rubric_round_id", "scheduled_end", "scheduled_start", "status", "video_url") SELECT new_values."block_id", new_values."completed_at", new_values."evidence_due_at", new_values."id", new_values."location", new_values."loop_id", new_values."order", new_values."outcome", _pgh_attached_context.value, clock_timestamp(), \'insert\', new_values."id", new_values."ratings_due_at", new_values."rubric_round_id", new_values."scheduled_end", new_values."scheduled_start", new_values."status", new_values."video_url" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='90b1ad78fa665ff9d953bd9e83b54740fea1664d', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_5644e', referencing='REFERENCING NEW TABLE AS new_values ', table='loops_round', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='round',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "loops_roundevent" ("block_id", "completed_at", "evidence_due_at", "id", "location", "loop_id", "order", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "ratings_due_at", "rubric_round_id", "scheduled_end", "scheduled_start", "status", "video_url") SELECT new_values."block_id", new_values."completed_at", new_values."evidence_due_at", new_values."id", new_values."location", new_values."loop_id", new_values."order", new_values."outcome", _pgh_attached_context.value, clock_timestamp(), \'update\', new_values."id", new_values."ratings_due_at", new_values."rubric_round_id", new_values."scheduled_end", new_values."scheduled_start", new_values."status", new_values."video_url" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='451a8ed4c9b4849b70163dbb62ded0d4e8d4831b', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_9d0d1', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='loops_round', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='round',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "loops_roundevent" ("block_id", "completed_at", "evidence_due_at", "id", "location", "loop_id", "order", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "ratings_due_at", "rubric_round_id", "scheduled_end", "scheduled_start", "status", "video_url") SELECT old_values."block_id", old_values."completed_at", old_values."evidence_due_at", old_values."id", old_values."location", old_values."loop_id", old_values."order", old_values."outcome", _pgh_attached_context.value, clock_timestamp(), \'delete\', old_values."id", old_values."ratings_due_at", old_values."rubric_round_id", old_values."scheduled_end", old_values."scheduled_start", old_values."status", old_values."video_url" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='6dce6ae229d482692a9e07a4048569efad2150ea', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_644d7', referencing='REFERENCING OLD TABLE AS old_values ', table='loops_round', when='AFTER')),
        ),
    ]
