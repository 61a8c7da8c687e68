from django.http import HttpResponseNotFound, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.renderers import JSONRenderer

from keeper.health import broker_state, database_state


def not_found(request, exception):
    """A path nothing answers (say ``/api/v1/loops/abc/decision/``): under /api/ the same JSON
    as any API 404 (Product §7: every error in one shape), elsewhere the page."""
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
