"""The segretariato's figures (seed 003, back office: "monitoraggio della domanda e
dell'offerta"): contacts of a period by front office, channel, who made the contact, area
of the need, service asked for, outcome and referral. Every scheda counts, anonymous
ones too; a scheda written before front offices were recorded counts as "non indicato"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from services.core.export import Cell, Exporter

from .models import AreaTarget, SchedaAccesso, Sportello

TOP_RICHIESTE = 15


@dataclass(frozen=True)
class Tabella:
    chiave: str
    titolo: str
    righe: list[tuple[str, int]]


@dataclass
class Cifre:
    dal: date
    al: date
    sportello: Sportello | None
    totale: int
    tabelle: list[Tabella] = field(default_factory=list)
    # Front office x channel, for the chart: labels (front offices), one series per channel.
    incrocio: dict[str, Any] = field(default_factory=dict)


def _non_indicato() -> str:
    return _("Non indicato")


def _per(qs: QuerySet[SchedaAccesso], campo: str, labels: dict[str, Any],
         vuoto: str) -> list[tuple[str, int]]:
    counts = dict(qs.values_list(campo).annotate(n=Count("id")).values_list(campo, "n"))
    righe = [(str(label), counts.pop(value, 0)) for value, label in labels.items()]
    righe = [r for r in righe if r[1]]
    missing = counts.pop("", 0) + counts.pop(None, 0)
    righe += [(str(v), n) for v, n in counts.items()]  # values no longer among the choices
    if missing:
        righe.append((vuoto, missing))
    return righe


def _sportelli(qs: QuerySet[SchedaAccesso]) -> list[tuple[str, int]]:
    counts: dict[int | None, int] = dict(qs.values_list("sportello_id").annotate(n=Count("id"))
                                         .values_list("sportello_id", "n"))
    nomi = dict(Sportello.objects.filter(pk__in=[k for k in counts if k])
                .values_list("pk", "nome"))
    righe = sorted(((nomi[k], n) for k, n in counts.items() if k is not None),
                   key=lambda r: r[0].lower())
    senza = counts.get(None, 0)
    if senza:
        righe.append((_non_indicato(), senza))
    return righe


def _richieste(qs: QuerySet[SchedaAccesso]) -> list[tuple[str, int]]:
    """Services asked for, grouped regardless of case and spacing; the most frequent first,
    the rest together."""
    counter: Counter[str] = Counter()
    shown: dict[str, str] = {}
    vuote = 0
    for value, n in qs.values_list("servizio_richiesto").annotate(n=Count("id")):
        key = " ".join(value.split()).lower()
        if not key:
            vuote += n
            continue
        counter[key] += n
        shown.setdefault(key, " ".join(value.split()))
    common = counter.most_common()
    righe = [(shown[k], n) for k, n in common[:TOP_RICHIESTE]]
    altre = sum(n for _k, n in common[TOP_RICHIESTE:])
    if altre:
        righe.append((_("Altre richieste"), altre))
    if vuote:
        righe.append((_non_indicato(), vuote))
    return righe


def _invii(qs: QuerySet[SchedaAccesso]) -> list[tuple[str, int]]:
    """Where the contacts were referred: the resources of the territory proposed (a scheda
    may name several) and the forwards to the social worker or reports to the court."""
    E = SchedaAccesso.Esito
    righe = [(str(E(e).label), qs.filter(esito=e).count())
             for e in (E.INOLTRO_AS, E.SEGNALAZIONE_AG)]
    risorse = (qs.filter(risorse_proposte__isnull=False)
               .values_list("risorse_proposte__nome").annotate(n=Count("id", distinct=True))
               .order_by("-n", "risorse_proposte__nome"))
    righe += [(_("Risorsa: %(n)s") % {"n": nome}, n) for nome, n in risorse]
    return [r for r in righe if r[1]]


def segretariato_cifre(*, dal: date, al: date, sportello: Sportello | None = None) -> Cifre:
    """The contacts from ``dal`` to ``al`` (contact dates, both included), of one front
    office or of all."""
    qs = SchedaAccesso.objects.filter(data__date__gte=dal, data__date__lte=al)
    if sportello is not None:
        qs = qs.filter(sportello=sportello)
    qs = qs.order_by()
    S = SchedaAccesso
    cifre = Cifre(dal=dal, al=al, sportello=sportello, totale=qs.count())
    cifre.tabelle = [
        Tabella("sportello", _("Per sportello"), _sportelli(qs)),
        Tabella("canale", _("Per canale"), _per(qs, "canale", dict(S.Canale.choices),
                                               _non_indicato())),
        Tabella("interlocutore", _("Per chi si è rivolto al servizio"),
                _per(qs, "interlocutore_tipo", dict(S.Interlocutore.choices), _non_indicato())),
        Tabella("richiesta", _("Per servizio richiesto"), _richieste(qs)),
        Tabella("bisogno", _("Per area del bisogno"),
                _per(qs, "area_bisogno", dict(AreaTarget.choices), _non_indicato())),
        Tabella("esito", _("Per esito"), _per(qs, "esito", dict(S.Esito.choices),
                                             _("Ancora aperta"))),
        Tabella("invio", _("Invii"), _invii(qs)),
    ]
    cifre.incrocio = _incrocio(qs)
    return cifre


def _incrocio(qs: QuerySet[SchedaAccesso]) -> dict[str, Any]:
    rows = qs.values_list("sportello_id", "canale").annotate(n=Count("id"))
    nomi = dict(Sportello.objects.values_list("pk", "nome"))
    keys = sorted({r[0] for r in rows}, key=lambda k: (k is None, nomi.get(k, "").lower()))
    labels = [nomi[k] if k else _non_indicato() for k in keys]
    datasets = []
    for canale, label in SchedaAccesso.Canale.choices:
        data = [next((n for s, c, n in rows if s == k and c == canale), 0) for k in keys]
        if any(data):
            datasets.append({"label": str(label), "canale": canale, "data": data})
    return {"labels": labels, "datasets": datasets}


class CifreExporter(Exporter):
    """The figures page as a workbook: one sheet per breakdown, and front office by
    channel."""

    def __init__(self, cifre: Cifre, ente_nome: str) -> None:
        self.cifre = cifre
        self.ente_nome = ente_nome

    @property
    def filename(self) -> str:  # type: ignore[override]
        return f"segretariato_{self.cifre.dal:%Y%m%d}_{self.cifre.al:%Y%m%d}"

    def tables(self) -> Iterable[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]:
        c = self.cifre
        info: list[Sequence[Cell]] = [
            (_("Ente"), self.ente_nome), (_("Dal"), c.dal), (_("Al"), c.al),
            (_("Sportello"), c.sportello.nome if c.sportello else _("Tutti")),
            (_("Contatti"), c.totale),
        ]
        yield _("Riepilogo"), (_("Voce"), _("Valore")), info
        for t in c.tabelle:
            yield t.titolo, (t.titolo, _("Contatti")), t.righe
        canali = [d["label"] for d in c.incrocio["datasets"]]
        righe = [(label, *(d["data"][i] for d in c.incrocio["datasets"]))
                 for i, label in enumerate(c.incrocio["labels"])]
        yield _("Sportello e canale"), (_("Sportello"), *canali), righe
