"""The outbox of the platform schema in the Django admin: what was sent, what failed and
why, and "send again". (A comune's outbox lives in its own schema; the platform's mail
page lists the failures of every schema.)"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "kind", "status", "attempts", "sent_at",
                    "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.action(description=_("Invia di nuovo le e-mail non inviate"))
    def send_again(self, request, queryset):  # type: ignore[no-untyped-def]
        from .mail import mail_requeue

        count = mail_requeue(mail_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)s e-mail rimesse in coda.") % {"n": count},
                          messages.SUCCESS)
