"""Creating regions, zones and comuni, and moving a comune between zones.

Every function is idempotent: called again with the same data it returns what exists and
changes nothing. Bad input raises an ``AmbitoError`` subclass with an Italian message, and
nothing is written: the rows and the schema are made in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from services.core.audit import audit_log
from services.core.errors import AlreadyExists, NotFound, ValidationFailed

from ..models import Comune, Domain, Ente, Regione, Zona
from .schemas import schema_clone_for, template_ensure

T = TypeVar("T")
Progress = Callable[[int, str], None]

ISTAT_COMUNE = re.compile(r"^\d{6}$")
ISTAT_REGIONE = re.compile(r"^\d{2}$")
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
ZONA_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")


@dataclass(frozen=True)
class Provisioned(Generic[T]):
    obj: T
    created: bool


def _no_progress(_pct: int, _msg: str) -> None:
    return None


def _clean_slug(slug: str | None, fallback: str) -> str:
    value = (slug or slugify(fallback)).strip().lower()
    if not SLUG.match(value):
        raise ValidationFailed(
            _(
                "L'indirizzo «%(slug)s» non è valido: usa da 3 a 40 caratteri tra lettere "
                "minuscole, cifre e trattini, iniziando con una lettera."
            )
            % {"slug": value},
            field="slug",
        )
    if value in settings.AMBITO_SLUG_RESERVED or value.startswith("template"):
        raise ValidationFailed(
            _("L'indirizzo «%(slug)s» è riservato alla piattaforma.") % {"slug": value},
            field="slug",
        )
    return value


def _check_slug_free(slug: str, *, except_ente: Ente | None = None) -> None:
    taken = Ente.objects.filter(slug=slug)
    if except_ente is not None:
        taken = taken.exclude(pk=except_ente.pk)
    if taken.exists():
        raise AlreadyExists(
            _("L'indirizzo «%(slug)s» è già usato da un altro ente.") % {"slug": slug},
            field="slug",
        )


def _required(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_("Il campo «%(label)s» è obbligatorio.") % {"label": label}, field=field)
    return value


def _make_ente(*, tenant_type: str, schema_name: str, name: str, slug: str) -> Ente:
    """Create the tenant row, its domain and its schema. Call inside a transaction."""
    ente = Ente(type=tenant_type, schema_name=schema_name, name=name, slug=slug)
    try:
        ente.full_clean()
    except ValidationError as exc:
        raise ValidationFailed("; ".join(exc.messages)) from exc
    ente.save()
    Domain.objects.create(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=ente, is_primary=True)
    if schema_exists(schema_name):
        # Never adopt (or drop) a schema the platform does not know: a human decides.
        raise AlreadyExists(
            _("Lo schema %(schema)s esiste già nel database senza un ente registrato.")
            % {"schema": schema_name}
        )
    schema_clone_for(ente)
    return ente


def repair_schema(ente: Ente) -> None:
    """An ente whose schema is missing (restored registry, interrupted manual work)."""
    if not schema_exists(ente.schema_name):
        with transaction.atomic():
            schema_clone_for(ente)


# --- regione ------------------------------------------------------------------------------


def regione_create(
    *, istat_code: str, name: str, slug: str | None = None, actor: object | None = None
) -> Provisioned[Regione]:
    istat_code = (istat_code or "").strip()
    if not ISTAT_REGIONE.match(istat_code):
        raise ValidationFailed(
            _("Il codice ISTAT della regione «%(code)s» non è valido: servono 2 cifre.")
            % {"code": istat_code},
            field="istat_code",
        )
    name = _required(name, "name", _("nome"))
    slug = _clean_slug(slug, f"regione-{name}")

    existing = Regione.objects.select_related("ente").filter(istat_code=istat_code).first()
    if existing is not None:
        if existing.name != name or existing.ente.slug != slug:
            raise AlreadyExists(
                _("Il codice ISTAT %(code)s è già usato dalla regione %(name)s.")
                % {"code": istat_code, "name": existing.name},
                field="istat_code",
            )
        repair_schema(existing.ente)
        return Provisioned(existing, created=False)

    _check_slug_free(slug)
    template_ensure(Ente.Type.REGIONE)
    try:
        with transaction.atomic():
            ente = _make_ente(
                tenant_type=Ente.Type.REGIONE,
                schema_name=f"regione_{istat_code}",
                name=name,
                slug=slug,
            )
            regione = Regione.objects.create(istat_code=istat_code, name=name, ente=ente)
            audit_log(action="regione.creata", actor=actor, obj=regione,
                      payload={"istat_code": istat_code, "name": name})
    except IntegrityError as exc:
        raise AlreadyExists(_("Esiste già una regione con questi dati.")) from exc
    return Provisioned(regione, created=True)


# --- zona ---------------------------------------------------------------------------------


def zona_create(
    *,
    code: str,
    name: str,
    regione_istat: str,
    slug: str | None = None,
    actor: object | None = None,
) -> Provisioned[Zona]:
    code = (code or "").strip().upper()
    if not ZONA_CODE.match(code):
        raise ValidationFailed(
            _("Il codice ambito «%(code)s» non è valido: fino a 20 tra lettere, cifre, punti e trattini.")
            % {"code": code},
            field="code",
        )
    name = _required(name, "name", _("nome"))
    regione = Regione.objects.filter(istat_code=(regione_istat or "").strip()).first()
    if regione is None:
        raise NotFound(
            _("La regione con codice ISTAT «%(code)s» non esiste.") % {"code": regione_istat},
            field="regione",
        )
    slug = _clean_slug(slug, name)

    existing = Zona.objects.select_related("ente").filter(code=code).first()
    if existing is not None:
        if existing.name != name or existing.regione_id != regione.pk or existing.ente.slug != slug:
            raise AlreadyExists(
                _("Il codice ambito %(code)s è già usato dall'ambito %(name)s.")
                % {"code": code, "name": existing.name},
                field="code",
            )
        repair_schema(existing.ente)
        return Provisioned(existing, created=False)

    _check_slug_free(slug)
    template_ensure(Ente.Type.ZONA)
    try:
        with transaction.atomic():
            ente = _make_ente(
                tenant_type=Ente.Type.ZONA,
                schema_name=f"zona_{slug.replace('-', '_')}",
                name=name,
                slug=slug,
            )
            zona = Zona.objects.create(code=code, name=name, regione=regione, ente=ente)
            audit_log(action="zona.creata", actor=actor, obj=zona,
                      payload={"code": code, "name": name, "regione": regione.istat_code})
    except IntegrityError as exc:
        raise AlreadyExists(_("Esiste già un ambito con questi dati.")) from exc
    return Provisioned(zona, created=True)


def zona_set_capofila(*, zona_code: str, comune_istat: str, actor: object | None = None) -> Zona:
    with transaction.atomic():
        zona = Zona.objects.select_for_update().filter(code=(zona_code or "").strip().upper()).first()
        if zona is None:
            raise NotFound(_("L'ambito «%(code)s» non esiste.") % {"code": zona_code}, field="zona")
        comune = Comune.objects.filter(istat_code=(comune_istat or "").strip()).first()
        if comune is None:
            raise NotFound(
                _("Il comune con codice ISTAT «%(code)s» non esiste.") % {"code": comune_istat},
                field="capofila",
            )
        if comune.zona_id != zona.pk:
            raise ValidationFailed(
                _("Il comune di %(comune)s non fa parte dell'ambito %(zona)s: non può esserne capofila.")
                % {"comune": comune.name, "zona": zona.code},
                field="capofila",
            )
        if zona.capofila_id == comune.pk:
            return zona
        previous = zona.capofila.istat_code if zona.capofila else None
        zona.capofila = comune
        zona.save(update_fields=["capofila", "updated_at"])
        audit_log(action="zona.capofila_cambiato", actor=actor, obj=zona,
                  payload={"da": previous, "a": comune.istat_code})
        return zona


# --- comune -------------------------------------------------------------------------------


def comune_create(
    *,
    istat_code: str,
    name: str,
    zona_code: str,
    slug: str | None = None,
    belfiore_code: str = "",
    provincia: str = "",
    population: int | None = None,
    actor: object | None = None,
    progress: Progress = _no_progress,
) -> Provisioned[Comune]:
    progress(5, _("Controllo dei dati"))
    istat_code = (istat_code or "").strip()
    if not ISTAT_COMUNE.match(istat_code):
        raise ValidationFailed(
            _("Il codice ISTAT del comune «%(code)s» non è valido: servono 6 cifre.")
            % {"code": istat_code},
            field="istat_code",
        )
    name = _required(name, "name", _("nome"))
    belfiore_code = (belfiore_code or "").strip().upper()
    if belfiore_code and not re.match(r"^[A-Z]\d{3}$", belfiore_code):
        raise ValidationFailed(
            _("Il codice catastale «%(code)s» non è valido (es. H501).") % {"code": belfiore_code},
            field="belfiore_code",
        )
    provincia = (provincia or "").strip().upper()
    if provincia and not re.match(r"^[A-Z]{2}$", provincia):
        raise ValidationFailed(_("La sigla della provincia è di 2 lettere."), field="provincia")
    if population is not None and population < 0:
        raise ValidationFailed(_("Il numero di abitanti non può essere negativo."), field="population")
    zona = Zona.objects.filter(code=(zona_code or "").strip().upper()).first()
    if zona is None:
        raise NotFound(
            _("L'ambito «%(code)s» non esiste: crealo prima del comune.") % {"code": zona_code},
            field="zona",
        )
    slug = _clean_slug(slug, name)

    existing = Comune.objects.select_related("ente", "zona").filter(istat_code=istat_code).first()
    if existing is not None:
        if existing.name != name or existing.ente.slug != slug or existing.zona_id != zona.pk:
            raise AlreadyExists(
                _("Il codice ISTAT %(code)s è già usato dal comune di %(name)s (ambito %(zona)s).")
                % {"code": istat_code, "name": existing.name, "zona": existing.zona.code},
                field="istat_code",
            )
        repair_schema(existing.ente)
        progress(100, _("Il comune esisteva già: nulla da fare"))
        return Provisioned(existing, created=False)

    _check_slug_free(slug)
    progress(20, _("Verifica dello schema modello"))
    template_ensure(Ente.Type.COMUNE)
    progress(50, _("Creazione dello schema del comune"))
    try:
        with transaction.atomic():
            ente = _make_ente(
                tenant_type=Ente.Type.COMUNE,
                schema_name=f"comune_{istat_code}",
                name=f"Comune di {name}",
                slug=slug,
            )
            comune = Comune.objects.create(
                istat_code=istat_code,
                belfiore_code=belfiore_code,
                name=name,
                provincia=provincia,
                population=population,
                zona=zona,
                ente=ente,
            )
            audit_log(
                action="comune.creato",
                actor=actor,
                obj=comune,
                payload={"istat_code": istat_code, "name": name, "zona": zona.code,
                         "schema": ente.schema_name},
            )
    except IntegrityError as exc:
        raise AlreadyExists(
            _("Un altro utente ha appena creato un comune con questi dati.")
        ) from exc
    progress(100, _("Comune creato"))
    return Provisioned(comune, created=True)


def comune_move(*, istat_code: str, zona_code: str, actor: object | None = None) -> Comune:
    """Move a comune to another zone of the platform. Its schema and data stay as they are;
    what changes is which zone office aggregates it from now on."""
    with transaction.atomic():
        comune = (
            Comune.objects.select_for_update()
            .select_related("zona")
            .filter(istat_code=(istat_code or "").strip())
            .first()
        )
        if comune is None:
            raise NotFound(
                _("Il comune con codice ISTAT «%(code)s» non esiste.") % {"code": istat_code},
                field="istat_code",
            )
        target = Zona.objects.filter(code=(zona_code or "").strip().upper()).first()
        if target is None:
            raise NotFound(_("L'ambito «%(code)s» non esiste.") % {"code": zona_code}, field="zona")
        if comune.zona_id == target.pk:
            return comune
        if Zona.objects.filter(capofila=comune).exists():
            raise ValidationFailed(
                _(
                    "Il comune di %(comune)s è capofila dell'ambito %(zona)s: indica prima un "
                    "altro capofila."
                )
                % {"comune": comune.name, "zona": comune.zona.code},
                field="zona",
            )
        previous = comune.zona.code
        comune.zona = target
        comune.save(update_fields=["zona", "updated_at"])
        audit_log(action="comune.spostato", actor=actor, obj=comune,
                  payload={"da": previous, "a": target.code})
        return comune
