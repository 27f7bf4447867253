from assessments.api.assessments import (
    AssessmentViewSet,
    CorrectiveActionViewSet,
    EvidenceViewSet,
    FindingAttachmentViewSet,
    FindingViewSet,
)
from config.api import Router

router = Router()
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("findings", FindingViewSet, basename="finding")
router.register("corrective-actions", CorrectiveActionViewSet, basename="correctiveaction")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("finding-attachments", FindingAttachmentViewSet, basename="findingattachment")
urlpatterns = router.urls
