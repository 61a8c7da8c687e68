from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role, in_hiring_team_role
from accounts.selectors import users_visible_to
from accounts.serializers import (
    MeSerializer,
    RoleFilterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from accounts.throttle import client_address, sign_in_blocked, sign_in_failed


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
    serializer_class = MeSerializer

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
