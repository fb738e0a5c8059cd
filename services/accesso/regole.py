"""The consent rules of the access process (seed 002, "Scheda di accesso: registrazione dei
dati personali"): what a scheda may keep, by who spoke to the front office. *La pubblica
amministrazione non ha il potere, riservato all'autorità giudiziaria, di imporre interventi
ad un cittadino se non nell'ambito di un rapporto fiduciario e consensuale.*

Pure checks: nothing here writes. ``services.scheda_create`` applies the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from services.anagrafica.models import Persona
from services.core.errors import ValidationFailed

from .models import Consenso, SchedaAccesso
from .selectors import consenso_attuale, mandato_autorita_giudiziaria

Tipo = SchedaAccesso.Interlocutore


@dataclass(frozen=True)
class NuovaPersona:
    """A person not yet in the registry, typed in at the front office (minimal identity).
    Created by ``scheda_create`` only when the consent rules allow keeping their data."""

    cognome: str
    nome: str
    sesso: str
    data_nascita: date | None
    codice_fiscale: str = ""
    telefono: str = ""
    conferma_omonimia: bool = False


PersonaInput = Persona | NuovaPersona | None



def check_person(value: PersonaInput, slot: str) -> None:
    if isinstance(value, Persona):
        if value.stato == Persona.Stato.UNITA:
            raise ValidationFailed(
                _("La scheda anagrafica di %(who)s è stata unita a un'altra: usa quella.")
                % {"who": value.nome_completo}, field=slot)
        if slot == "utente" and value.stato == Persona.Stato.DECEDUTA:
            raise ValidationFailed(_("%(who)s risulta deceduto/a.") % {"who": value.nome_completo},
                                   field=slot)


def _same(a: PersonaInput, b: PersonaInput) -> bool:
    return isinstance(a, Persona) and isinstance(b, Persona) and a.pk == b.pk


def _has_consent(utente: PersonaInput) -> Consenso | None:
    """The consent in force for a person already in the registry, if it is a yes."""
    if not isinstance(utente, Persona):
        return None
    current = consenso_attuale(utente)
    return current if current is not None and current.stato == Consenso.Stato.CONCESSO else None


@dataclass
class Piano:
    """What the rules let the scheda keep and how it starts."""

    keep_persons: bool = True
    record_consent: bool = False
    # The answer is recorded in the history of the registered utente even when the scheda
    # keeps nobody's identity: a refusal that follows an earlier consent must be in force.
    record_on_registered: bool = False
    # The person refused, but the judicial authority's order keeps the service acting.
    mandato: SchedaAccesso | None = None
    stato: str = SchedaAccesso.Stato.APERTA
    esito: str = ""


def _rifiuto(utente: PersonaInput) -> Piano:
    """The person (or their legal representative) refuses consent during this contact.

    After a judicial order ("il suo diniego non costituirà impedimento all'azione del
    servizio avendo ricevuto esplicito mandato dall'A.G.") the refusal is recorded and the
    scheda goes on with the person's data. Otherwise no personal data is kept on the scheda
    ("il servizio sociale non potrà registrare i suoi dati nel sistema"); a person already
    in the registry gets the refusal in their consent history, so that an earlier consent
    is no longer in force."""
    mandato = mandato_autorita_giudiziaria(utente) if isinstance(utente, Persona) else None
    if mandato is not None:
        return Piano(record_consent=True, mandato=mandato)
    return Piano(keep_persons=False, record_on_registered=isinstance(utente, Persona),
                 stato=SchedaAccesso.Stato.CHIUSA, esito=SchedaAccesso.Esito.CONSENSO_NEGATO)


def regole_consenso(*, tipo: str, utente: PersonaInput, interlocutore: PersonaInput,
           riferimento: PersonaInput, consenso: str, segnalazione_scritta: bool,
           testo_segnalazione: str, provvedimento_numero: str,
           provvedimento_data: date | None, interlocutore_ente: str, pregiudizio: bool,
           bisogno: str, servizio: str) -> Piano:
    """Apply the rule of the interlocutor type (seed 002). Raises before anything is
    written; returns what to keep."""
    S, E = SchedaAccesso.Stato, SchedaAccesso.Esito
    if tipo not in Tipo.values:
        raise ValidationFailed(_("Indica chi si è rivolto al servizio."),
                               field="interlocutore_tipo")
    if consenso and consenso not in (Consenso.Stato.CONCESSO, Consenso.Stato.NEGATO):
        raise ValidationFailed(_("Il consenso è concesso o negato."), field="consenso")
    if tipo == Tipo.ANONIMO:
        # "E' possibile che l'interazione di accoglienza possa essere gestita in modo
        # anonimo, cioè non acquisendo le generalità dell'utente".
        if pregiudizio:
            raise ValidationFailed(
                _("In caso di presunto pregiudizio i dati dell'utente vanno sempre registrati: "
                  "scegli «Segnalante non istituzionale» e lascia vuoto il segnalante se non "
                  "vuole farsi identificare."), field="presunto_pregiudizio")
        if utente is not None or interlocutore is not None or riferimento is not None:
            raise ValidationFailed(
                _("Un contatto anonimo non registra l'identità di nessuno: togli utente, "
                  "interlocutore e persona di riferimento."), field="interlocutore_tipo")
        return Piano(keep_persons=False)
    if utente is None:
        raise ValidationFailed(_("Indica la persona in stato di bisogno (utente)."),
                               field="utente")
    if tipo == Tipo.UTENTE and interlocutore is not None and not _same(interlocutore, utente):
        raise ValidationFailed(_("Quando si presenta la persona stessa non c'è un altro "
                                 "interlocutore: toglilo o cambia tipo di contatto."),
                               field="interlocutore")
    if tipo != Tipo.UTENTE and _same(interlocutore, utente):
        raise ValidationFailed(_("L'interlocutore e l'utente sono la stessa persona: scegli "
                                 "«La persona in stato di bisogno»."), field="interlocutore")
    if tipo == Tipo.AUTORITA_GIUDIZIARIA:
        # "i dati anagrafici dell'utente DEVONO essere registrati anche in assenza di esplicito
        # consenso" ... "Viene SEMPRE intrapreso l'iter di apertura della cartella".
        if not provvedimento_numero:
            raise ValidationFailed(_("Indica il numero del provvedimento dell'autorità "
                                     "giudiziaria."), field="provvedimento_numero")
        if provvedimento_data is None:
            raise ValidationFailed(_("Indica la data del provvedimento."),
                                   field="provvedimento_data")
        if provvedimento_data > timezone.localdate():
            raise ValidationFailed(_("La data del provvedimento non può essere nel futuro."),
                                   field="provvedimento_data")
        if not interlocutore_ente:
            raise ValidationFailed(_("Indica l'autorità giudiziaria che ha emesso il "
                                     "provvedimento."), field="interlocutore_ente")
        return Piano(record_consent=bool(consenso), stato=S.INOLTRATA,
                      esito=E.SEGNALAZIONE_AG if pregiudizio else E.INOLTRO_AS)
    if pregiudizio:
        # "Deve essere sempre registrata la scheda di accesso comprensiva dei dati dell'utente
        # in caso di situazioni di presunto pregiudizio ... La scheda va chiusa come
        # 'Segnalazione all'Autorità Giudiziaria'."
        if tipo == Tipo.PUBBLICO_UFFICIALE and not interlocutore_ente:
            raise ValidationFailed(_("Indica l'ente o l'ufficio del pubblico ufficiale."),
                                   field="interlocutore_ente")
        return Piano(record_consent=bool(consenso), stato=S.INOLTRATA, esito=E.SEGNALAZIONE_AG)
    has_consent = _has_consent(utente) is not None
    if tipo == Tipo.PUBBLICO_UFFICIALE:
        # "Sono inseribili nel sistema le sole segnalazioni pervenute in forma scritta" ...
        # "In caso di diniego rimane agli atti la sola segnalazione del pubblico ufficiale
        # senza nessun'altra informazione sullo stato di bisogno della persona".
        if not segnalazione_scritta:
            raise ValidationFailed(
                _("Dal pubblico ufficiale si registrano solo le segnalazioni pervenute per "
                  "iscritto: chiedi che la segnalazione venga inviata in forma scritta."),
                field="segnalazione_scritta")
        if not testo_segnalazione:
            raise ValidationFailed(_("Riporta il testo della segnalazione scritta."),
                                   field="testo_segnalazione")
        if not interlocutore_ente:
            raise ValidationFailed(_("Indica l'ente o l'ufficio del pubblico ufficiale."),
                                   field="interlocutore_ente")
        consent_now = consenso == Consenso.Stato.CONCESSO or (not consenso and has_consent)
        if not consent_now and (bisogno or servizio or riferimento is not None):
            raise ValidationFailed(
                _("Senza il consenso dell'utente resta agli atti solo la segnalazione del "
                  "pubblico ufficiale: lascia vuoti bisogno espresso, servizio richiesto e "
                  "persona di riferimento."), field="bisogno_espresso")
        return Piano(record_consent=bool(consenso))
    if tipo == Tipo.UTENTE:
        # "in assenza del consenso al trattamento dei dati personali il servizio sociale non
        # potrà registrare i suoi dati nel sistema e mettere in campo nessun tipo di aiuto".
        if not consenso and not has_consent:
            raise ValidationFailed(_("Indica se la persona dà il consenso al trattamento dei "
                                     "dati personali."), field="consenso")
        if consenso == Consenso.Stato.NEGATO:
            return _rifiuto(utente)
        return Piano(record_consent=consenso == Consenso.Stato.CONCESSO)
    if tipo == Tipo.LEGALE_RAPPRESENTANTE:
        # "il legale rappresentante dovrà rilasciare il consenso al trattamento dei dati
        # personali, in caso contrario l'operatore non potrà compilare la scheda di accesso".
        if interlocutore is None:
            raise ValidationFailed(_("Indica il legale rappresentante (tutore, curatore o "
                                     "amministratore di sostegno)."), field="interlocutore")
        if not consenso and not has_consent:
            raise ValidationFailed(
                _("Senza il consenso del legale rappresentante al trattamento dei dati la scheda "
                  "di accesso non può essere compilata. Informa l'interlocutore che il servizio "
                  "sociale non potrà mettere in campo nessun tipo di aiuto."), field="consenso")
        if consenso == Consenso.Stato.NEGATO:
            return _rifiuto(utente)
        return Piano(record_consent=consenso == Consenso.Stato.CONCESSO)
    # Segnalante generico non istituzionale: "Nel caso il segnalato (utente) abbia già
    # precedentemente rilasciato il consenso ... si può procedere al colloquio con
    # l'interlocutore segnalante, a meno che questo non chieda servizi specifici per l'utente
    # senza averne titolarità."
    if consenso:
        raise ValidationFailed(_("Il consenso lo dà la persona interessata o il suo legale "
                                 "rappresentante, non chi la segnala."), field="consenso")
    if servizio:
        # Without title whether or not the utente consented: the consent lets the service
        # listen to the reporter, not act on their requests. Services are asked by the
        # person or by their legal representative.
        if not has_consent:
            raise ValidationFailed(
                _("L'utente non ha dato il consenso al trattamento dei dati: il segnalante non "
                  "può chiedere servizi specifici per lui/lei."), field="servizio_richiesto")
        raise ValidationFailed(
            _("Un segnalante non ha titolo per chiedere servizi specifici per l'utente: li "
              "chiede la persona stessa o il suo legale rappresentante. Registra la "
              "segnalazione e il bisogno riferito."), field="servizio_richiesto")
    if not has_consent and (bisogno or riferimento is not None):
        raise ValidationFailed(
            _("L'utente non ha dato il consenso: registra solo la segnalazione, senza "
              "dettagli sul bisogno né persona di riferimento."), field="bisogno_espresso")
    return Piano()
