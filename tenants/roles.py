"""Roles and what each may do: the one place where roles map to permissions.

A capability is checked as a Django permission ``ambito.<capability>`` through
``tenants.backends.MembershipBackend``, against the user's membership in the tenant of the
current request (or task). Views declare the capability they need; they never test roles.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PERMISSION_PREFIX = "ambito."


class Role(models.TextChoices):
    OPERATORE_SPORTELLO = "operatore_sportello", _("Operatore di sportello")
    ASSISTENTE_SOCIALE = "assistente_sociale", _("Assistente sociale")
    EDUCATORE = "educatore", _("Educatore")
    PSICOLOGO = "psicologo", _("Psicologo")
    AMMINISTRATIVO = "amministrativo", _("Amministrativo")
    DIRIGENTE = "dirigente", _("Dirigente")
    COORDINATORE_ZONA = "coordinatore_zona", _("Coordinatore / ufficio di piano")
    OSSERVATORE_REGIONALE = "osservatore_regionale", _("Osservatore regionale")


class Capability(models.TextChoices):
    VIEW_HOME = "view_home", _("Vedere la pagina iniziale dell'ente")
    VIEW_AUDIT = "view_audit", _("Consultare il registro attività")
    VERIFY_AUDIT = "verify_audit", _("Verificare l'integrità del registro attività")
    MANAGE_MEMBERS = "manage_members", _("Gestire le abilitazioni degli operatori")
    # Case work (anagrafica, segretariato, cartella): used by the services apps.
    VIEW_ANAGRAFICA = "view_anagrafica", _("Consultare l'anagrafica")
    EDIT_ANAGRAFICA = "edit_anagrafica", _("Modificare l'anagrafica")
    IMPORT_ANAGRAFE = "import_anagrafe", _("Importare dall'anagrafe della popolazione")
    MERGE_PERSONE = "merge_persone", _("Unire schede anagrafiche duplicate")
    WRITE_SCHEDA_ACCESSO = "write_scheda_accesso", _("Registrare schede di accesso")
    VIEW_CARTELLA = "view_cartella", _("Consultare le cartelle sociali assegnate")
    MANAGE_CARTELLA = "manage_cartella", _("Aprire, aggiornare e chiudere cartelle sociali")
    WRITE_DIARIO = "write_diario", _(
        "Scrivere nel diario e caricare documenti delle cartelle su cui si è abilitati")
    VIEW_ALL_CARTELLE = "view_all_cartelle", _("Consultare tutte le cartelle sociali del comune")
    APPROVE_PAI = "approve_pai", _("Approvare PAI e chiusure")
    # Administration of money.
    MANAGE_DOMANDE = "manage_domande", _("Gestire le domande")
    PROPOSE_INTERVENTO = "propose_intervento", _("Proporre interventi")
    DECIDE_INTERVENTO = "decide_intervento", _("Decidere sugli interventi")
    MANAGE_DETERMINE = "manage_determine", _("Gestire determine e liquidazioni")
    MANAGE_SERVIZI = "manage_servizi", _("Attivare e configurare i servizi del comune")
    MANAGE_FORNITORI = "manage_fornitori", _("Gestire fornitori, contratti e fatture")
    MANAGE_TRIBUNALE = "manage_tribunale", _("Gestire i procedimenti del Tribunale per i minorenni")
    VIEW_STATISTICHE = "view_statistiche", _("Consultare le statistiche del comune e dell'ambito")
    # Zone and region.
    VIEW_ZONE_REPORTS = "view_zone_reports", _("Consultare i report dell'ambito")
    MANAGE_PIANO_ZONA = "manage_piano_zona", _("Gestire il piano di zona")
    VIEW_REGION_INDICATORS = "view_region_indicators", _("Consultare gli indicatori regionali")
    MANAGE_MODELLI_RENDICONTO = "manage_modelli_rendiconto", _(
        "Configurare i modelli di rendicontazione della regione")
    MANAGE_SERVIZI_ZONALI = "manage_servizi_zonali", _(
        "Gestire i servizi specialistici dell'ambito e rispondere agli invii dei comuni")


# Which kinds of tenant each role may be given in; any other kind is refused. The case-work
# roles also work in a zone whose ufficio di piano manages services itself (gestione
# associata): the zone's schema holds the same case-work apps as a comune's.
_ENTI_GESTORI = frozenset({"comune", "zona"})
ROLE_TENANT_TYPES: dict[str, frozenset[str]] = {
    Role.OPERATORE_SPORTELLO: _ENTI_GESTORI,
    Role.ASSISTENTE_SOCIALE: _ENTI_GESTORI,
    Role.EDUCATORE: _ENTI_GESTORI,
    Role.PSICOLOGO: _ENTI_GESTORI,
    Role.AMMINISTRATIVO: _ENTI_GESTORI,
    Role.DIRIGENTE: _ENTI_GESTORI,
    Role.COORDINATORE_ZONA: frozenset({"zona"}),
    Role.OSSERVATORE_REGIONALE: frozenset({"regione"}),
}

C = Capability
_CASE_WORK = {C.VIEW_HOME, C.VIEW_ANAGRAFICA, C.EDIT_ANAGRAFICA, C.VIEW_CARTELLA, C.WRITE_DIARIO}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OPERATORE_SPORTELLO: frozenset(
        {C.VIEW_HOME, C.VIEW_ANAGRAFICA, C.EDIT_ANAGRAFICA, C.WRITE_SCHEDA_ACCESSO}
    ),
    Role.ASSISTENTE_SOCIALE: frozenset(
        _CASE_WORK
        | {C.WRITE_SCHEDA_ACCESSO, C.MANAGE_CARTELLA, C.MANAGE_DOMANDE, C.PROPOSE_INTERVENTO,
           C.MANAGE_TRIBUNALE}
    ),
    Role.EDUCATORE: frozenset(_CASE_WORK),
    Role.PSICOLOGO: frozenset(_CASE_WORK),
    Role.AMMINISTRATIVO: frozenset(
        {C.VIEW_HOME, C.VIEW_ANAGRAFICA, C.EDIT_ANAGRAFICA, C.IMPORT_ANAGRAFE, C.MERGE_PERSONE,
         C.MANAGE_DOMANDE, C.MANAGE_DETERMINE, C.MANAGE_FORNITORI, C.VIEW_STATISTICHE}
    ),
    Role.DIRIGENTE: frozenset(
        _CASE_WORK
        | {
            C.VIEW_AUDIT,
            C.VERIFY_AUDIT,
            C.MANAGE_MEMBERS,
            C.IMPORT_ANAGRAFE,
            C.MERGE_PERSONE,
            C.MANAGE_CARTELLA,
            C.APPROVE_PAI,
            C.VIEW_ALL_CARTELLE,
            C.MANAGE_DOMANDE,
            C.DECIDE_INTERVENTO,
            C.MANAGE_DETERMINE,
            C.MANAGE_SERVIZI,
            C.MANAGE_FORNITORI,
            C.MANAGE_TRIBUNALE,
            C.VIEW_STATISTICHE,
        }
    ),
    Role.COORDINATORE_ZONA: frozenset(
        {C.VIEW_HOME, C.VIEW_AUDIT, C.MANAGE_MEMBERS, C.VIEW_ZONE_REPORTS, C.MANAGE_PIANO_ZONA,
         C.MANAGE_SERVIZI_ZONALI}
    ),
    Role.OSSERVATORE_REGIONALE: frozenset(
        {C.VIEW_HOME, C.VIEW_REGION_INDICATORS, C.MANAGE_MODELLI_RENDICONTO}
    ),
}


# Capabilities that read case files (special-category data, GDPR art. 9): whoever holds one
# of them in any ente must sign in with a second factor (TOTP). An ente may extend the
# obligation to every role it has (``Ente.mfa_obbligatoria``).
CASE_FILE_CAPABILITIES: frozenset[str] = frozenset(
    {C.VIEW_CARTELLA, C.VIEW_ALL_CARTELLE, C.MANAGE_CARTELLA, C.WRITE_DIARIO}
)


def role_requires_mfa(role: str) -> bool:
    return bool(capabilities_for(role) & CASE_FILE_CAPABILITIES)


def roles_requiring_mfa() -> list[str]:
    return [r.value for r in Role if role_requires_mfa(r.value)]


def capabilities_for(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())


def roles_for_tenant_type(tenant_type: str) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Role.choices
            if tenant_type in ROLE_TENANT_TYPES[value]]


def permission_name(capability: str) -> str:
    return f"{PERMISSION_PREFIX}{capability}"
