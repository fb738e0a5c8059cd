from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    default = True
    name = "tenants"
    verbose_name = _("Enti e utenti")
    default_auto_field = "django.db.models.BigAutoField"


class AmbitoAdminConfig(admin_apps.AdminConfig):
    """The Django admin, signing in only through allauth (second factor included)."""

    default = False  # "tenants" alone means TenantsConfig
    default_site = "tenants.admin_site.AmbitoAdminSite"
