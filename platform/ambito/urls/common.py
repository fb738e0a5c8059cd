"""URL patterns every host serves: sign-in, second factor, language, health."""

from django.urls import include, path

from tenants import views as tenant_views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", tenant_views.healthz, name="healthz"),
    path("jobs/<uuid:public_id>/", tenant_views.job_detail, name="job_detail"),
]
