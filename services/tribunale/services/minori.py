"""What the service does for the minors of a proceeding: the family problems recorded, the
interventions linked, the case file opened by decree."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor
from services.core.errors import ValidationFailed
from services.interventi.models import Intervento
from tenants.models import User

from ..models import ProblematicaFamiliare, Procedimento
from .operatori import operatori_attivi_di
from .scritture import _audit, _label, ensure_aperto


def problematica_registra(*, actor: Actor, procedimento: Procedimento, categoria: str,
                          rilevata_il: date | None, descrizione: str = ""
                          ) -> ProblematicaFamiliare:
    ensure_aperto(procedimento)
    if categoria not in ProblematicaFamiliare.Categoria.values:
        raise ValidationFailed(_("Scegli la problematica."), field="categoria")
    if rilevata_il is None:
        raise ValidationFailed(_("Indica quando è stata rilevata."), field="rilevata_il")
    if rilevata_il > timezone.localdate():
        raise ValidationFailed(_("La data non può essere nel futuro."), field="rilevata_il")
    with transaction.atomic():
        problema = ProblematicaFamiliare.objects.create(
            procedimento=procedimento, categoria=categoria, rilevata_il=rilevata_il,
            descrizione=(descrizione or "").strip(), registrata_da_label=_label(actor.user))
        _audit(actor, "procedimento.problematica", procedimento, {"categoria": categoria})
    return problema


def interventi_collegabili(procedimento: Procedimento) -> list[Intervento]:
    return list(Intervento.objects.filter(persona__in=procedimento.minori.all())
                .exclude(pk__in=procedimento.interventi.values("pk"))
                .select_related("servizio", "persona").order_by("-proposto_il", "-id"))


def intervento_collega(*, actor: Actor, procedimento: Procedimento,
                       intervento: Intervento) -> None:
    ensure_aperto(procedimento)
    if not procedimento.minori.filter(pk=intervento.persona_id).exists():
        raise ValidationFailed(_("L'intervento non riguarda un minore di questo procedimento."),
                               field="intervento")
    with transaction.atomic():
        procedimento.interventi.add(intervento)
        _audit(actor, "procedimento.intervento_collegato", procedimento,
               {"intervento": str(intervento.public_id)})


def cartella_apri_per_minore(*, actor: Actor, procedimento: Procedimento,
                             minore: Persona) -> Any:
    """A decree of the court obliges the service to open the minor's case file: the actor
    becomes responsible, the other social workers of the proceeding are enabled on it."""
    from services.cartella.services import cartella_apri, operatore_abilita

    ensure_aperto(procedimento)
    if not procedimento.minori.filter(pk=minore.pk).exists():
        raise ValidationFailed(_("La persona non è un minore di questo procedimento."))
    oggi = timezone.localdate()
    motivo = _("Provvedimento dell'autorità giudiziaria: %(tribunale)s, R.G. %(rg)s") % {
        "tribunale": procedimento.tribunale, "rg": procedimento.numero_rg}
    with transaction.atomic():
        cartella = cartella_apri(actor=actor, persona=minore, area_target="famiglia_minori",
                                 data=oggi, motivo=motivo)
        altri = [op.user_id for op in operatori_attivi_di(procedimento)
                 if op.user_id != actor.user.pk]
        for user in User.objects.filter(pk__in=altri):
            operatore_abilita(actor=actor, cartella=cartella, user=user,
                              ruolo=_("Procedimento R.G. %(rg)s") % {"rg": procedimento.numero_rg},
                              dal=oggi)
        _audit(actor, "procedimento.cartella_aperta", procedimento,
               {"cartella": str(cartella.public_id), "minore": str(minore.public_id)})
    return cartella
