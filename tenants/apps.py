from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    default = True
    name = "tenants"
    verbose_name = _("Enti e utenti")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from .mfa import record_enrolment

        authenticator_added.connect(record_enrolment, dispatch_uid="tenants.mfa.enrolment")


class AmbitoAdminConfig(admin_apps.AdminConfig):
    """The Django admin, signing in only through allauth (second factor included)."""

    default = False  # "tenants" alone means TenantsConfig
    default_site = "tenants.admin_site.AmbitoAdminSite"
