from assessments.api.assessments import (
    AssessmentViewSet,
    CorrectiveActionViewSet,
    EvidenceViewSet,
    FindingViewSet,
)
from config.api import Router

router = Router()
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("findings", FindingViewSet, basename="finding")
router.register("corrective-actions", CorrectiveActionViewSet, basename="correctiveaction")
router.register("evidence", EvidenceViewSet, basename="evidence")
urlpatterns = router.urls
