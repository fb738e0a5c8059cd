"""Proceedings, hearings and the notices to the social workers: the rules, the refusals
(with the data unchanged), the inbox line and the e-mail sent after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.http import Http404
from django.utils import timezone

from services.core.errors import AlreadyExists, ValidationFailed
from services.core.models import AuditEntry
from services.pai.models import Notifica
from services.tribunale.models import Convocato, Procedimento, Udienza
from services.tribunale.selectors import get_procedimento_for_user, udienze_operatore
from services.tribunale.services import (
    operatore_assegna,
    operatore_revoca,
    procedimento_chiudi,
    procedimento_crea,
    udienza_esito,
    udienza_fissa,
    udienza_modifica,
)

from .conftest import new_minore


def _crea(actor, minore, **overrides):
    data = {"actor": actor, "numero_rg": "9/2026", "tribunale": "Tribunale per i minorenni di Perugia",
                "tipo": "affidamento", "ricevuto_il": timezone.localdate(), "minori": [minore],
                "operatori_ids": []}
    data.update(overrides)
    return procedimento_crea(**data)


def test_assignment_notifies_at_once_and_mails_after_commit(
        cast, in_a, dirigente, minore, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proc = _crea(dirigente, minore, operatori_ids=[in_a.user.pk])
    notifica = Notifica.objects.get(destinatario_id=in_a.user.pk)
    assert "9/2026" in notifica.testo
    assert notifica.link == f"/tribunale/{proc.public_id}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [in_a.user.email]
    assert "9/2026" in mail.outbox[0].body
    assert f"/tribunale/{proc.public_id}/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="procedimento.registrato",
                                     object_id=str(proc.public_id)).exists()


def test_no_mail_when_settings_say_no(cast, in_a, dirigente, minore, settings,
                                      django_capture_on_commit_callbacks):
    settings.AMBITO_EMAIL_NOTIFICHE = False
    with django_capture_on_commit_callbacks(execute=True):
        _crea(dirigente, minore, operatori_ids=[in_a.user.pk])
    assert Notifica.objects.filter(destinatario_id=in_a.user.pk).count() == 1
    assert mail.outbox == []


def test_mail_task_is_idempotent(cast, in_a, dirigente, minore,
                                 django_capture_on_commit_callbacks):
    from django.db import connection

    from services.core.mail import mail_send
    from services.core.models import OutgoingMail

    with django_capture_on_commit_callbacks(execute=True):
        _crea(dirigente, minore, operatori_ids=[in_a.user.pk])
    row = OutgoingMail.objects.get(to=in_a.user.email, kind="tribunale.notifica")
    assert row.status == OutgoingMail.Status.SENT
    mail_send.apply(args=[connection.schema_name, row.pk])  # the task runs again
    assert len(mail.outbox) == 1


def test_social_worker_creating_is_assigned_and_sees_it(cast, in_a, minore):
    proc = _crea(in_a, minore)
    assert list(proc.operatori.values_list("user_id", flat=True)) == [in_a.user.pk]
    assert get_procedimento_for_user(in_a.user, proc.public_id) == proc
    # nobody to notify: the creator knows
    assert not Notifica.objects.filter(destinatario_id=in_a.user.pk).exists()


def test_visibility_same_404_for_missing_and_forbidden(cast, in_a, proc, collega):
    with pytest.raises(Http404):
        get_procedimento_for_user(collega, proc.public_id)
    with pytest.raises(Http404):
        get_procedimento_for_user(collega, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(Http404):
        get_procedimento_for_user(in_a.user, "not-a-uuid")
    assert get_procedimento_for_user(cast.by_role["dirigente"], proc.public_id) == proc
    assert AuditEntry.objects.filter(action="procedimento.letto",
                                     object_id=str(proc.public_id)).count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"numero_rg": "  "}, "numero_rg"),
    ({"tipo": "boh"}, "tipo"),
    ({"ricevuto_il": None}, "ricevuto_il"),
    ({"minori": []}, "minori"),
])
def test_bad_input_changes_nothing(cast, in_a, dirigente, minore, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        _crea(dirigente, minore, operatori_ids=[in_a.user.pk], **overrides)
    assert exc.value.field == field
    assert not Procedimento.objects.exists()
    assert not Notifica.objects.exists()


def test_future_dates_and_adults_refused(cast, in_a, dirigente, minore):
    with pytest.raises(ValidationFailed, match="futuro"):
        _crea(dirigente, minore, operatori_ids=[in_a.user.pk],
              ricevuto_il=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="successivo"):
        _crea(dirigente, minore, operatori_ids=[in_a.user.pk],
              decreto_data=timezone.localdate() + timedelta(days=1))
    from tests.cartella.conftest import new_persona

    adulto = new_persona(in_a, min_age=30, max_age=40)
    with pytest.raises(ValidationFailed, match="non era minorenne"):
        _crea(dirigente, adulto, operatori_ids=[in_a.user.pk])
    assert not Procedimento.objects.exists()


def test_only_operators_of_this_comune(cast, in_a, dirigente, minore):
    with pytest.raises(ValidationFailed, match="operatori di questo comune"):
        _crea(dirigente, minore, operatori_ids=[cast.outsider.pk])
    with pytest.raises(ValidationFailed, match="operatori di questo comune"):
        _crea(dirigente, minore, operatori_ids=[cast.by_role["operatore_sportello"].pk])
    assert not Procedimento.objects.exists()


def test_same_rg_twice_refused(cast, in_a, dirigente, proc, minore):
    with pytest.raises(AlreadyExists):
        _crea(dirigente, minore, numero_rg="123/2026", operatori_ids=[in_a.user.pk])
    assert Procedimento.objects.count() == 1


def test_assigning_a_colleague_notifies_them(cast, in_a, proc, collega,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        operatore_assegna(actor=in_a, procedimento=proc, user_id=collega.pk)
        operatore_assegna(actor=in_a, procedimento=proc, user_id=collega.pk)  # no-op
    assert Notifica.objects.filter(destinatario_id=collega.pk).count() == 1
    assert [m.to for m in mail.outbox] == [[collega.email]]
    assert get_procedimento_for_user(collega, proc.public_id) == proc
    operatore_revoca(actor=in_a, procedimento=proc, user_id=collega.pk)
    with pytest.raises(Http404):
        get_procedimento_for_user(collega, proc.public_id)
    with pytest.raises(ValidationFailed, match="almeno un"):
        operatore_revoca(actor=in_a, procedimento=proc, user_id=in_a.user.pk)


# --- hearings -------------------------------------------------------------------------------


def test_hearing_notifies_summoned_operators(cast, in_a, proc, collega, minore,
                                             django_capture_on_commit_callbacks):
    Notifica.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        udienza = udienza_fissa(actor=in_a, procedimento=proc,
                                inizio=timezone.now() + timedelta(days=3), luogo="Aula 1",
                                operatori_ids=[in_a.user.pk, collega.pk], persone=[minore])
    assert set(Notifica.objects.values_list("destinatario_id", flat=True)) == {
        in_a.user.pk, collega.pk}
    assert "Aula 1" in Notifica.objects.get(destinatario_id=collega.pk).testo
    assert sorted(m.to[0] for m in mail.outbox) == sorted([in_a.user.email, collega.email])
    assert udienza.convocati.count() == 3


def test_hearing_in_the_past_refused(cast, in_a, proc):
    for inizio in (timezone.now() - timedelta(hours=1), None):
        with pytest.raises(ValidationFailed) as exc:
            udienza_fissa(actor=in_a, procedimento=proc, inizio=inizio, luogo="Aula 1",
                          operatori_ids=[in_a.user.pk])
        assert exc.value.field == "inizio"
    with pytest.raises(ValidationFailed, match="convocato"):
        udienza_fissa(actor=in_a, procedimento=proc, inizio=timezone.now() + timedelta(days=1),
                      luogo="Aula 1")
    assert not Udienza.objects.exists()


def test_moving_a_hearing_tells_everyone_summoned(cast, in_a, udienza, collega,
                                                  django_capture_on_commit_callbacks):
    Notifica.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        udienza_modifica(actor=in_a, udienza=udienza, inizio=udienza.inizio + timedelta(days=1),
                         luogo="Aula 5", operatori_ids=[in_a.user.pk, collega.pk])
    testi = dict(Notifica.objects.values_list("destinatario_id", "testo"))
    assert set(testi) == {in_a.user.pk, collega.pk}
    assert "modificata" in testi[collega.pk]
    assert "Aula 5" in testi[collega.pk]
    assert len(mail.outbox) == 2
    # the person no longer listed is no longer summoned
    assert not Convocato.objects.filter(udienza=udienza, persona__isnull=False).exists()


def test_adding_one_summoned_tells_only_them(cast, in_a, udienza, collega):
    Notifica.objects.all().delete()
    udienza_modifica(actor=in_a, udienza=udienza, inizio=udienza.inizio, luogo=udienza.luogo,
                     operatori_ids=[in_a.user.pk, collega.pk])
    assert list(Notifica.objects.values_list("destinatario_id", flat=True)) == [collega.pk]


def test_moving_into_the_past_refused(cast, in_a, udienza):
    prima = udienza.inizio
    with pytest.raises(ValidationFailed):
        udienza_modifica(actor=in_a, udienza=udienza, inizio=timezone.now() - timedelta(days=1),
                         luogo="Aula 3", operatori_ids=[in_a.user.pk])
    udienza.refresh_from_db()
    assert udienza.inizio == prima


def test_outcome_rules(cast, in_a, udienza):
    with pytest.raises(ValidationFailed, match="ancora tenuta"):
        udienza_esito(actor=in_a, udienza=udienza, stato="svolta", esito="Rinvio")
    udienza_esito(actor=in_a, udienza=udienza, stato="rinviata", esito="Rinvio a nuovo ruolo")
    udienza.refresh_from_db()
    assert udienza.stato == "rinviata"
    with pytest.raises(ValidationFailed, match="ancora da tenere"):
        udienza_modifica(actor=in_a, udienza=udienza, inizio=udienza.inizio, luogo="X",
                         operatori_ids=[in_a.user.pk])


def test_closing(cast, in_a, proc, udienza):
    with pytest.raises(ValidationFailed, match="udienze ancora da tenere"):
        procedimento_chiudi(actor=in_a, procedimento=proc, data=timezone.localdate(),
                            motivo="Decreto definitivo")
    udienza_esito(actor=in_a, udienza=udienza, stato="annullata", esito="")
    with pytest.raises(ValidationFailed, match="precede"):
        procedimento_chiudi(actor=in_a, procedimento=proc,
                            data=proc.ricevuto_il - timedelta(days=1), motivo="x")
    procedimento_chiudi(actor=in_a, procedimento=proc, data=timezone.localdate(),
                        motivo="Decreto definitivo")
    assert proc.stato == "chiuso"
    with pytest.raises(ValidationFailed, match="chiuso"):
        udienza_fissa(actor=in_a, procedimento=proc, inizio=timezone.now() + timedelta(days=1),
                      luogo="Aula 1", operatori_ids=[in_a.user.pk])


def test_calendar_of_an_operator(cast, in_a, proc, udienza, collega, dirigente):
    oggi = timezone.localdate()
    dal, al = oggi, oggi + timedelta(days=30)
    assert list(udienze_operatore(in_a.user.pk, dal=dal, al=al)) == [udienza]
    assert list(udienze_operatore(collega.pk, dal=dal, al=al)) == []
    # summoned without being assigned: it is in their calendar too
    altro = new_minore(in_a)
    proc2 = procedimento_crea(actor=dirigente, numero_rg="77/2026", tribunale="TM Perugia",
                              tipo="penale", ricevuto_il=oggi, minori=[altro],
                              operatori_ids=[in_a.user.pk])
    u2 = udienza_fissa(actor=dirigente, procedimento=proc2,
                       inizio=timezone.now() + timedelta(days=2), luogo="Aula 2",
                       operatori_ids=[collega.pk])
    assert list(udienze_operatore(collega.pk, dal=dal, al=al)) == [u2]
    assert list(udienze_operatore(in_a.user.pk, dal=dal, al=al)) == [u2, udienza]
    assert list(udienze_operatore(in_a.user.pk, dal=al + timedelta(days=1),
                                  al=al + timedelta(days=60))) == []


def test_an_educator_can_be_summoned_without_a_link_they_cannot_open(
        cast, in_a, proc, django_capture_on_commit_callbacks):
    educatore = cast.by_role["educatore"]
    Notifica.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        udienza_fissa(actor=in_a, procedimento=proc, inizio=timezone.now() + timedelta(days=3),
                      luogo="Aula 4", operatori_ids=[in_a.user.pk, educatore.pk])
    links = dict(Notifica.objects.values_list("destinatario_id", "link"))
    # not the proceeding: their calendar, on the hearing's month
    assert links[educatore.pk].startswith("/tribunale/udienze/?mese=")
    assert links[in_a.user.pk] == f"/tribunale/{proc.public_id}/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([in_a.user.email, educatore.email])
    with pytest.raises(ValidationFailed, match="convocare solo operatori di questo comune"):
        udienza_fissa(actor=in_a, procedimento=proc, inizio=timezone.now() + timedelta(days=3),
                      luogo="Aula 4", operatori_ids=[cast.outsider.pk])
    # but an educator does not follow proceedings
    with pytest.raises(ValidationFailed, match="abilitati ai procedimenti"):
        operatore_assegna(actor=in_a, procedimento=proc, user_id=educatore.pk)
