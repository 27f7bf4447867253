from rest_framework.routers import SimpleRouter

from assessments.api.assessments import (
    AssessmentViewSet,
    CorrectiveActionViewSet,
    EvidenceViewSet,
    FindingViewSet,
)

router = SimpleRouter()
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("findings", FindingViewSet, basename="finding")
router.register("corrective-actions", CorrectiveActionViewSet, basename="correctiveaction")
router.register("evidence", EvidenceViewSet, basename="evidence")
urlpatterns = router.urls
