"""Baselines for the benchmark, mounted only when BENCHMARK_ENDPOINTS is on: every speed
goal is a ratio against these, measured in the same run on the same server."""

from django.http import JsonResponse
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import TokenAuthentication

HELLO = {"hello": "keeper", "ok": True}


def bare(request):
    """A plain Django view through the full middleware stack; no database."""
    return JsonResponse(HELLO)


class DrfHello(APIView):
    """The same object through DRF with the API's token authentication (one query for the token)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(HELLO)
