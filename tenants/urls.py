from django.urls import path

from . import views

urlpatterns = [
    path("", views.registry, name="platform_registry"),
    path("comuni/nuovo/", views.comune_new, name="platform_comune_new"),
    path("elaborazioni/", views.jobs, name="platform_jobs"),
    path("elaborazioni/<uuid:public_id>/riprendi/", views.job_resume_view, name="platform_job_resume"),
    path("posta/", views.mail, name="platform_mail"),
]
