from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.views import LoginView
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from keeper.health import broker_state, database_state
from keeper.roles import Role, in_hiring_team_role
from keeper.selectors import users_visible_to
from keeper.serializers import RoleFilterSerializer, TokenRequestSerializer, TokenSerializer, UserSerializer
from keeper.throttle import client_address, sign_in_blocked, sign_in_failed


def not_found(request, exception):
    """A path nothing answers (say ``/api/v1/loops/abc/decision/``): under /api/ the same JSON
    as any API 404 (PRODUCT.md §7: every error in one shape), elsewhere the page."""
    if request.path.startswith("/api/"):
        body = JSONRenderer().render({"detail": "Not found."})
        return HttpResponseNotFound(body, content_type="application/json")
    return defaults.page_not_found(request, exception)


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
        username, address = credentials.validated_data["username"], client_address(request)
        if sign_in_blocked(username, address):
            return Response(
                {"detail": "Too many failed attempts; try again later.", "code": "throttled"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(settings.SIGN_IN_FAILURE_WINDOW_SECONDS)},
            )
        user = authenticate(request, **credentials.validated_data)
        if user is None or not user.is_active:
            sign_in_failed(username, address)
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
        if not in_hiring_team_role(user):
            raise PermissionDenied("Only the hiring team lists people.")
        query = RoleFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        users = users_visible_to(user)
        if role := query.validated_data.get("role"):
            users = users.filter(groups__name=role)
        return users


class ThrottledLoginView(LoginView):
    """Django's sign-in page, with the same throttle on failures as the token endpoint."""

    def post(self, request, *args, **kwargs):
        username, address = request.POST.get("username", ""), client_address(request)
        if sign_in_blocked(username, address):
            response = HttpResponse("Too many failed sign-ins; try again later.", status=429, content_type="text/plain")
            response["Retry-After"] = str(settings.SIGN_IN_FAILURE_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        sign_in_failed(self.request.POST.get("username", ""), client_address(self.request))
        return super().form_invalid(form)
