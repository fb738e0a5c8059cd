"""The application's state follows the outcome of its interventions: in istruttoria while a
proposal waits, accolta once one is approved (and while it is paid), conclusa when every
approved one has ended, respinta when every proposal was rejected. Whoever registered the
application (and the social worker it is assigned to) finds the outcome in their inbox."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.audit import audit_log

from .models import Domanda

# Set by hand, an archiviata application is not reopened by its interventions.
FINALI = (Domanda.Stato.ARCHIVIATA,)


def _esito_dalle_decisioni(domanda: Domanda) -> tuple[str, date | None, str] | None:
    from services.interventi.models import Intervento

    S = Intervento.Stato
    interventi = list(Intervento.objects.filter(domanda=domanda).exclude(stato=S.ANNULLATO)
                      .select_related("servizio").order_by("deciso_il", "id"))
    if not interventi:
        return None
    stati = {i.stato for i in interventi}
    approvati = [i for i in interventi if i.stato in (S.APPROVATO, S.IN_CORSO, S.CONCLUSO)]
    if S.APPROVATO in stati or S.IN_CORSO in stati:
        primo = next(i for i in approvati if i.stato != S.CONCLUSO)
        return (Domanda.Stato.ACCOLTA, primo.deciso_il,
                _("Accolta: approvato l'intervento «%(s)s».") % {"s": primo.servizio.nome})
    if S.PROPOSTO in stati:
        return Domanda.Stato.ISTRUTTORIA, None, ""
    if approvati:  # all of them concluded
        ultimo = max(approvati, key=lambda i: (i.data_fine or date.min, i.pk))
        return (Domanda.Stato.CONCLUSA, ultimo.data_fine,
                _("Conclusa: gli interventi approvati sono terminati."))
    respinto = interventi[-1]
    return (Domanda.Stato.RESPINTA, respinto.deciso_il,
            respinto.motivazione_decisione or _("Proposta respinta dal dirigente."))


def domanda_segue_interventi(*, actor: Actor, domanda: Domanda | None) -> Domanda | None:
    """Bring the application's state in line with its interventions (called in the same
    transaction as every decision on them). Idempotent: nothing changes, nothing is logged,
    when the state already matches."""
    if domanda is None:
        return None
    with transaction.atomic():
        locked = Domanda.objects.select_for_update().get(pk=domanda.pk)
        if locked.stato in FINALI:
            return locked
        esito = _esito_dalle_decisioni(locked)
        if esito is None:
            return locked
        stato, il, motivazione = esito
        if locked.stato == stato:
            return locked
        prima = locked.stato
        locked.stato = stato
        chiusa = stato in Domanda.CHIUSE
        locked.esito_il = (il or timezone.localdate()) if chiusa else None
        locked.motivazione_esito = motivazione if chiusa else ""
        locked.save(update_fields=["stato", "esito_il", "motivazione_esito", "updated_at"])
        audit_log(action=f"domanda.{stato}", actor=actor.user, obj=locked,
                  ip_address=actor.ip_address,
                  payload={"prima": prima, "dagli_interventi": True,
                           "data": locked.esito_il.isoformat() if locked.esito_il else None,
                           "motivazione": motivazione[:500]})
        if chiusa:
            _avvisa(actor, locked)
    for field in ("stato", "esito_il", "motivazione_esito", "updated_at"):
        setattr(domanda, field, getattr(locked, field))
    return locked


def _avvisa(actor: Actor, domanda: Domanda) -> None:
    """Whoever registered the application, and the worker it is assigned to, learn the
    outcome (not the person who just made the decision)."""
    from services.cartella.history import comune_url
    from services.core.models import AuditEntry
    from services.pai.services.approvazioni import notifica_create

    chi = {pk for pk in AuditEntry.objects.filter(
        object_type="domande.domanda", object_id=str(domanda.public_id),
        action="domanda.registrata").values_list("actor_id", flat=True) if pk is not None}
    if domanda.assegnata_a_id:
        chi.add(domanda.assegnata_a_id)
    chi.discard(actor.user.pk)
    testo = _("La domanda %(d)s di %(p)s è %(s)s. %(m)s") % {
        "d": domanda, "p": domanda.persona.nome_completo,
        "s": domanda.get_stato_display().lower(), "m": domanda.motivazione_esito}
    link = comune_url("domande_detail", public_id=domanda.public_id)
    for user_id in sorted(chi):
        notifica_create(destinatario_id=user_id, testo=testo.strip(), link=link)
