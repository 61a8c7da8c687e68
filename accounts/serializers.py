from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.roles import Role, role_names
from accounts.selectors import user_time_zone
from keeper.api import JSONInput, QueryInput


class UserSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name", "roles"]

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user) -> list[str]:
        prefetched = getattr(user, "role_groups", None)
        names = {g.name for g in prefetched} if prefetched is not None else role_names(user)
        return [role.value for role in Role if role.value in names]


class MeSerializer(UserSerializer):
    """The signed-in person, with the zone they read times in (Product §3)."""

    time_zone = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "time_zone"]

    def get_time_zone(self, user) -> str:
        return user_time_zone(user).key


class TokenRequestSerializer(JSONInput):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class RoleFilterSerializer(QueryInput):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
