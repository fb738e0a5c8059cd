"""Running one protocol import. The batches, progress, resume and failure are the shared
import run (services/core/importjob.py); what is the protocol's is here: each row becomes an
application through the service functions, adding the applicant to the registry when the
row names them. A second run of the same file finds every protocol already registered and
changes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, persona_create
from services.core.codice_fiscale import _decode
from services.core.errors import ValidationFailed
from services.core.importjob import ImportRun
from services.core.text import fold
from services.domande.models import Domanda, ImportProtocollo, RigaScartataProtocollo
from services.domande.selectors import assegni_da_completare
from services.domande.services import Dsu, domanda_create
from services.interventi.models import Servizio

from .tracciato import RigaProtocollo, Scarto, leggi

LOTTO = 200


@dataclass
class Contesto:
    actor: Actor
    importazione_id: int
    servizi: dict[str, Servizio] = field(default_factory=dict)  # by folded name and by code

    @classmethod
    def carica(cls, *, actor: Actor, importazione_id: int) -> Contesto:
        ctx = cls(actor=actor, importazione_id=importazione_id)
        codici: Counter[str] = Counter()
        servizi = list(Servizio.objects.select_related("codice_prestazione"))
        for s in servizi:
            if s.codice_prestazione is not None:
                codici[s.codice_prestazione.codice.upper()] += 1
        for s in servizi:
            ctx.servizi[fold(s.nome)] = s
            if s.codice_prestazione is not None:
                codice = s.codice_prestazione.codice.upper()
                if codici[codice] == 1:
                    ctx.servizi.setdefault(codice, s)
        return ctx


def _servizio(ctx: Contesto, nome: str) -> Servizio:
    servizio = ctx.servizi.get(nome.strip().upper()) or ctx.servizi.get(fold(nome))
    if servizio is None:
        raise ValidationFailed(_("Il servizio «%(s)s» non esiste tra i servizi del comune.")
                               % {"s": nome}, field="servizio")
    return servizio


def _persona(ctx: Contesto, riga: RigaProtocollo) -> tuple[Persona, bool]:
    """The applicant, and whether the row added them to the registry."""
    persona = Persona.objects.filter(codice_fiscale=riga.codice_fiscale,
                                     unita_in__isnull=True).first()
    if persona is not None:
        return persona, False
    if not (riga.cognome and riga.nome):
        raise ValidationFailed(
            _("Persona non presente in anagrafica (codice fiscale %(cf)s): registrala, oppure "
              "indica cognome e nome nel file per aggiungerla.") % {"cf": riga.codice_fiscale},
            field="codice_fiscale")
    decodificato = _decode(riga.codice_fiscale)
    persona = persona_create(
        actor=ctx.actor, cognome=riga.cognome, nome=riga.nome, sesso=decodificato["gender"],
        data_nascita=decodificato["birthdate"].date(), codice_fiscale=riga.codice_fiscale,
    )
    return persona, True


def applica_riga(ctx: Contesto, riga: RigaProtocollo) -> Mapping[str, int]:
    """What the row adds to the job's counters (an application created, or one already
    there), or an AmbitoError whose message is why the row is rejected."""
    esistente = (Domanda.objects.select_related("persona")
                 .filter(numero_protocollo=riga.numero_protocollo,
                         data_protocollo=riga.data_protocollo).first())
    if esistente is not None:
        if esistente.persona.codice_fiscale == riga.codice_fiscale:
            return {"invariate": 1}
        raise ValidationFailed(
            _("Il protocollo n. %(n)s del %(d)s è già registrato per un'altra persona (%(who)s).")
            % {"n": riga.numero_protocollo, "d": riga.data_protocollo.strftime("%d/%m/%Y"),
               "who": esistente.persona.nome_completo}, field="numero_protocollo")
    servizio = _servizio(ctx, riga.servizio)
    persona, nuova = _persona(ctx, riga)
    domanda_create(
        actor=ctx.actor, persona=persona, servizio=servizio,
        numero_protocollo=riga.numero_protocollo, data_protocollo=riga.data_protocollo,
        dsu=Dsu(protocollo=riga.dsu_protocollo, anno=riga.dsu_anno, data=riga.dsu_data,
                isee_valore=riga.isee_valore, isee_tipo=riga.isee_tipo),
        importo_richiesto=riga.importo_richiesto, oggetto=riga.oggetto,
        origine=Domanda.Origine.PROTOCOLLO, importazione_id=ctx.importazione_id,
    )
    return {"create": 1, "persone_create": int(nuova)}


class ImportProtocolloRun(ImportRun[ImportProtocollo]):
    model = ImportProtocollo
    riga_scartata = RigaScartataProtocollo
    azione = "protocollo"
    contatori = ("create", "invariate", "scartate", "persone_create")
    scartate = "scartate"

    def leggi(self, contenuto: bytes) -> list[RigaProtocollo | Scarto]:
        return leggi(contenuto)

    def prepara(self) -> None:
        self.ctx = Contesto.carica(actor=self.actor, importazione_id=self.job.pk)

    def applica(self, riga: RigaProtocollo) -> Mapping[str, int]:
        # A rejected row's savepoint takes away the person it added: so do its counts.
        return applica_riga(self.ctx, riga)

    def messaggio_completata(self, job: ImportProtocollo) -> str:
        messaggio = _(
            "Importazione completata: %(righe)s righe, %(c)s domande registrate, %(i)s già "
            "presenti, %(s)s righe scartate; %(p)s persone aggiunte all'anagrafica."
        ) % {"righe": job.righe_totali, "c": job.create, "i": job.invariate, "s": job.scartate,
             "p": job.persone_create}
        da_completare = assegni_da_completare(job)
        if da_completare:
            messaggio += " " + ngettext(
                "%(n)s domanda di assegno (maternità o nucleo familiare) va completata con i "
                "dati dell'assegno, dall'elenco degli assegni.",
                "%(n)s domande di assegno (maternità o nucleo familiare) vanno completate con i "
                "dati dell'assegno, dall'elenco degli assegni.", da_completare) % {"n": da_completare}
        return messaggio


def protocollo_import_run(import_id: int) -> ImportProtocollo:
    """Run (or resume) an import. A finished one is left as it is."""
    return ImportProtocolloRun.esegui(import_id, lotto=LOTTO)


def import_segna_fallito(*, import_id: int, messaggio: str) -> ImportProtocollo:
    """An unexpected error stopped the import for good (the task gave up retrying)."""
    return ImportProtocolloRun.segna_fallito(import_id, messaggio)
