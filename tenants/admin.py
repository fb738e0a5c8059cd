from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Comune, Domain, Ente, Job, Membership, Regione, User, Zona


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name", "codice_fiscale"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Anagrafica", {"fields": ("first_name", "last_name", "codice_fiscale")}),
        ("Stato", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Tenants are created and moved through provisioning services (schema + rows together)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Ente)
class EnteAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "schema_name", "slug", "is_template", "is_active"]
    list_filter = ["type", "is_template", "is_active"]
    readonly_fields = ["schema_name", "type", "slug", "is_template"]


@admin.register(Regione)
class RegioneAdmin(ReadOnlyAdmin):
    list_display = ["istat_code", "name"]


@admin.register(Zona)
class ZonaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "regione", "capofila"]


@admin.register(Comune)
class ComuneAdmin(ReadOnlyAdmin):
    list_display = ["istat_code", "name", "provincia", "zona"]
    list_filter = ["zona"]
    search_fields = ["name", "istat_code"]


admin.site.register(Domain)
admin.site.register(Membership)
admin.site.register(Job)
