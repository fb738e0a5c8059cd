"""Demo platform: one region, one zone with its capofila and three more comuni, an
operator per role, and the ufficio di piano's own team for the services the zone manages
itself (gestione associata). Idempotent: a second run finds everything and changes
nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from services.core.italian_data import fake_person

from ..models import Comune, Ente, User, Zona
from ..roles import Role
from .members import membership_grant, user_create
from .mfa import totp_enrol, user_must_use_mfa
from .provisioning import comune_create, regione_create, zona_create, zona_set_capofila

DEMO_PASSWORD = "ambito-demo-2026"  # noqa: S105 - printed to the person running the demo
# The second factor of every demo account that needs one (the roles that read case files,
# the platform administrator): one known base32 TOTP secret, printed with the accounts.
# Add it to an authenticator app as a key entered by hand (time-based, 6 digits, 30 s), or
# compute the code: ``python manage.py demo_totp`` (``demo_totp_code()``), or
# ``oathtool --totp -b <secret>``. Another engineer's crawl of the demo computes codes
# from it: keep the name.
DEMO_TOTP_SECRET = "AMBITODEMOSECRETTOTPAMBITODEMO23"  # noqa: S105 - demo only, printed
EMAIL_DOMAIN = "demo.ambito.example"

REGIONE = {"istat_code": "09", "name": "Toscana", "slug": "toscana"}
ZONA = {"code": "ZD-EMP", "name": "Zona Empolese Valdarno Inferiore", "slug": "empolese"}
COMUNI = [
    # istat, name, belfiore, provincia, inhabitants, slug
    ("048014", "Empoli", "D403", "FI", 48_580, "empoli"),
    ("048050", "Vinci", "M059", "FI", 14_590, "vinci"),
    ("048011", "Cerreto Guidi", "C529", "FI", 10_690, "cerreto-guidi"),
    ("048028", "Montelupo Fiorentino", "F551", "FI", 14_390, "montelupo"),
]
CAPOFILA = "048014"
COMUNE_ROLES = [
    Role.OPERATORE_SPORTELLO, Role.ASSISTENTE_SOCIALE, Role.EDUCATORE, Role.PSICOLOGO,
    Role.AMMINISTRATIVO, Role.DIRIGENTE,
]
# The other comuni: a social worker, and the dirigente and the administrative officer who
# run the comune's services, acts and payments.
ALTRI_COMUNI_ROLES = [Role.ASSISTENTE_SOCIALE, Role.AMMINISTRATIVO, Role.DIRIGENTE]
# The ufficio di piano's team for the services the zone manages itself for all its comuni:
# role and local part of the email.
UFFICIO_DI_PIANO = [
    (Role.ASSISTENTE_SOCIALE, "ufficiodipiano.assistente"),
    (Role.AMMINISTRATIVO, "ufficiodipiano.amministrativo"),
    (Role.DIRIGENTE, "ufficiodipiano.dirigente"),
]


@dataclass
class DemoAccount:
    email: str
    role: str
    ente: Ente
    totp: bool = False


@dataclass
class DemoSummary:
    accounts: list[DemoAccount] = field(default_factory=list)
    superuser: str = ""


def _account(rng: random.Random, local: str, role: str, ente: Ente) -> DemoAccount:
    email = f"{local}@{EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        person = fake_person(rng, min_age=25, max_age=64)
        user = user_create(
            email=email, first_name=person.first_name, last_name=person.last_name,
            password=DEMO_PASSWORD, codice_fiscale=person.codice_fiscale,
        )
    membership_grant(user=user, ente=ente, role=role)
    return DemoAccount(email, role, ente, totp=_demo_totp(user))


def demo_totp_code(*, at: float | None = None) -> str:
    """The code an authenticator app with ``DEMO_TOTP_SECRET`` shows at ``at`` (now)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def _demo_totp(user: User) -> bool:
    """A TOTP authenticator with ``DEMO_TOTP_SECRET`` for a demo account that must have
    one; True if the account signs in with it."""
    if not user_must_use_mfa(user):
        return False
    totp_enrol(user=user, secret=DEMO_TOTP_SECRET)
    return True


