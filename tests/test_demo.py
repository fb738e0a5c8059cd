"""The README's demo: one region, one zone with capofila and three more comuni, an account
per role, the services the zone manages itself (gestione associata); running it again
changes nothing."""

from __future__ import annotations

from django_tenants.utils import schema_exists, tenant_context

from services.accesso.models import SchedaAccesso
from services.anagrafica.models import Indirizzo, Persona
from services.cartella.models import Cartella
from services.determine.models import Determina, Liquidazione
from services.domande.models import Domanda
from services.interventi.models import Intervento, Pagamento, Servizio
from services.pai.models import PAI
from tenants.models import Comune, Membership, User, Zona
from tenants.roles import Role
from tenants.services.demo import demo_seed
from tests.conftest import client_for
from zone.statistiche.models import FattoIntervento, FattoSpesa

UFFICIO_DI_PIANO = {
    "ufficiodipiano.assistente@demo.ambito.example": Role.ASSISTENTE_SOCIALE,
    "ufficiodipiano.amministrativo@demo.ambito.example": Role.AMMINISTRATIVO,
    "ufficiodipiano.dirigente@demo.ambito.example": Role.DIRIGENTE,
}


def _zona_content() -> tuple[int, ...]:
    return (Persona.objects.count(), Indirizzo.objects.count(), Cartella.objects.count(),
            Servizio.objects.count(), Intervento.objects.count(), Pagamento.objects.count(),
            Determina.objects.count(), Liquidazione.objects.count())


