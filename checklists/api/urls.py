from rest_framework.routers import SimpleRouter

from .checklists import ChecklistViewSet

router = SimpleRouter()
router.register("checklists", ChecklistViewSet, basename="checklist")
urlpatterns = router.urls