def demo_seed() -> DemoSummary:
    rng = random.Random(2026)  # noqa: S311 - stable demo data
    summary = DemoSummary()
    regione = regione_create(**REGIONE).obj
    zona = zona_create(regione_istat=regione.istat_code, **ZONA).obj
    comuni: dict[str, Comune] = {}
    for istat, name, belfiore, prov, inhabitants, slug in COMUNI:
        comuni[istat] = comune_create(
            istat_code=istat, name=name, zona_code=zona.code, slug=slug,
            belfiore_code=belfiore, provincia=prov, population=inhabitants,
        ).obj
    zona_set_capofila(zona_code=zona.code, comune_istat=CAPOFILA)

    capofila = comuni[CAPOFILA]
    for role in COMUNE_ROLES:
        local = f"{role.value.replace('_', '.')}.{capofila.ente.slug}"
        summary.accounts.append(_account(rng, local, role, capofila.ente))
    for istat, comune in comuni.items():
        if istat != CAPOFILA:
            for role in ALTRI_COMUNI_ROLES:
                local = f"{role.value.replace('_', '.')}.{comune.ente.slug}"
                summary.accounts.append(_account(rng, local, role, comune.ente))
    summary.accounts.append(
        _account(rng, "coordinatore.empolese", Role.COORDINATORE_ZONA, zona.ente)
    )
    # The zone's own generator, so the comuni's content stays what it was before the zone
    # managed services itself.
    zona_rng = random.Random(2027)  # noqa: S311 - stable demo data
    for role, local in UFFICIO_DI_PIANO:
        summary.accounts.append(_account(zona_rng, local, role, zona.ente))
    summary.accounts.append(
        _account(rng, "osservatore.toscana", Role.OSSERVATORE_REGIONALE, regione.ente)
    )

    _fill_comuni(rng, comuni, zona_rng=zona_rng)

    admin_email = f"admin@{EMAIL_DOMAIN}"
    admin = User.objects.filter(email=admin_email).first()
    if admin is None:
        admin = User.objects.create_superuser(admin_email, DEMO_PASSWORD,
                                              first_name="Amministratore",
                                              last_name="Piattaforma")
    _demo_totp(admin)
    summary.superuser = admin_email
    return summary


def _fill_comuni(rng: random.Random, comuni: dict[str, Comune], *,
                 zona_rng: random.Random) -> None:
    """Case work and administration in every comune and in the zone (the services it
    manages itself), the zone's plan, and the zone's statistics, through the same services
    the pages call."""
    from django_tenants.utils import tenant_context

    from services.home.demo import demo_comune_amministrazione, demo_comune_casework
    from services.home.demo_moduli import Squadra, demo_comune_moduli, demo_trasferimenti

    zona = next(iter(comuni.values())).zona
    voci = _demo_piano(zona)
    voce = voci.get("1.1")
    assistenti: dict[int, User] = {}
    for comune in comuni.values():
        members = {m.role: m.user for m in comune.ente.memberships.select_related("user")}
        assistente = members[Role.ASSISTENTE_SOCIALE]
        assistenti[comune.ente.pk] = assistente
        sportello = members.get(Role.OPERATORE_SPORTELLO, assistente)
        with tenant_context(comune.ente):
            demo_comune_casework(ente=comune.ente, sportello=sportello, assistente=assistente,
                                 rng=rng)
            if Role.DIRIGENTE in members:
                dirigente = members[Role.DIRIGENTE]
                amministrativo = members.get(Role.AMMINISTRATIVO, dirigente)
                demo_comune_amministrazione(
                    ente=comune.ente, assistente=assistente, dirigente=dirigente,
                    amministrativo=amministrativo, voce_piano=voce, rng=rng)
                # The other modules from a generator of their own per comune, so adding one
                # leaves the people of the case work as they were.
                equipe = [members[r] for r in (Role.EDUCATORE, Role.PSICOLOGO) if r in members]
                demo_comune_moduli(
                    ente=comune.ente,
                    squadra=Squadra(assistente=assistente, dirigente=dirigente,
                                    amministrativo=amministrativo,
                                    equipe=equipe or [dirigente]),
                    rng=random.Random(f"moduli-{comune.istat_code}"))  # noqa: S311
    demo_trasferimenti(comuni=list(comuni.values()), assistenti=assistenti)
    _fill_zona(zona_rng, zona, comuni, voce_piano=voci.get(VOCE_GESTIONE_ASSOCIATA))
    from zone.statistiche.services import enti_della_zona, store_refresh_ente

    # The comuni's schemas and the zone's own (its services in gestione associata).
    for ente in enti_della_zona(zona.pk):
        store_refresh_ente(ente=ente)


def _fill_zona(rng: random.Random, zona: Zona, comuni: dict[str, Comune], *,
               voce_piano: object | None) -> None:
    """The services the ufficio di piano manages itself for all its comuni, in the zone's
    own schema: people resident in the comuni, case files, interventions with their
    payments, a determina on the plan's line and a liquidazione."""
    from django_tenants.utils import tenant_context

    from services.home.demo import Luogo, demo_zona_amministrazione, demo_zona_casework

    members = {m.role: m.user for m in zona.ente.memberships.select_related("user")}
    if any(role not in members for role, _local in UFFICIO_DI_PIANO):
        return
    residenze = [Luogo(c.name, c.istat_code, c.provincia) for c in comuni.values()]
    with tenant_context(zona.ente):
        demo_zona_casework(assistente=members[Role.ASSISTENTE_SOCIALE], residenze=residenze,
                           rng=rng)
        demo_zona_amministrazione(
            assistente=members[Role.ASSISTENTE_SOCIALE], dirigente=members[Role.DIRIGENTE],
            amministrativo=members[Role.AMMINISTRATIVO], voce_piano=voce_piano)


