"""The comune's operators on a proceeding: who may follow it or be summoned, who reads it,
who is assigned and revoked."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.services import Actor
from services.core.errors import ValidationFailed
from tenants.models import Membership, User
from tenants.roles import ROLE_CAPABILITIES, Capability

from .. import notifiche
from ..models import OperatoreProcedimento, Procedimento
from .scritture import _audit, _label, ensure_aperto


def _membri(*capabilities: str) -> list[Membership]:
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if any(c in caps for c in capabilities)]
    return list(Membership.objects.filter(ente_id=connection.tenant.pk,  # type: ignore[attr-defined]
                                          is_active=True, role__in=roles)
                .select_related("user").order_by("user__last_name", "user__first_name"))


def operatori_incaricabili() -> list[Membership]:
    """Members of this comune who may follow proceedings (social workers, dirigenti)."""
    return _membri(Capability.MANAGE_TRIBUNALE)


def operatori_convocabili() -> list[Membership]:
    """Members of this comune who may be summoned to a hearing: also educators and
    psychologists, who do not follow proceedings themselves."""
    return _membri(Capability.MANAGE_TRIBUNALE, Capability.VIEW_CARTELLA)


def _operatori(user_ids: Iterable[int], field: str, *, convocati: bool = False) -> list[User]:
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    membri = operatori_convocabili() if convocati else operatori_incaricabili()
    ammessi = {m.user_id: m.user for m in membri}
    if any(i not in ammessi for i in ids):
        if convocati:
            raise ValidationFailed(_("Puoi convocare solo operatori di questo comune."),
                                   field=field)
        raise ValidationFailed(_("Puoi scegliere solo operatori di questo comune abilitati ai "
                                 "procedimenti del Tribunale per i minorenni."), field=field)
    return [ammessi[i] for i in ids]


def chi_legge(procedimento: Procedimento) -> set[int]:
    """Operators who can open the proceeding: assigned, or in a role that sees every case."""
    tutti = {m.user_id for m in _membri(Capability.VIEW_ALL_CARTELLE)
             if Capability.MANAGE_TRIBUNALE in ROLE_CAPABILITIES.get(m.role, frozenset())}
    return tutti | {op.user_id for op in procedimento.operatori.filter(al__isnull=True)}


def operatore_assegna(*, actor: Actor, procedimento: Procedimento,
                      user_id: int) -> OperatoreProcedimento:
    ensure_aperto(procedimento)
    (user,) = _operatori([user_id], "user_id")
    with transaction.atomic():
        current = OperatoreProcedimento.objects.filter(procedimento=procedimento,
                                                       user_id=user.pk, al__isnull=True).first()
        if current is not None:
            return current
        op = OperatoreProcedimento.objects.create(procedimento=procedimento, user_id=user.pk,
                                                  user_label=_label(user),
                                                  dal=timezone.localdate())
        _audit(actor, "procedimento.operatore_assegnato", procedimento, {"operatore": user.pk})
        if user.pk != actor.user.pk:
            notifiche.avvisa_assegnazione(procedimento, [user.pk])
    return op


def operatore_revoca(*, actor: Actor, procedimento: Procedimento, user_id: int) -> None:
    ensure_aperto(procedimento)
    attivi = OperatoreProcedimento.objects.filter(procedimento=procedimento, al__isnull=True)
    if not attivi.filter(user_id=user_id).exists():
        return
    if attivi.count() == 1:
        raise ValidationFailed(_("Il procedimento deve restare assegnato ad almeno un "
                                 "assistente sociale."))
    with transaction.atomic():
        attivi.filter(user_id=user_id).update(al=timezone.localdate())
        _audit(actor, "procedimento.operatore_revocato", procedimento, {"operatore": user_id})


def operatori_attivi_di(procedimento: Procedimento) -> list[OperatoreProcedimento]:
    return list(procedimento.operatori.filter(al__isnull=True))
