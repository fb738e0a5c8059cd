"""The tree menu, built from what the current user may do in the current tenant."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import permission_name


@dataclass
class MenuItem:
    label: str
    url_name: str | None = None
    capability: str | None = None
    icon: str = "it-arrow-right"
    children: list[MenuItem] = field(default_factory=list)
    url: str = ""
    active: bool = False


def _tree_for(tenant_type: str) -> list[MenuItem]:
    account = MenuItem(
        _("Il mio account"),
        icon="it-user",
        children=[
            MenuItem(_("Sicurezza e secondo fattore"), "mfa_index", icon="it-locked"),
            MenuItem(_("Cambia password"), "account_change_password", icon="it-key"),
            MenuItem(_("Esci"), "account_logout", icon="it-logout"),
        ],
    )
    if tenant_type == "public":
        return [
            MenuItem(_("I miei enti"), "home", icon="it-pa"),
            MenuItem(
                _("Piattaforma"),
                icon="it-settings",
                capability="platform_admin",
                children=[
                    MenuItem(_("Regioni, ambiti e comuni"), "platform_registry",
                             capability="platform_admin", icon="it-map-marker"),
                    MenuItem(_("Nuovo comune"), "platform_comune_new",
                             capability="platform_admin", icon="it-plus-circle"),
                    MenuItem(_("Elaborazioni"), "platform_jobs",
                             capability="platform_admin", icon="it-clock"),
                ],
            ),
            account,
        ]
    home_label = {
        "comune": _("Scrivania"),
        "zona": _("Ufficio di piano"),
        "regione": _("Osservatorio regionale"),
    }[tenant_type]
    return [
        MenuItem(home_label, "home", capability="view_home", icon="it-pa"),
        MenuItem(
            _("Ente"),
            icon="it-settings",
            children=[
                MenuItem(_("Dati dell'ente"), "ente_detail", capability="view_home",
                         icon="it-info-circle"),
                MenuItem(_("Operatori abilitati"), "ente_members", capability="manage_members",
                         icon="it-user"),
                MenuItem(_("Registro attività"), "ente_audit", capability="view_audit",
                         icon="it-list"),
            ],
        ),
        account,
    ]


def _allowed(request: HttpRequest, item: MenuItem) -> bool:
    if item.capability is None:
        return True
    if item.capability == "platform_admin":
        return bool(request.user.is_superuser)
    return request.user.has_perm(permission_name(item.capability))


def build_menu(request: HttpRequest, tenant_type: str) -> list[MenuItem]:
    def resolve(items: list[MenuItem]) -> list[MenuItem]:
        out: list[MenuItem] = []
        for item in items:
            if not _allowed(request, item):
                continue
            children = resolve(item.children)
            if item.children and not children:
                continue
            if item.url_name:
                try:
                    item.url = reverse(item.url_name)
                except NoReverseMatch:
                    continue
                item.active = request.path == item.url
            out.append(
                MenuItem(item.label, item.url_name, item.capability, item.icon, children,
                         item.url, item.active or any(c.active for c in children))
            )
        return out

    return resolve(_tree_for(tenant_type))
