"""The zone office: its services, the requests the comuni send them, and the case file
the zone opens in its own schema for an accepted request (gestione associata)."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.anagrafica.services import Actor, persona_create
from services.cartella.models import Cartella
from services.cartella.services import cartella_apri, operatore_abilita
from services.core.audit import audit_log
from services.core.codice_fiscale import normalize_codice_fiscale, sesso_of
from services.core.errors import AlreadyExists, NotAllowed, NotFound, ValidationFailed
from services.core.text import fold
from services.trasferimenti.models import RichiestaZonale, ServizioZonale
from tenants.roles import Capability, permission_name

from ..models import TipoServizioSpecialistico
from .scritture import _label, _text

# --- the zone office ------------------------------------------------------------------------


def servizio_zonale_crea(*, actor: Actor, nome: str, tipo: str) -> ServizioZonale:
    zona = connection.tenant.zona  # type: ignore[attr-defined]
    nome = _text(nome, "nome", _("Indica il nome del servizio."))
    if tipo not in TipoServizioSpecialistico.values:
        raise ValidationFailed(_("Scegli il tipo di servizio."), field="tipo")
    if ServizioZonale.objects.filter(zona=zona, nome__iexact=nome).exists():
        raise AlreadyExists(_("Esiste già un servizio con questo nome."), field="nome")
    with transaction.atomic():
        servizio = ServizioZonale.objects.create(zona=zona, nome=nome, tipo=tipo)
        audit_log(action="ambito.servizio_creato", actor=actor.user, obj=servizio,
                  payload={"nome": nome, "tipo": tipo}, ip_address=actor.ip_address)
    return servizio


def _richiesta_della_zona(public_id: Any) -> RichiestaZonale:
    zona = getattr(connection.tenant, "zona", None)  # type: ignore[attr-defined]
    if zona is None:
        raise NotFound(_("Richiesta non trovata."))
    richiesta = (RichiestaZonale.objects.select_for_update()
                 .filter(public_id=public_id, servizio__zona=zona).first())
    if richiesta is None:
        raise NotFound(_("Richiesta non trovata."))
    return richiesta


def richiesta_zonale_gestisci(*, actor: Actor, public_id: Any, esito: str,
                              testo: str = "") -> RichiestaZonale:
    """The zone service accepts, rejects (with a reason) or answers (closing it)."""
    transitions = {"accolta": (RichiestaZonale.Stato.INVIATA,),
                   "respinta": (RichiestaZonale.Stato.INVIATA,),
                   "conclusa": (RichiestaZonale.Stato.ACCOLTA,)}
    if esito not in transitions:
        raise ValidationFailed(_("Scegli l'esito."), field="esito")
    testo = (testo or "").strip()
    if esito in ("respinta", "conclusa") and not testo:
        raise ValidationFailed(_("Scrivi la risposta o la motivazione per il comune."),
                               field="testo")
    with transaction.atomic():
        richiesta = _richiesta_della_zona(public_id)
        if richiesta.stato not in transitions[esito]:
            raise ValidationFailed(_("La richiesta è «%(s)s»: non si può passare a questo esito.")
                                   % {"s": richiesta.get_stato_display()})
        richiesta.stato = esito
        richiesta.gestita_da = _label(actor.user)
        if testo:
            richiesta.risposta = testo
            richiesta.risposta_il = timezone.localdate()
        richiesta.save(update_fields=["stato", "gestita_da", "risposta", "risposta_il",
                                      "updated_at"])
        audit_log(action=f"ambito.richiesta_{esito}", actor=actor.user, obj=richiesta,
                  ip_address=actor.ip_address)
    return richiesta


# --- the zone's own case work (gestione associata) -----------------------------------------

MOTIVO_MAX_QUESITO = 200


def _persona_nell_ambito(actor: Actor, richiesta: RichiestaZonale) -> Persona:
    """The person in the zone's own registry: by codice fiscale, else by name and birth date
    (one match only), else registered now — the sex comes from the codice fiscale."""
    cf = normalize_codice_fiscale(richiesta.codice_fiscale) if richiesta.codice_fiscale else ""
    attive = Persona.objects.filter(unita_in__isnull=True)
    if cf:
        persona = attive.filter(codice_fiscale=cf).first()
        if persona is not None:
            return persona
    omonimi = attive.filter(search_text=fold(f"{richiesta.cognome} {richiesta.nome}"),
                            data_nascita=richiesta.data_nascita)
    if cf:
        # Someone with the same name but another codice fiscale is another person.
        omonimi = omonimi.filter(codice_fiscale="")
    trovati = list(omonimi[:2])
    if len(trovati) > 1:
        raise ValidationFailed(
            _("Nell'anagrafica dell'ambito ci sono più schede di %(who)s, nato/a il %(date)s: "
              "unisci i doppioni dalla pagina dell'anagrafica, poi riprova.")
            % {"who": f"{richiesta.cognome} {richiesta.nome}",
               "date": richiesta.data_nascita.strftime("%d/%m/%Y")},
            field="persona_doppia")
    if trovati:
        return trovati[0]
    if not cf:
        raise ValidationFailed(
            _("La richiesta non ha il codice fiscale e %(who)s non è nell'anagrafica "
              "dell'ambito: registra prima la persona dalla pagina dell'anagrafica (serve il "
              "sesso), poi riprova.") % {"who": f"{richiesta.cognome} {richiesta.nome}"},
            field="persona_da_registrare")
    return persona_create(actor=actor, cognome=richiesta.cognome, nome=richiesta.nome,
                          sesso=sesso_of(cf), data_nascita=richiesta.data_nascita,
                          codice_fiscale=cf, conferma_omonimia=True)


def richiesta_zonale_apri_cartella(*, actor: Actor, public_id: Any) -> Cartella:
    """For an accepted request to a service the zone runs itself, open (or link) the
    person's case file in the zone's own schema. Calling it again returns the same file."""
    if not actor.user.has_perm(permission_name(Capability.MANAGE_CARTELLA)):
        raise NotAllowed(_("Solo l'assistente sociale dell'ambito può aprire la cartella."))
    with transaction.atomic():
        richiesta = _richiesta_della_zona(public_id)
        if richiesta.cartella_ambito is not None:
            cartella = Cartella.objects.filter(public_id=richiesta.cartella_ambito).first()
            if cartella is not None:
                return cartella
        if richiesta.stato != RichiestaZonale.Stato.ACCOLTA:
            raise ValidationFailed(
                _("La richiesta è «%(s)s»: la cartella si apre solo per una richiesta presa in "
                  "carico.") % {"s": richiesta.get_stato_display()})
        persona = _persona_nell_ambito(actor, richiesta)
        cartella = (Cartella.objects.select_for_update().filter(persona=persona)
                    .exclude(stato=Cartella.Stato.CHIUSA).first())
        aperta_ora = cartella is None
        if cartella is None:
            motivo = _("Invio da %(comune)s: %(quesito)s") % {
                "comune": richiesta.mittente.name,
                "quesito": Truncator(" ".join(richiesta.quesito.split())).chars(MOTIVO_MAX_QUESITO),
            }
            cartella = cartella_apri(actor=actor, persona=persona,
                                     area_target=richiesta.area_target,
                                     data=timezone.localdate(), motivo=motivo)
        else:
            # A colleague's case: whoever takes the referral is enabled on it, or the link
            # would lead them to a case they may not read.
            operatore_abilita(actor=actor, cartella=cartella, user=actor.user,
                              ruolo=str(richiesta.servizio), dal=timezone.localdate())
        richiesta.cartella_ambito = cartella.public_id
        richiesta.save(update_fields=["cartella_ambito", "updated_at"])
        audit_log(action="ambito.richiesta_cartella_aperta", actor=actor.user, obj=richiesta,
                  payload={"cartella": str(cartella.public_id), "nuova": aperta_ora},
                  ip_address=actor.ip_address)
    return cartella
