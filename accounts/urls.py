from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("account/language/", views.choose_language, name="choose_language"),
]