def _assert_demo_second_factor(summary) -> None:
    """The accounts that need a second factor have one with the known DEMO_TOTP_SECRET (the
    printed list marks them); the others sign in with the password."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    from tenants.roles import role_requires_mfa
    from tenants.services.demo import DEMO_TOTP_SECRET

    for account in summary.accounts:
        totps = Authenticator.objects.filter(user__email=account.email,
                                             type=Authenticator.Type.TOTP)
        assert account.totp is role_requires_mfa(account.role), account.email
        assert totps.exists() is account.totp, account.email
        if account.totp:
            assert decrypt(totps.get().data["secret"]) == DEMO_TOTP_SECRET
    admin = Authenticator.objects.get(user__email=summary.superuser)
    assert decrypt(admin.data["secret"]) == DEMO_TOTP_SECRET


def test_demo_signs_in_with_the_printed_totp_code(cast):
    from django.test import Client

    from tenants.services.demo import DEMO_PASSWORD, demo_totp_code
    from tenants.services.demo import demo_seed as seed

    seed()
    empoli = Comune.objects.get(name="Empoli").ente
    client = Client(HTTP_HOST=empoli.get_primary_domain().domain)
    first = client.post("/accounts/login/", {
        "login": "assistente.sociale.empoli@demo.ambito.example", "password": DEMO_PASSWORD})
    assert first["Location"] == "/accounts/2fa/authenticate/"
    done = client.post("/accounts/2fa/authenticate/", {"code": demo_totp_code()})
    assert done.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_seed_is_complete_and_idempotent(cast):
    summary = demo_seed()
    zona = Zona.objects.get(code="ZD-EMP")
    assert zona.capofila.name == "Empoli"
    assert zona.comuni.count() == 4
    assert all(schema_exists(c.ente.schema_name) for c in zona.comuni.all())
    roles = {a.role for a in summary.accounts}
    assert roles == set(Role.values)
    _assert_demo_second_factor(summary)

    empoli = Comune.objects.get(name="Empoli").ente
    with tenant_context(empoli):
        # 24 of the case work, 7 of the other modules (home care, placement, LSU, two
        # assegni, the mother and the minor of the proceeding).
        assert Persona.objects.count() == 31
        assert Cartella.objects.count() == 4
        assert SchedaAccesso.objects.filter(stato=SchedaAccesso.Stato.INOLTRATA).count() == 2
        assert PAI.objects.filter(stato=PAI.Stato.IN_APPROVAZIONE).exists()
        # Administration: services, applications, interventions, a determina funding the
        # zone plan, a liquidazione that reconciles with it.
        assert Servizio.objects.filter(tipo="economica").count() == 2
        assert Domanda.objects.filter(servizio__tipo="economica").count() == 5
        assert Intervento.objects.filter(stato=Intervento.Stato.PROPOSTO).count() == 1
        determina = Determina.objects.get(voce_piano__isnull=False)
        assert determina.voce_piano == zona.piani.get().voci.get(codice="1.1").public_id
        liquidazione = Liquidazione.objects.get()
        assert determina.importo_liquidato == liquidazione.importo_totale > 0
        n_interventi = Intervento.objects.count()
    # The zone sees the spending on its plan line through the reporting store.
    spesa = FattoSpesa.objects.get(gestore=empoli, voce_piano=determina.voce_piano)
    assert spesa.importo_liquidato == liquidazione.importo_totale
    assert FattoIntervento.objects.filter(gestore=empoli).count() == n_interventi
    with tenant_context(empoli):
        content = (Persona.objects.count(), Cartella.objects.count(), Intervento.objects.count())

    with tenant_context(zona.ente):
        zona_content = _zona_content()
    piano_voci = zona.piani.get().voci.count()

    counts = (User.objects.count(), Membership.objects.count(), Comune.objects.count())
    demo_seed()
    assert (User.objects.count(), Membership.objects.count(), Comune.objects.count()) == counts
    with tenant_context(empoli):
        assert (Persona.objects.count(), Cartella.objects.count(),
                Intervento.objects.count()) == content
    with tenant_context(zona.ente):
        assert _zona_content() == zona_content
    assert zona.piani.get().voci.count() == piano_voci


def test_demo_every_comune_has_its_share_of_the_plan(cast):
    """Each comune is assigned part of every line by inhabitants (no comune shows a
    negative availability because its share is zero) and pays in on the comuni's source."""
    from zone.piano.models import FonteFinanziamento, QuotaComune, Stanziamento
    from zone.piano.spesa import quota_del_comune

    demo_seed()
    zona = Zona.objects.get(code="ZD-EMP")
    piano = zona.piani.get()
    for s in Stanziamento.objects.filter(voce__piano=piano):
        quote = QuotaComune.objects.filter(voce=s.voce, fonte=s.fonte)
        assert quote.count() == 4
        assert sum(q.assegnato for q in quote) == s.importo
        assert all(q.assegnato > 0 for q in quote)
        if s.fonte.tipo == FonteFinanziamento.Tipo.COMUNI:
            assert all(q.contributo == q.assegnato for q in quote)
    for comune in zona.comuni.all():
        quota = quota_del_comune(piano, comune)
        assert quota.totale.programmato > 0
        assert quota.totale.disponibile >= 0
    before = list(QuotaComune.objects.filter(voce__piano=piano).values_list(
        "comune_id", "assegnato", "contributo", "updated_at"))
    demo_seed()
    assert list(QuotaComune.objects.filter(voce__piano=piano).values_list(
        "comune_id", "assegnato", "contributo", "updated_at")) == before


