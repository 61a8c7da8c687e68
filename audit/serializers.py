from rest_framework import serializers


class HistoryEntrySerializer(serializers.Serializer):
    """One recorded change (audit.history.loop_history)."""

    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="candidate, loop, round, assignment, scorecard, value_rating, ...")
    subject = serializers.CharField()
    describes = serializers.CharField(help_text="Which one: the round, the value, the interviewer.")
    object = serializers.IntegerField(help_text="The id of the row that changed.")
    action = serializers.ChoiceField(choices=["created", "changed", "removed"])
    scorecard = serializers.IntegerField(allow_null=True)
    changes = serializers.ListField(child=serializers.DictField(), help_text='[{"field", "from", "to"}]')
    actor = serializers.IntegerField(allow_null=True, help_text="The user who made the change, if one did.")
    actor_name = serializers.CharField(allow_null=True)
    source = serializers.DictField(help_text='Where it came from: {"url"}, {"task"} or {"command"}.')
