from django.urls import path

from . import views_comune

urlpatterns = [
    path("", views_comune.piano_comune, name="piano_comune"),
]
