from django.urls import path

from . import questionnaire_views, views

app_name = "portal"
urlpatterns = [
    path("portal/", views.home, name="home"),
    path("portal/corrective-actions/<int:pk>/", views.action_page, name="action"),
    path("portal/corrective-actions/<int:pk>/responses/", views.respond, name="respond"),
    path("portal/evidence/<int:pk>/download/", views.download, name="download"),
    path("portal/questionnaires/<int:pk>/", questionnaire_views.questionnaire_page, name="questionnaire"),
    path("portal/questionnaires/<int:pk>/answers/", questionnaire_views.save, name="questionnaire_save"),
    path("portal/questionnaires/<int:pk>/em/", questionnaire_views.import_em, name="questionnaire_em"),
    path(
        "portal/questionnaire-evidence/<int:pk>/download/",
        questionnaire_views.download,
        name="questionnaire_download",
    ),
    path("assessments/<int:pk>/send/", questionnaire_views.send, name="send_questionnaire"),
    path("corrective-actions/<int:pk>/share/", views.share, name="share"),
    path("vendor-responses/<int:pk>/decision/", views.decide, name="decide"),
]
