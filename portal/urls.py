from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("portal/", views.home, name="home"),
    path("portal/corrective-actions/<int:pk>/", views.action_page, name="action"),
    path("portal/corrective-actions/<int:pk>/responses/", views.respond, name="respond"),
    path("portal/evidence/<int:pk>/download/", views.download, name="download"),
    path("corrective-actions/<int:pk>/share/", views.share, name="share"),
    path("vendor-responses/<int:pk>/decision/", views.decide, name="decide"),
]
