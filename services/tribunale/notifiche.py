"""Telling the social workers: a line in the application's inbox at once (same transaction
as the write), and an e-mail after commit where the user has an address and the platform
sends them (``AMBITO_EMAIL_NOTIFICHE``, on by default)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from services.core.mail import mail_queue
from services.pai.services.approvazioni import comune_url, notifica_create

from .models import Procedimento, Udienza


def email_attive() -> bool:
    return bool(getattr(settings, "AMBITO_EMAIL_NOTIFICHE", True))


def notifica_operatori(*, user_ids: Iterable[int], testo: str, link: str,
                       oggetto: str, con_link: set[int] | None = None,
                       link_altri: str = "") -> list[int]:
    """One inbox line per operator (duplicates removed); the e-mails go after commit. With
    ``con_link`` only those operators get the link (the others could not open it); the
    others get ``link_altri`` (a page they may open), if any."""
    from tenants.models import User

    ids: list[int] = []
    notifiche = []
    for user_id in dict.fromkeys(user_ids):
        proprio = link if con_link is None or user_id in con_link else link_altri
        notifica = notifica_create(destinatario_id=user_id, testo=testo, link=proprio)
        notifiche.append(notifica)
        ids.append(notifica.pk)
    if notifiche and email_attive():
        # Through the kernel's outbox: sent after commit, at most once, retried.
        sito = indirizzo_sito()
        indirizzi = dict(User.objects.filter(pk__in=[n.destinatario_id for n in notifiche],
                                             is_active=True).exclude(email="")
                         .values_list("pk", "email"))
        for notifica in notifiche:
            email = indirizzi.get(notifica.destinatario_id)
            if not email:
                continue
            corpo = notifica.testo
            if notifica.link:
                corpo += "\n\n" + _("Apri: %(url)s") % {"url": f"{sito}{notifica.link}"}
            mail_queue(to=email, subject=oggetto, body=corpo, kind="tribunale.notifica")
    return ids


def link_procedimento(procedimento: Procedimento) -> str:
    return comune_url("tribunale_detail", procedimento.public_id)


def avvisa_assegnazione(procedimento: Procedimento, user_ids: Iterable[int]) -> list[int]:
    testo = _("Ti è stato assegnato il procedimento R.G. %(rg)s del %(tribunale)s.") % {
        "rg": procedimento.numero_rg, "tribunale": procedimento.tribunale}
    return notifica_operatori(user_ids=user_ids, testo=testo,
                              link=link_procedimento(procedimento),
                              oggetto=_("Nuovo procedimento del Tribunale per i minorenni"))


def avvisa_udienza(udienza: Udienza, user_ids: Iterable[int], *, modificata: bool) -> list[int]:
    from django.utils import formats, timezone

    quando = formats.date_format(timezone.localtime(udienza.inizio), "d/m/Y H:i")
    valori = {"rg": udienza.procedimento.numero_rg, "quando": quando, "luogo": udienza.luogo}
    if modificata:
        testo = _("Udienza del procedimento R.G. %(rg)s modificata: ora il %(quando)s, "
                  "%(luogo)s. Sei convocato/a.") % valori
        oggetto = _("Udienza modificata")
    else:
        testo = _("Udienza fissata per il procedimento R.G. %(rg)s: %(quando)s, %(luogo)s. "
                  "Sei convocato/a.") % valori
        oggetto = _("Nuova udienza al Tribunale per i minorenni")
    from .services import chi_legge

    # Who is summoned but does not follow the proceeding gets their calendar, on the month.
    mese = f"{timezone.localtime(udienza.inizio):%Y-%m}"
    calendario = comune_url("tribunale_udienze")
    return notifica_operatori(user_ids=user_ids, testo=testo,
                              link=link_procedimento(udienza.procedimento), oggetto=oggetto,
                              con_link=chi_legge(udienza.procedimento),
                              link_altri=f"{calendario}?mese={mese}" if calendario else "")


DEFAULT_PORTS = {"http": "80", "https": "443"}


def indirizzo_sito() -> str:
    """``<scheme>://<host of this comune>[:<port>]`` for links in e-mails, with the scheme
    and port browsers use to reach the site (``AMBITO_SITE_SCHEME``, ``AMBITO_SITE_PORT``);
    empty outside a tenant."""
    tenant = getattr(connection, "tenant", None)
    try:
        domain = tenant.get_primary_domain().domain if tenant is not None else ""
    except Exception:  # no domain: relative links only
        domain = ""
    if not domain:
        return ""
    scheme = str(getattr(settings, "AMBITO_SITE_SCHEME", "") or "https").lower()
    port = str(getattr(settings, "AMBITO_SITE_PORT", "") or "").strip()
    if port and port != DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{domain}:{port}"
    return f"{scheme}://{domain}"