# The zone's three-year plan: code, description, target area, INPS code (none for a line
# spanning services of different codes), what each source (by type) puts on the line. The
# comuni's determine for economic help fund 1.1; the zone's own determina for the services
# it manages itself funds 3.1.
VOCE_GESTIONE_ASSOCIATA = "3.1"
PIANO_VOCI = [
    ("1.1", "Contributi economici a nuclei in difficoltà", "poverta", "A1.02",
     {"poverta": "60000.00", "comuni": "40000.00"}),
    ("2.1", "Assistenza domiciliare agli anziani", "anziani", None,
     {"fnps": "120000.00", "comuni": "30000.00"}),
    (VOCE_GESTIONE_ASSOCIATA,
     "Affidi familiari ed educativa domiciliare per i minori (gestione associata)",
     "famiglia_minori", None, {"fnps": "35000.00", "comuni": "15000.00"}),
]


def _demo_piano(zona: Zona) -> dict[str, object]:
    """The zone's three-year plan with its sources and lines; returns the lines by code.
    A line missing from a plan an earlier demo created is added, unless the plan is
    closed."""
    from datetime import date
    from decimal import Decimal

    from services.anagrafica.services import Actor
    from zone.catalogo.models import CodicePrestazione
    from zone.piano.models import Piano
    from zone.piano.services import fonte_create, piano_create, voce_create

    anno = date.today().year
    coordinatore = zona.ente.memberships.filter(role=Role.COORDINATORE_ZONA).select_related(
        "user").first()
    actor = Actor(coordinatore.user if coordinatore else None, "127.0.0.1")
    piano = Piano.objects.filter(zona=zona).first()
    if piano is None:
        piano = piano_create(actor=actor, zona=zona, titolo=f"Piano di zona {anno}-{anno + 2}",
                             anno_inizio=anno, anno_fine=anno + 2, stato=Piano.Stato.APPROVATO,
                             atto_approvazione="Delibera della conferenza dei sindaci n. 4")
        for tipo in ("fnps", "poverta", "comuni"):
            fonte_create(actor=actor, piano=piano, tipo=tipo, nome="")
    fonti = {f.tipo: f for f in piano.fonti.all()}
    voci: dict[str, object] = {v.codice: v for v in piano.voci.all()}
    for codice, descrizione, area, prestazione, importi in PIANO_VOCI:
        if codice in voci or piano.stato == Piano.Stato.CHIUSO:
            continue
        voci[codice] = voce_create(
            actor=actor, piano=piano, codice=codice, descrizione=descrizione, area_target=area,
            codice_prestazione=CodicePrestazione.objects.filter(codice=prestazione).first()
            if prestazione else None,
            importi={fonti[tipo]: Decimal(importo) for tipo, importo in importi.items()
                     if tipo in fonti})
    if piano.stato != Piano.Stato.CHIUSO:
        _demo_quote(actor, piano, zona)
    return voci


def _demo_quote(actor: Any, piano: Any, zona: Zona) -> None:
    """Each comune's share of every line, by inhabitants: what it is assigned of each
    source and, on the comuni's own source, what it pays in. Setting a share again with the
    same figures changes nothing, so a second demo run leaves the plan as it is."""
    from decimal import ROUND_DOWN, Decimal

    from zone.piano.models import FonteFinanziamento, Stanziamento
    from zone.piano.services import quota_set

    comuni = list(zona.comuni.order_by("istat_code"))
    abitanti = sum(c.population or 0 for c in comuni) or 1
    cent = Decimal("0.01")
    for s in Stanziamento.objects.filter(voce__piano=piano).select_related("voce", "fonte"):
        quote = [(s.importo * (c.population or 0) / abitanti).quantize(cent, rounding=ROUND_DOWN)
                 for c in comuni]
        quote[0] += s.importo - sum(quote)  # the cents left over go to the first comune
        for comune, quota in zip(comuni, quote, strict=True):
            versa = quota if s.fonte.tipo == FonteFinanziamento.Tipo.COMUNI else Decimal("0")
            quota_set(actor=actor, voce=s.voce, fonte=s.fonte, comune=comune,
                      contributo=versa, assegnato=quota)
