"""Referring a case to a specialist service, and the service's answer.

Rules:
- only the social worker who may change the case (``can_change``) refers it, while the case
  is open and writable; one open referral per case and service;
- a comune team's member accepts (and is then enabled on the case with the service's name as
  role, so they read it and write the diary) or rejects with a reason; an accepted referral
  is closed by the team's answer;
- a referral to a zone service needs the person's consent (date and form): the summary that
  leaves the comune is what ``RichiestaZonale`` holds, nothing else; the zone office answers
  in the public schema and the comune reads it from there;
- in gestione associata the zone's social worker may open the person's case file in the
  zone's own schema for an accepted request: only its public id is kept on the request, and
  the comune never sees it.

``invii``: the comune's teams and the referrals; ``ambito``: the zone office's side.
"""

from .ambito import (
    MOTIVO_MAX_QUESITO,
    richiesta_zonale_apri_cartella,
    richiesta_zonale_gestisci,
    servizio_zonale_crea,
)
from .invii import (
    invio_accogli,
    invio_annulla,
    invio_crea,
    invio_respingi,
    invio_rispondi,
    invio_zonale_crea,
    membro_aggiungi,
    membro_rimuovi,
    servizio_specialistico_crea,
)

__all__ = [
    "MOTIVO_MAX_QUESITO",
    "invio_accogli",
    "invio_annulla",
    "invio_crea",
    "invio_respingi",
    "invio_rispondi",
    "invio_zonale_crea",
    "membro_aggiungi",
    "membro_rimuovi",
    "richiesta_zonale_apri_cartella",
    "richiesta_zonale_gestisci",
    "servizio_specialistico_crea",
    "servizio_zonale_crea",
]
