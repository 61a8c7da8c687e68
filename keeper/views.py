from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from keeper.health import broker_state, database_state
from keeper.roles import Role, has_role, is_admin
from keeper.selectors import HIRING_TEAM, users_visible_to
from keeper.serializers import RoleFilterSerializer, TokenRequestSerializer, TokenSerializer, UserSerializer


@never_cache
@require_GET
def healthz(request):
    """200 while the database answers, 503 when it does not; the broker is reported, not required."""
    database = database_state()
    broker = broker_state()
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to sign in with those credentials."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(generics.RetrieveAPIView):
    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user


class UserListView(generics.ListAPIView):
    """People the hiring team can put on a loop, filterable by role."""

    serializer_class = UserSerializer

    @extend_schema(parameters=[OpenApiParameter("role", enum=Role.values)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        if not (is_admin(user) or has_role(user, *HIRING_TEAM)):
            raise PermissionDenied("Only the hiring team lists people.")
        query = RoleFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        users = users_visible_to(user)
        if role := query.validated_data.get("role"):
            users = users.filter(groups__name=role)
        return users
