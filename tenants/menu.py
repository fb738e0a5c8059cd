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
                    MenuItem(_("E-mail non inviate"), "platform_mail",
                             capability="platform_admin", icon="it-mail"),
                    MenuItem(_("Catalogo dei servizi"), "catalogo_admin",
                             capability="platform_admin", icon="it-list"),
                ],
            ),
            account,
        ]
    home_label = {
        "comune": _("Scrivania"),
        "zona": _("Ufficio di piano"),
        "regione": _("Osservatorio regionale"),
    }[tenant_type]
    services: list[MenuItem] = []
    # Case work: a comune's, and a zone's whose ufficio di piano manages services itself
    # (items whose page the tenant's urlconf lacks are dropped by build_menu).
    casework: list[MenuItem] = []
    if tenant_type in ("comune", "zona"):
        casework = [
            MenuItem(
                _("Anagrafica"),
                icon="it-user",
                children=[
                    MenuItem(_("Ricerca persone"), "anagrafica_list",
                             capability="view_anagrafica", icon="it-search"),
                    MenuItem(_("Nuova persona"), "anagrafica_new",
                             capability="edit_anagrafica", icon="it-plus-circle"),
                    MenuItem(_("Importa dall'anagrafe"), "anagrafica_import_list",
                             capability="import_anagrafe", icon="it-upload"),
                ],
            ),
            MenuItem(
                _("Segretariato sociale"),
                icon="it-comment",
                children=[
                    MenuItem(_("Schede di accesso"), "accesso_list",
                             capability="write_scheda_accesso|view_cartella", icon="it-files"),
                    MenuItem(_("Nuova scheda di accesso"), "accesso_new",
                             capability="write_scheda_accesso", icon="it-plus-circle"),
                    MenuItem(_("Risorse del territorio"), "risorse_list",
                             capability="view_anagrafica", icon="it-map-marker-circle"),
                    MenuItem(_("Sportelli"), "sportelli_list",
                             capability="view_home", icon="it-pin"),
                    MenuItem(_("Cifre del segretariato"), "segretariato_cifre",
                             capability="view_statistiche|view_zone_reports",
                             icon="it-chart-line"),
                ],
            ),
            MenuItem(
                _("Cartelle sociali"),
                icon="it-folder",
                children=[
                    MenuItem(_("Cruscotto"), "cartella_dashboard", capability="view_cartella",
                             icon="it-chart-line"),
                    MenuItem(_("Cartelle"), "cartella_list", capability="view_cartella",
                             icon="it-folder"),
                    MenuItem(_("Schede da valutare"), "cartella_schede_da_valutare",
                             capability="manage_cartella", icon="it-inbox"),
                    MenuItem(_("Verifiche PAI scadute"), "pai_overdue",
                             capability="view_cartella", icon="it-clock"),
                    MenuItem(_("Approvazioni"), "approvazioni_list", capability="approve_pai",
                             icon="it-check-circle"),
                    MenuItem(_("Trasferimenti"), "trasferimenti_list",
                             capability="manage_cartella", icon="it-exchange-circle"),
                    MenuItem(_("Invii ai servizi specialistici"), "invii_ricevuti",
                             capability="view_cartella", icon="it-inbox"),
                    MenuItem(_("Servizi specialistici"), "servizi_specialistici",
                             capability="manage_servizi", icon="it-settings"),
                ],
            ),
            MenuItem(
                _("Domande e interventi"),
                icon="it-file",
                children=[
                    MenuItem(_("Domande"), "domande_list", capability="manage_domande",
                             icon="it-files"),
                    MenuItem(_("Nuova domanda"), "domande_new", capability="manage_domande",
                             icon="it-plus-circle"),
                    MenuItem(_("Le mie domande"), "domande_coda", capability="propose_intervento",
                             icon="it-inbox"),
                    MenuItem(_("Importa dal protocollo"), "domande_import_list",
                             capability="manage_domande", icon="it-upload"),
                    MenuItem(_("Interventi"), "interventi_list",
                             capability="propose_intervento|decide_intervento|manage_determine",
                             icon="it-list"),
                    MenuItem(_("Proposte da decidere"), "interventi_da_decidere",
                             capability="decide_intervento", icon="it-check-circle"),
                    MenuItem(_("Servizi del comune") if tenant_type == "comune" else _("Servizi gestiti"),
                             "servizi_list", capability="manage_servizi",
                             icon="it-settings"),
                ],
            ),
            MenuItem(
                _("Servizi per tipo"),
                icon="it-pa",
                children=[
                    MenuItem(_("Assistenza domiciliare"), "domiciliare_list",
                             capability="manage_fornitori|propose_intervento", icon="it-horn"),
                    MenuItem(_("Ricoveri"), "ricoveri_list",
                             capability="manage_fornitori|propose_intervento", icon="it-pa"),
                    MenuItem(_("Lavori socialmente utili"), "lsu_list",
                             capability="manage_domande", icon="it-tool"),
                    MenuItem(_("Assegni maternità e nucleo"), "assegni_list",
                             capability="manage_domande", icon="it-card"),
                    MenuItem(_("Tribunale per i minorenni"), "tribunale_list",
                             capability="manage_tribunale", icon="it-mail"),
                    MenuItem(_("Calendario udienze"), "tribunale_udienze",
                             capability="manage_tribunale", icon="it-calendar"),
                ],
            ),
            MenuItem(
                _("Determine e liquidazioni"),
                icon="it-pencil",
                children=[
                    MenuItem(_("Determine"), "determine_list", capability="manage_determine",
                             icon="it-file"),
                    MenuItem(_("Atti di liquidazione"), "liquidazioni_list",
                             capability="manage_determine", icon="it-check"),
                    MenuItem(_("Impegnato e liquidato"), "determine_riepilogo",
                             capability="manage_determine", icon="it-chart-line"),
                    MenuItem(_("Fornitori e contratti"), "fornitori_list",
                             capability="manage_fornitori", icon="it-box"),
                    MenuItem(_("Fatture da verificare"), "fatture_list",
                             capability="manage_fornitori", icon="it-inbox"),
                ],
            ),
            MenuItem(_("Statistiche"), "statistiche_comune", capability="view_statistiche",
                     icon="it-chart-line"),
        ]
        # The comune's own share of its zone's plan (the zone's host has the plan itself).
        casework.append(MenuItem(_("Piano di zona"), "piano_comune",
                                 capability="manage_determine|view_statistiche",
                                 icon="it-folder"))
    if tenant_type == "zona":
        services = [
            MenuItem(
                _("Catalogo dei servizi"),
                icon="it-list",
                children=[
                    MenuItem(_("Nomenclatore e codici INPS"), "catalogo_list",
                             capability="view_zone_reports", icon="it-search"),
                    MenuItem(_("Listino dell'ambito"), "listino_list",
                             capability="view_zone_reports", icon="it-files"),
                ],
            ),
            MenuItem(_("Servizi specialistici e invii"), "richieste_zonali",
                     capability="manage_servizi_zonali|manage_cartella", icon="it-inbox"),
            MenuItem(
                _("Piano di zona"),
                icon="it-folder",
                children=[
                    MenuItem(_("Piani"), "piano_list", capability="view_zone_reports",
                             icon="it-file"),
                    MenuItem(_("Rendicontazione"), "piano_rendiconti",
                             capability="view_zone_reports", icon="it-chart-line"),
                ],
            ),
            MenuItem(
                _("Statistiche"),
                icon="it-chart-line",
                children=[
                    MenuItem(_("Spesa e utenti"), "statistiche_zona",
                             capability="view_zone_reports", icon="it-chart-line"),
                    MenuItem(_("Persone seguite da più comuni"), "statistiche_multicomune",
                             capability="view_zone_reports", icon="it-user"),
                    MenuItem(_("Liste d'attesa"), "statistiche_attesa",
                             capability="view_zone_reports", icon="it-clock"),
                    MenuItem(_("Aggiornamento dati"), "statistiche_aggiornamenti",
                             capability="view_zone_reports", icon="it-refresh"),
                ],
            ),
        ]
    services = [*services, *casework]
    if tenant_type == "regione":
        services = [
            MenuItem(_("Indicatori"), "indicatori_regione",
                     capability="view_region_indicators", icon="it-chart-line"),
            MenuItem(_("Modelli di rendicontazione"), "modelli_regione",
                     capability="manage_modelli_rendiconto", icon="it-files"),
        ]
    return [
        MenuItem(home_label, "home", capability="view_home", icon="it-pa"),
        *services,
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
                MenuItem(_("Integrità del registro"), "audit_integrity",
                         capability="verify_audit", icon="it-check-circle"),
            ],
        ),
        account,
    ]


def _allowed(request: HttpRequest, item: MenuItem) -> bool:
    if item.capability is None:
        return True
    if item.capability == "platform_admin":
        return bool(request.user.is_superuser)
    # "a|b": any of the capabilities opens the item.
    return any(request.user.has_perm(permission_name(c)) for c in item.capability.split("|"))


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
