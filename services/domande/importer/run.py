"""Running one import: the rows in batches, each batch one transaction that also moves the
job's counters and progress (the page polls them); each row in its own savepoint, so a bad
row is rolled back and recorded with its reason while the others go on. A crashed import
resumes after its last committed batch; a second run of the same file finds every protocol
already registered and changes nothing."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, persona_create
from services.core.audit import audit_log
from services.core.codice_fiscale import _decode
from services.core.errors import AmbitoError, ValidationFailed
from services.core.text import fold
from services.domande.models import Domanda, ImportProtocollo, RigaScartataProtocollo
from services.domande.services import Dsu, domanda_create
from services.interventi.models import Servizio

from .tracciato import RigaProtocollo, Scarto, leggi

log = logging.getLogger(__name__)

LOTTO = 200
CREATA, INVARIATA, SCARTATA = "creata", "invariata", "scartata"


@dataclass
class Contesto:
    actor: Actor
    importazione_id: int
    servizi: dict[str, Servizio] = field(default_factory=dict)  # by folded name and by code
    persone_create: int = 0

    @classmethod
    def carica(cls, job: ImportProtocollo) -> Contesto:
        user = get_user_model().objects.filter(pk=job.caricato_da_id).first()
        ctx = cls(actor=Actor(user=user, ip_address=job.ip_address), importazione_id=job.pk)
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


def _persona(ctx: Contesto, riga: RigaProtocollo) -> Persona:
    persona = Persona.objects.filter(codice_fiscale=riga.codice_fiscale,
                                     unita_in__isnull=True).first()
    if persona is not None:
        return persona
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
    ctx.persone_create += 1
    return persona


def applica_riga(ctx: Contesto, riga: RigaProtocollo) -> str:
    """CREATA or INVARIATA, or an AmbitoError whose message is why the row is rejected."""
    esistente = (Domanda.objects.select_related("persona")
                 .filter(numero_protocollo=riga.numero_protocollo,
                         data_protocollo=riga.data_protocollo).first())
    if esistente is not None:
        if esistente.persona.codice_fiscale == riga.codice_fiscale:
            return INVARIATA
        raise ValidationFailed(
            _("Il protocollo n. %(n)s del %(d)s è già registrato per un'altra persona (%(who)s).")
            % {"n": riga.numero_protocollo, "d": riga.data_protocollo.strftime("%d/%m/%Y"),
               "who": esistente.persona.nome_completo}, field="numero_protocollo")
    servizio = _servizio(ctx, riga.servizio)
    persona = _persona(ctx, riga)
    domanda_create(
        actor=ctx.actor, persona=persona, servizio=servizio,
        numero_protocollo=riga.numero_protocollo, data_protocollo=riga.data_protocollo,
        dsu=Dsu(protocollo=riga.dsu_protocollo, anno=riga.dsu_anno, data=riga.dsu_data,
                isee_valore=riga.isee_valore, isee_tipo=riga.isee_tipo),
        importo_richiesto=riga.importo_richiesto, oggetto=riga.oggetto,
        origine=Domanda.Origine.PROTOCOLLO, importazione_id=ctx.importazione_id,
    )
    return CREATA


def protocollo_import_run(import_id: int) -> ImportProtocollo:
    """Run (or resume) an import. A finished one is left as it is."""
    job = ImportProtocollo.objects.get(pk=import_id)
    if job.is_finished:
        return job
    try:
        righe = leggi(_contenuto(job))
    except ValidationFailed as exc:
        return _fallita(job, str(exc))
    ctx = Contesto.carica(job)
    ImportProtocollo.objects.filter(pk=job.pk).update(
        stato=ImportProtocollo.Stato.RUNNING, righe_totali=len(righe), messaggio="",
        avviata_il=Coalesce(F("avviata_il"), timezone.now()), updated_at=timezone.now())
    for inizio in range(job.righe_elaborate, len(righe), LOTTO):
        with transaction.atomic():
            corrente = ImportProtocollo.objects.select_for_update().get(pk=job.pk)
            if corrente.is_finished or corrente.righe_elaborate != inizio:
                return corrente  # another worker got here first and carries on
            lotto = righe[inizio:inizio + LOTTO]
            ctx.persone_create = 0
            conti = _elabora_lotto(ctx, corrente, lotto)
            fatte = inizio + len(lotto)
            ImportProtocollo.objects.filter(pk=job.pk).update(
                righe_elaborate=fatte, create=F("create") + conti[CREATA],
                invariate=F("invariate") + conti[INVARIATA],
                scartate=F("scartate") + conti[SCARTATA],
                persone_create=F("persone_create") + ctx.persone_create,
                avanzamento=min(99, fatte * 100 // len(righe)), updated_at=timezone.now())
    return _completata(job, ctx)


def _elabora_lotto(ctx: Contesto, job: ImportProtocollo,
                   lotto: list[RigaProtocollo | Scarto]) -> Counter[str]:
    conti: Counter[str] = Counter()
    scarti: list[RigaScartataProtocollo] = []
    for riga in lotto:
        if isinstance(riga, Scarto):
            motivo = riga.motivo
        else:
            persone_prima = ctx.persone_create
            try:
                with transaction.atomic():
                    conti[applica_riga(ctx, riga)] += 1
                continue
            except AmbitoError as exc:
                motivo = str(exc)
            except DatabaseError as exc:
                log.warning("import protocollo %s, riga %s: %s", job.pk, riga.numero, exc)
                motivo = _("I dati della riga non sono stati accettati dall'archivio: "
                           "controllali o segnala la riga all'assistenza.")
            ctx.persone_create = persone_prima  # the savepoint took the person away too
        conti[SCARTATA] += 1
        scarti.append(RigaScartataProtocollo(importazione=job, numero_riga=riga.numero,
                                             riga=riga.grezza, motivo=motivo[:500]))
    RigaScartataProtocollo.objects.bulk_create(scarti, ignore_conflicts=True)
    return conti


def _contenuto(job: ImportProtocollo) -> bytes:
    try:
        with job.file.open("rb") as f:
            contenuto = f.read()
    except (FileNotFoundError, ValueError) as exc:
        raise ValidationFailed(_("Il file caricato non è più disponibile: caricalo di nuovo.")) from exc
    if hashlib.sha256(contenuto).hexdigest() != job.sha256:
        raise ValidationFailed(_("Il file è stato modificato dopo il caricamento: caricalo di nuovo."))
    return contenuto


def _utente(job: ImportProtocollo) -> object:
    return get_user_model().objects.filter(pk=job.caricato_da_id).first()


def _fallita(job: ImportProtocollo, messaggio: str) -> ImportProtocollo:
    with transaction.atomic():
        ImportProtocollo.objects.filter(pk=job.pk).exclude(stato=ImportProtocollo.Stato.DONE).update(
            stato=ImportProtocollo.Stato.FAILED, messaggio=messaggio[:500],
            terminata_il=timezone.now(), updated_at=timezone.now())
        job.refresh_from_db()
        audit_log(action="protocollo.importazione_fallita", actor=_utente(job), obj=job,
                  payload={"motivo": messaggio[:200]}, ip_address=job.ip_address)
    return job


def import_segna_fallito(*, import_id: int, messaggio: str) -> ImportProtocollo:
    """An unexpected error stopped the import for good (the task gave up retrying)."""
    return _fallita(ImportProtocollo.objects.get(pk=import_id), messaggio)


def _completata(job: ImportProtocollo, ctx: Contesto) -> ImportProtocollo:
    with transaction.atomic():
        job = ImportProtocollo.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job
        job.stato = ImportProtocollo.Stato.DONE
        job.avanzamento = 100
        job.terminata_il = timezone.now()
        job.messaggio = _(
            "Importazione completata: %(righe)s righe, %(c)s domande registrate, %(i)s già "
            "presenti, %(s)s righe scartate; %(p)s persone aggiunte all'anagrafica."
        ) % {"righe": job.righe_totali, "c": job.create, "i": job.invariate, "s": job.scartate,
             "p": job.persone_create}
        job.save(update_fields=["stato", "avanzamento", "terminata_il", "messaggio", "updated_at"])
        audit_log(action="protocollo.importazione_completata", actor=ctx.actor.user, obj=job,
                  payload={"righe": job.righe_totali, "create": job.create,
                           "invariate": job.invariate, "scartate": job.scartate,
                           "persone_create": job.persone_create},
                  ip_address=ctx.actor.ip_address)
    return job
