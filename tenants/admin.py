from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from services.core.errors import AmbitoError

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

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Deleting would drop the memberships with no trail: a user leaves by being made
        # inactive (and their memberships revoked through the services).
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Tenants are created and moved through provisioning services (schema + rows together)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Ente)
class EnteAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "schema_name", "slug", "is_template", "is_active",
                    "mfa_obbligatoria"]
    list_filter = ["type", "is_template", "is_active", "mfa_obbligatoria"]
    readonly_fields = ["schema_name", "type", "slug", "is_template"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """The second-factor setting goes through its service (audited in the ente's own
        trail); the rest of the row is saved as usual."""
        from .services.mfa import ente_set_mfa_obbligatoria

        wanted = obj.mfa_obbligatoria
        if change and "mfa_obbligatoria" in form.changed_data:
            obj.mfa_obbligatoria = not wanted
            super().save_model(request, obj, form, change)
            ente_set_mfa_obbligatoria(ente=obj, obbligatoria=wanted, actor=request.user)
        else:
            super().save_model(request, obj, form, change)


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


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "ente", "role", "is_active"]

    def clean(self):  # type: ignore[no-untyped-def]
        from .services.members import membership_check

        data = super().clean()
        ente, role = data.get("ente") or getattr(self.instance, "ente", None), data.get("role")
        if ente is not None and role and data.get("is_active", True):
            try:
                membership_check(ente=ente, role=role)
            except AmbitoError as exc:
                raise ValidationError(str(exc)) from exc
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships change only through the audited services (``membership_grant``,
    ``membership_revoke``), which record them in the ente's own trail with the actor."""

    form = MembershipForm
    list_display = ["user", "ente", "role", "is_active"]
    list_filter = ["role", "is_active", "ente__type"]
    search_fields = ["user__email", "ente__name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ["user", "ente"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # revoking (is_active off) keeps the row and the history

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from .services.members import membership_grant, membership_revoke

        if obj.is_active:
            saved = membership_grant(user=obj.user, ente=obj.ente, role=obj.role,
                                     actor=request.user)
        else:
            if not Membership.objects.filter(user=obj.user, ente=obj.ente).exists():
                # Created switched off: made and closed, both in the trail.
                membership_grant(user=obj.user, ente=obj.ente, role=obj.role,
                                 actor=request.user)
            membership_revoke(user=obj.user, ente=obj.ente, actor=request.user)
            saved = Membership.objects.get(user=obj.user, ente=obj.ente)
        obj.pk, obj.public_id = saved.pk, saved.public_id
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at
        obj._state.adding = False


admin.site.register(Domain)
admin.site.register(Job)
