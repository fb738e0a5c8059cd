"""E-mails for the inbox lines of the Tribunale per i minorenni. The task runs in the schema
that queued it and takes the notification ids: a notification already mailed is not mailed
again (the cache remembers it for a week), so a retried task sends nothing twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from services.core.queue import current_schema

log = logging.getLogger(__name__)

SENT_FOR = 7 * 24 * 3600


@shared_task(name="services.tribunale.tasks.invia_email_notifiche", acks_late=True)
def invia_email_notifiche(notifica_ids: list[int], oggetto: str) -> int:
    from services.pai.models import Notifica
    from tenants.models import User

    from .notifiche import indirizzo_sito

    sito = indirizzo_sito()
    inviate = 0
    notifiche = Notifica.objects.filter(pk__in=notifica_ids)
    utenti = {u.pk: u for u in User.objects.filter(
        pk__in=[n.destinatario_id for n in notifiche], is_active=True).exclude(email="")}
    for notifica in notifiche:
        user = utenti.get(notifica.destinatario_id)
        if user is None:
            continue
        key = f"tribunale-mail:{current_schema()}:{notifica.pk}"
        if not cache.add(key, 1, SENT_FOR):
            continue
        corpo = notifica.testo
        if notifica.link:
            corpo += "\n\n" + _("Apri: %(url)s") % {"url": f"{sito}{notifica.link}"}
        try:
            send_mail(oggetto, corpo, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            cache.delete(key)
            log.exception("e-mail for notifica %s not sent", notifica.pk)
            raise
        inviate += 1
    return inviate
