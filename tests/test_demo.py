"""The README's demo: one region, one zone with capofila and three more comuni, an account
per role; running it again changes nothing."""

from __future__ import annotations

from django_tenants.utils import schema_exists, tenant_context

from services.accesso.models import SchedaAccesso
from services.anagrafica.models import Persona
from services.cartella.models import Cartella
from services.determine.models import Determina, Liquidazione
from services.domande.models import Domanda
from services.interventi.models import Intervento, Servizio
from services.pai.models import PAI
from tenants.models import Comune, Membership, User, Zona
from tenants.roles import Role
from tenants.services.demo import demo_seed
from zone.statistiche.models import FattoIntervento, FattoSpesa


def test_demo_seed_is_complete_and_idempotent(cast):
    summary = demo_seed()
    zona = Zona.objects.get(code="ZD-EMP")
    assert zona.capofila.name == "Empoli"
    assert zona.comuni.count() == 4
    assert all(schema_exists(c.ente.schema_name) for c in zona.comuni.all())
    roles = {a.role for a in summary.accounts}
    assert roles == set(Role.values)

    empoli = Comune.objects.get(name="Empoli").ente
    with tenant_context(empoli):
        assert Persona.objects.count() == 24
        assert Cartella.objects.count() == 4
        assert SchedaAccesso.objects.filter(stato=SchedaAccesso.Stato.INOLTRATA).count() == 2
        assert PAI.objects.filter(stato=PAI.Stato.IN_APPROVAZIONE).exists()
        # Administration: services, applications, interventions, a determina funding the
        # zone plan, a liquidazione that reconciles with it.
        assert Servizio.objects.count() == 2
        assert Domanda.objects.count() == 5
        assert Intervento.objects.filter(stato=Intervento.Stato.PROPOSTO).count() == 1
        determina = Determina.objects.get()
        assert determina.voce_piano == zona.piani.get().voci.get(codice="1.1").public_id
        liquidazione = Liquidazione.objects.get()
        assert determina.importo_liquidato == liquidazione.importo_totale > 0
    # The zone sees the spending on its plan line through the reporting store.
    spesa = FattoSpesa.objects.get(comune__name="Empoli")
    assert spesa.importo_liquidato == liquidazione.importo_totale
    assert FattoIntervento.objects.filter(comune__zona=zona).count() == 4
    with tenant_context(empoli):
        content = (Persona.objects.count(), Cartella.objects.count(), Intervento.objects.count())

    counts = (User.objects.count(), Membership.objects.count(), Comune.objects.count())
    demo_seed()
    assert (User.objects.count(), Membership.objects.count(), Comune.objects.count()) == counts
    with tenant_context(empoli):
        assert (Persona.objects.count(), Cartella.objects.count(),
                Intervento.objects.count()) == content


def test_demo_codici_fiscali_are_valid(cast):
    from codicefiscale import codicefiscale

    demo_seed()
    for user in User.objects.filter(email__endswith="@demo.ambito.example", is_superuser=False):
        assert codicefiscale.is_valid(user.codice_fiscale), user.email
