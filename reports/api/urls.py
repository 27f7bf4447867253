from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.api.views import AssessmentReportsView, ReportArchiveViewSet, ReportViewSet

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")
router.register("report-archives", ReportArchiveViewSet, basename="reportarchive")
urlpatterns = [
    path("assessments/<int:pk>/reports/", AssessmentReportsView.as_view(), name="assessment-reports"),
    *router.urls,
]
