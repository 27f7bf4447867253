from assessments.api.assessment_views import (
    AssessmentViewSet, CorrectiveActionViewSet, EvidenceViewSet, FindingViewSet,
)
from assessments.api.views import ChecklistViewSet
from config.api import Router

router = Router()
router.register("checklists", ChecklistViewSet, basename="checklist")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("findings", FindingViewSet, basename="finding")
router.register("corrective-actions", CorrectiveActionViewSet, basename="correctiveaction")
router.register("evidence", EvidenceViewSet, basename="evidence")
urlpatterns = router.urls
