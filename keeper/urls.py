from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from keeper import views
from loops.views import CandidateViewSet, LoopViewSet
from rubric.views import RubricViewSet
from scorecards import summary_views
from scorecards.views import AssignmentViewSet, RoundViewSet, ScorecardViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rubrics", RubricViewSet, basename="rubric")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("loops", LoopViewSet, basename="loop")
router.register("rounds", RoundViewSet, basename="round")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("scorecards", ScorecardViewSet, basename="scorecard")

api_v1 = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("users/", views.UserListView.as_view(), name="api-users"),
    path("loops/<int:pk>/keeper-summary/", summary_views.KeeperSummaryView.as_view(), name="api-keeper-summary"),
    path(
        "loops/<int:pk>/keeper-summary.csv", summary_views.KeeperSummaryCSVView.as_view(), name="api-keeper-summary-csv"
    ),
    path("loops/<int:pk>/decision/", summary_views.KeeperDecisionView.as_view(), name="api-keeper-decision"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include("nested_admin.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(api_v1)),
    path("loops/<int:pk>/keeper-summary/print/", summary_views.keeper_summary_print, name="keeper-summary-print"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