def test_demo_zone_manages_services_itself(cast):
    """Gestione associata: the ufficio di piano's team, and in the zone's own schema people
    resident in the zone's comuni, case files, services mapped to the catalogue,
    interventions with payments, a determina on the plan and a liquidazione."""
    summary = demo_seed()
    zona = Zona.objects.get(code="ZD-EMP")
    accounts = {a.email: a for a in summary.accounts}
    for email, role in UFFICIO_DI_PIANO.items():
        assert accounts[email].role == role
        assert accounts[email].ente == zona.ente
        assert Membership.objects.filter(user__email=email, ente=zona.ente, role=role).exists()
    istat = set(zona.comuni.values_list("istat_code", flat=True))
    voce = zona.piani.get().voci.get(codice="3.1")
    assert voce.area_target == "famiglia_minori"
    with tenant_context(zona.ente):
        assert 6 <= Persona.objects.count() <= 10
        residenze = Indirizzo.objects.filter(tipo=Indirizzo.Tipo.RESIDENZA, al__isnull=True)
        assert residenze.count() == Persona.objects.count()
        # Resident in the zone's comuni, every one of them.
        assert set(residenze.values_list("comune_istat", flat=True)) == istat
        assert Cartella.objects.filter(stato=Cartella.Stato.APERTA).count() == 4
        assert not Servizio.objects.filter(codice_prestazione__isnull=True).exists()
        assert set(Servizio.objects.values_list("area_target", flat=True)) == {"famiglia_minori"}
        assert Intervento.objects.filter(stato=Intervento.Stato.PROPOSTO).count() == 1
        assert Intervento.objects.filter(carattere="periodico").count() == 4
        determina = Determina.objects.get()
        assert determina.voce_piano == voce.public_id
        liquidazione = Liquidazione.objects.get()
        assert determina.importo_liquidato == liquidazione.importo_totale > 0
        pagati = Pagamento.objects.filter(stato=Pagamento.Stato.LIQUIDATO)
        assert pagati.count() == liquidazione.righe.count()
        assert Pagamento.objects.filter(stato=Pagamento.Stato.DA_LIQUIDARE).exists()
        n_interventi = Intervento.objects.count()
    # The reporting store holds the zone's own interventions, each counted for the comune
    # where the person lives: every comune of the zone has some.
    fatti = FattoIntervento.objects.filter(gestore=zona.ente)
    assert fatti.count() == n_interventi
    assert set(fatti.values_list("comune__istat_code", flat=True)) == istat
    assert FattoSpesa.objects.get(gestore=zona.ente).voce_piano == voce.public_id
    dirigente = User.objects.get(email="ufficiodipiano.dirigente@demo.ambito.example")
    response = client_for(dirigente, zona.ente).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="gestione-associata"' in page
    assert "Servizi gestiti" in page


def test_demo_codici_fiscali_are_valid(cast):
    from codicefiscale import codicefiscale

    demo_seed()
    for user in User.objects.filter(email__endswith="@demo.ambito.example", is_superuser=False):
        assert codicefiscale.is_valid(user.codice_fiscale), user.email
    with tenant_context(Zona.objects.get(code="ZD-EMP").ente):
        for cf in Persona.objects.values_list("codice_fiscale", flat=True):
            assert codicefiscale.is_valid(cf), cf


def _moduli() -> dict[str, int]:
    """What each module's pages show in the current comune, one count per page."""
    from django.utils import timezone

    from services.accesso.models import Risorsa
    from services.assegni.models import Assegno
    from services.domiciliare.models import OreLavorate, PianoDomiciliare
    from services.fornitori.models import Contratto, Fattura, Fornitore
    from services.invii.models import Invio
    from services.lsu.models import Compenso, Dichiarazione, Progetto
    from services.lsu.models import Contratto as ContrattoLsu
    from services.pai.models import VerificaPAI
    from services.ricoveri.models import Presenza, Ricovero, Struttura
    from services.tribunale.models import Convocato, OperatoreProcedimento, Procedimento, Udienza

    fatture = Fattura.objects.values_list("stato", flat=True)
    return {
        "schede di accesso": SchedaAccesso.objects.count(),
        "risorse del territorio": Risorsa.objects.count(),
        "persone": Persona.objects.count(),
        "cartelle": Cartella.objects.count(),
        "PAI": PAI.objects.count(),
        "verifiche PAI da fare": VerificaPAI.objects.filter(
            data_effettuata__isnull=True, data_prevista__lte=timezone.localdate()).count(),
        "servizi": Servizio.objects.count(),
        "domande": Domanda.objects.count(),
        "interventi": Intervento.objects.count(),
        "determine": Determina.objects.count(),
        "liquidazioni": Liquidazione.objects.count(),
        "fornitori": Fornitore.objects.count(),
        "contratti": Contratto.objects.count(),
        "fatture verificate": sum(s == Fattura.Stato.VERIFICATA for s in fatture),
        "fatture da controllare": sum(s == Fattura.Stato.CON_DISCREPANZE for s in fatture),
        "piani domiciliari": PianoDomiciliare.objects.count(),
        "ore lavorate": OreLavorate.objects.count(),
        "strutture": Struttura.objects.count(),
        "ricoveri": Ricovero.objects.count(),
        "presenze": Presenza.objects.count(),
        "progetti LSU": Progetto.objects.count(),
        "dichiarazioni LSU": Dichiarazione.objects.count(),
        "contratti LSU": ContrattoLsu.objects.count(),
        "compensi LSU": Compenso.objects.count(),
        "assegni di maternità": Assegno.objects.filter(tipo=Assegno.Tipo.MATERNITA).count(),
        "assegni al nucleo": Assegno.objects.filter(tipo=Assegno.Tipo.NUCLEO).count(),
        "procedimenti": Procedimento.objects.count(),
        "operatori dei procedimenti": OperatoreProcedimento.objects.count(),
        "udienze future": Udienza.objects.filter(inizio__gt=timezone.now()).count(),
        "convocati": Convocato.objects.count(),
        "invii": Invio.objects.count(),
    }


