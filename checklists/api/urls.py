from config.api import Router

from .checklists import ChecklistViewSet

router = Router()
router.register("checklists", ChecklistViewSet, basename="checklist")
urlpatterns = router.urls
