"""Demo platform: one region, one zone with its capofila and three more comuni, and an
operator per role. Idempotent: a second run finds everything and changes nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from services.core.italian_data import fake_person

from ..models import Comune, Ente, User, Zona
from ..roles import Role
from .members import membership_grant, user_create
from .provisioning import comune_create, regione_create, zona_create, zona_set_capofila

DEMO_PASSWORD = "ambito-demo-2026"  # noqa: S105 - printed to the person running the demo
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


@dataclass
class DemoAccount:
    email: str
    role: str
    ente: Ente


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
    return DemoAccount(email, role, ente)


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
            summary.accounts.append(
                _account(rng, f"assistente.sociale.{comune.ente.slug}",
                         Role.ASSISTENTE_SOCIALE, comune.ente)
            )
    summary.accounts.append(
        _account(rng, "coordinatore.empolese", Role.COORDINATORE_ZONA, zona.ente)
    )
    summary.accounts.append(
        _account(rng, "osservatore.toscana", Role.OSSERVATORE_REGIONALE, regione.ente)
    )

    _fill_comuni(rng, comuni)

    admin_email = f"admin@{EMAIL_DOMAIN}"
    if not User.objects.filter(email=admin_email).exists():
        User.objects.create_superuser(admin_email, DEMO_PASSWORD, first_name="Amministratore",
                                      last_name="Piattaforma")
    summary.superuser = admin_email
    return summary


def _fill_comuni(rng: random.Random, comuni: dict[str, Comune]) -> None:
    """Case work and administration in every comune, the zone's plan, and the zone's
    statistics, through the same services the pages call."""
    from django_tenants.utils import tenant_context

    from services.home.demo import demo_comune_amministrazione, demo_comune_casework

    zona = next(iter(comuni.values())).zona
    voce = _demo_piano(zona)
    for comune in comuni.values():
        members = {m.role: m.user for m in comune.ente.memberships.select_related("user")}
        assistente = members[Role.ASSISTENTE_SOCIALE]
        sportello = members.get(Role.OPERATORE_SPORTELLO, assistente)
        with tenant_context(comune.ente):
            demo_comune_casework(ente=comune.ente, sportello=sportello, assistente=assistente,
                                 rng=rng)
            if Role.DIRIGENTE in members:
                demo_comune_amministrazione(
                    ente=comune.ente, assistente=assistente, dirigente=members[Role.DIRIGENTE],
                    amministrativo=members.get(Role.AMMINISTRATIVO, members[Role.DIRIGENTE]),
                    voce_piano=voce, rng=rng)
    from zone.statistiche.services import store_refresh_comune

    for comune in comuni.values():
        store_refresh_comune(comune=comune)


def _demo_piano(zona: Zona) -> object:
    """The zone's three-year plan with its sources and two lines; returns the line the
    comuni's determine for economic help fund."""
    from datetime import date
    from decimal import Decimal

    from services.anagrafica.services import Actor
    from zone.catalogo.models import CodicePrestazione
    from zone.piano.models import Piano
    from zone.piano.services import fonte_create, piano_create, voce_create

    anno = date.today().year
    piano = Piano.objects.filter(zona=zona).first()
    if piano is not None:
        return piano.voci.order_by("codice").first()
    coordinatore = zona.ente.memberships.select_related("user").first()
    actor = Actor(coordinatore.user if coordinatore else None, "127.0.0.1")
    piano = piano_create(actor=actor, zona=zona, titolo=f"Piano di zona {anno}-{anno + 2}",
                         anno_inizio=anno, anno_fine=anno + 2, stato=Piano.Stato.APPROVATO,
                         atto_approvazione="Delibera della conferenza dei sindaci n. 4")
    fnps = fonte_create(actor=actor, piano=piano, tipo="fnps", nome="")
    poverta = fonte_create(actor=actor, piano=piano, tipo="poverta", nome="")
    comuni = fonte_create(actor=actor, piano=piano, tipo="comuni", nome="")
    codice = CodicePrestazione.objects.filter(codice="A1.02").first()
    voce = voce_create(actor=actor, piano=piano, codice="1.1",
                       descrizione="Contributi economici a nuclei in difficoltà",
                       area_target="poverta", codice_prestazione=codice,
                       importi={poverta: Decimal("60000.00"), comuni: Decimal("40000.00")})
    voce_create(actor=actor, piano=piano, codice="2.1",
                descrizione="Assistenza domiciliare agli anziani", area_target="anziani",
                importi={fnps: Decimal("120000.00"), comuni: Decimal("30000.00")})
    return voce