def test_demo_every_module_has_content_in_every_comune(cast):
    """Every comune has a dirigente and an administrative officer, and every module's pages
    have something to show in every comune; the cases handed between comuni are both
    accepted and waiting; a second run changes nothing."""
    from services.trasferimenti.models import Trasferimento

    summary = demo_seed()
    zona = Zona.objects.get(code="ZD-EMP")
    comuni = list(zona.comuni.select_related("ente").order_by("istat_code"))
    prima = {}
    for comune in comuni:
        roles = {a.role for a in summary.accounts if a.ente == comune.ente}
        assert {Role.ASSISTENTE_SOCIALE, Role.DIRIGENTE, Role.AMMINISTRATIVO} <= roles
        with tenant_context(comune.ente):
            prima[comune.name] = _moduli()
        vuoti = [m for m, n in prima[comune.name].items() if n == 0]
        assert vuoti == [], f"{comune.name}: {vuoti}"
        mandati = Trasferimento.objects.filter(mittente=comune.ente)
        ricevuti = Trasferimento.objects.filter(destinatario=comune.ente)
        assert mandati.count() == ricevuti.count() == 1, comune.name
    stati = Trasferimento.objects.filter(mittente__comune__zona=zona).values_list("stato",
                                                                                  flat=True)
    assert sorted(stati) == sorted([Trasferimento.Stato.ACCETTATO] * 2
                                   + [Trasferimento.Stato.RICHIESTO] * 2)

    demo_seed()
    for comune in comuni:
        with tenant_context(comune.ente):
            assert _moduli() == prima[comune.name], comune.name
    assert Trasferimento.objects.filter(mittente__comune__zona=zona).count() == 4


# Module pages of a comune and a piece of the demo's content each must show.
PAGINE_DEMO = {
    "/accesso/risorse/": "Emporio solidale di Vinci",
    "/fornitori/": "Cooperativa sociale Il Girasole",
    "/fornitori/fatture/": "50/SAD-2",
    "/ricoveri/": "RSA San Martino",
    "/lsu/progetti/": "Cura del verde pubblico",
    "/tribunale/udienze/": "via della Scala",
}


def test_demo_module_pages_show_content_to_the_comune_staff(cast):
    """Vinci, which had no dirigente and no services before: its staff open the module
    pages and find the demo's content there."""
    demo_seed()
    vinci = Comune.objects.get(name="Vinci").ente
    staff = [User.objects.get(email=f"{local}.vinci@demo.ambito.example")
             for local in ("dirigente", "amministrativo", "assistente.sociale")]
    clients = [client_for(user, vinci) for user in staff]
    from datetime import timedelta

    from django.utils import timezone

    # Vinci's proceeding: R.G. number from its ISTAT code, year of the decree.
    pagine_demo = {**PAGINE_DEMO,
                   "/tribunale/": f"50/{(timezone.localdate() - timedelta(days=40)).year}"}
    for url, testo in pagine_demo.items():
        pagine = [c.get(url) for c in clients]
        assert any(r.status_code == 200 and testo in r.content.decode() for r in pagine), url
