from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts import pages as account_pages
from accounts.views import MeView, ThrottledLoginView, TokenView, UserListView
from audit.pages import loop_history_page
from audit.views import LoopHistoryView
from calibration import pages as calibration_pages
from calibration.views import CalibrationCSVView, CalibrationView
from integrations.views import GreenhouseScorecardExportView, WebhookEndpointViewSet
from keeper import views
from loops import pages as loop_pages
from loops.views import CandidateViewSet, LoopViewSet
from rubric.pages import rubric_page
from rubric.views import RubricViewSet
from scorecards import pages as scorecard_pages
from scorecards import summary_views
from scorecards.views import AssignmentViewSet, RoundViewSet, ScorecardViewSet


class IntegerIdRouter(DefaultRouter):
    """Object ids are integers (Product §7.1), in ASCII digits: ``/scorecards/abc/`` or
    ``/scorecards/١٢/`` (which Python's int() reads as 12) is no path at all, not an alias."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        return f"(?P<{lookup_prefix}{lookup}>[0-9]+)"


router = IntegerIdRouter(trailing_slash=True)
router.include_root_view = False
# No ".json"-style aliases of every route: each path the API answers is in the access matrix
# (tests/security/test_access_matrix.py), and the aliases doubled that surface for no client.
router.include_format_suffixes = False
router.register("rubrics", RubricViewSet, basename="rubric")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("loops", LoopViewSet, basename="loop")
router.register("rounds", RoundViewSet, basename="round")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("scorecards", ScorecardViewSet, basename="scorecard")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("users/", UserListView.as_view(), name="api-users"),
    path("loops/<int:pk>/keeper-summary/", summary_views.KeeperSummaryView.as_view(), name="api-keeper-summary"),
    path(
        "loops/<int:pk>/keeper-summary.csv", summary_views.KeeperSummaryCSVView.as_view(), name="api-keeper-summary-csv"
    ),
    path("loops/<int:pk>/decision/", summary_views.KeeperDecisionView.as_view(), name="api-keeper-decision"),
    path("loops/<int:pk>/history/", LoopHistoryView.as_view(), name="api-loop-history"),
    path(
        "exports/greenhouse/scorecards/",
        GreenhouseScorecardExportView.as_view(),
        name="api-greenhouse-scorecards",
    ),
    path("calibration/", CalibrationView.as_view(), name="api-calibration"),
    path("calibration.csv", CalibrationCSVView.as_view(), name="api-calibration-csv"),
    path("", include(router.urls)),
]

web_pages = [
    path("", scorecard_pages.home, name="home"),
    path("interviews/", scorecard_pages.my_interviews, name="my-interviews"),
    path("scorecards/<int:pk>/", scorecard_pages.scorecard_page, name="scorecard-page"),
    path("scorecards/<int:pk>/amend/", scorecard_pages.scorecard_amend_page, name="scorecard-amend"),
    path("loops/", loop_pages.loop_board, name="loop-board"),
    path("loops/new/", loop_pages.loop_new, name="loop-new"),
    path("loops/<int:pk>/", loop_pages.loop_page, name="loop-page"),
    path("loops/<int:pk>/scorecards/", scorecard_pages.loop_scorecards_page, name="loop-scorecards"),
    path("loops/<int:pk>/rounds/<int:round_pk>/schedule/", loop_pages.round_schedule_page, name="round-schedule"),
    path("loops/<int:pk>/rounds/<int:round_pk>/outcome/", loop_pages.round_outcome_page, name="round-outcome"),
    path("loops/<int:pk>/rounds/<int:round_pk>/assign/", scorecard_pages.assignment_add_page, name="assignment-add"),
    path(
        "loops/<int:pk>/assignments/<int:assignment_pk>/remove/",
        scorecard_pages.assignment_remove_page,
        name="assignment-remove",
    ),
    path(
        "loops/<int:pk>/assignments/<int:assignment_pk>/questions/",
        scorecard_pages.assignment_questions_page,
        name="assignment-questions",
    ),
    re_path(r"^loops/(?P<pk>[0-9]+)/(?P<move>hold|resume|withdraw)/$", loop_pages.loop_move_page, name="loop-move"),
    path("loops/<int:pk>/summary/", scorecard_pages.summary_page, name="summary-page"),
    path("loops/<int:pk>/decision/", scorecard_pages.decision_page, name="decision-page"),
    path("loops/<int:pk>/history/", loop_history_page, name="loop-history"),
    path("rubric/", rubric_page, name="rubric-page"),
    path("profile/", account_pages.profile_page, name="profile"),
    path("profile/calendar/", account_pages.calendar_feed_new_page, name="calendar-feed-new"),
    path("profile/calendar/revoke/", account_pages.calendar_feed_revoke_page, name="calendar-feed-revoke"),
    # The secret is the credential (no session); its shape is token_urlsafe's.
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$", loop_pages.calendar_feed, name="calendar-feed"),
    path("calibration/", calibration_pages.calibration_page, name="calibration-page"),
    path("interviews/calibration/", calibration_pages.my_leniency, name="my-leniency"),
]

handler404 = "keeper.views.not_found"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include("nested_admin.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(api_v1)),
    path("loops/<int:pk>/keeper-summary/print/", summary_views.keeper_summary_print, name="keeper-summary-print"),
    *web_pages,
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

if settings.BENCHMARK_ENDPOINTS:
    from bench import views as bench_views

    urlpatterns += [
        path("bench/bare", bench_views.bare, name="bench-bare"),
        path("bench/drf-hello", bench_views.DrfHello.as_view(), name="bench-drf-hello"),
    ]
