"""Writing, sealing and verifying the audit trail of the current schema.

The chain: each seal covers the entries written since the previous seal and its digest
starts from the previous seal's digest. Every seal is also anchored in the public schema
(``AuditAnchor``: seal number, count, digest), so removing the newest seals — or the
whole trail — leaves anchors that point at nothing. Verification (``audit_verify``) checks
all of it and the database protection itself; ``audit_verification_run`` records the
result, and a broken chain is the alert of the integrity page, an ERROR in the log and an
entry in the trail.

What an attacker holding the application's database role can and cannot do, once the
deploy step ran (``deploy/postgresql/audit.sql``): they cannot UPDATE (but the one
``sealed_in`` step the trigger allows), DELETE, TRUNCATE, ALTER, DROP or disable the
triggers of the entries, seals or anchors, nor drop the schema or replace the trigger
functions (all owned by ``ambito_audit_owner``). They can add entries, seals and anchors:
fake seals or anchors do not verify and raise the alert; they can mark an unsealed entry as
sealed by an existing seal, which breaks that seal's digest and raises it too. Only a
superuser can edit or remove rows; what a superuser does is detected unless they rewrite
the chain and the anchors consistently — the defence against that is the backups and the
seal digests also written to the log (journald) at every seal.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditAnchor, AuditEntry, AuditSeal, AuditVerification

log = logging.getLogger(__name__)

# pg_advisory_xact_lock(class, key): one sealer per schema at a time. A row lock on the last
# seal would need UPDATE on the seals, which the application role does not have (and there
# is no row to lock before the first seal).
_SEAL_LOCK_CLASS = 0x41554454  # "AUDT"


def _actor_label(user: object) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "sistema"
    return getattr(user, "email", "") or str(user)


def audit_log(
    *,
    action: str,
    actor: object | None = None,
    obj: models.Model | None = None,
    payload: dict | None = None,
    ip_address: str | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Record one action (namespaced code such as ``comune.creato``) in the current schema's
    trail. Call it inside the transaction of the write it describes. ``object_type`` and
    ``object_id`` name an object without loading it (a refused request for one), when no
    ``obj`` is given."""
    if obj is not None:
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", None) if actor is not None else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=object_id,
        ip_address=ip_address,
        payload=payload or {},
    )


def _entry_digest(previous: str, entry: AuditEntry) -> str:
    material = json.dumps(
        [
            previous,
            entry.pk,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.ip_address,
            entry.payload,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _schema() -> str:
    return str(getattr(connection, "schema_name", "public"))


def audit_seal(*, batch_size: int = 5000) -> AuditSeal | None:
    """Seal the entries written since the last seal into the hash chain and anchor the seal
    in the public schema. Running it twice in a row seals nothing the second time (returns
    None)."""
    schema = _schema()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                           [_SEAL_LOCK_CLASS, schema])
        last = AuditSeal.objects.order_by("-id").first()
        previous = last.digest if last else ""
        entries = list(
            AuditEntry.objects.filter(sealed_in__isnull=True).order_by("id")[:batch_size]
        )
        if not entries:
            return None
        digest = previous
        for entry in entries:
            digest = _entry_digest(digest, entry)
        seal = AuditSeal.objects.create(
            first_entry_id=entries[0].pk,
            last_entry_id=entries[-1].pk,
            entry_count=len(entries),
            previous_digest=previous,
            digest=digest,
        )
        AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).update(sealed_in=seal)
        seal_count = AuditSeal.objects.count()
        AuditAnchor.objects.create(schema_name=schema, seal_id=seal.pk, seal_count=seal_count,
                                   last_entry_id=seal.last_entry_id, digest=digest)
    # A copy outside the database: the log keeps every seal's digest.
    log.info("audit seal schema=%s seal=%s count=%s entries=%s-%s digest=%s", schema, seal.pk,
             seal_count, seal.first_entry_id, seal.last_entry_id, digest)
    return seal


@dataclass(frozen=True)
class AuditProblem:
    kind: str
    message: str
    seal_id: int | None = None


@dataclass
class AuditCheck:
    seal_count: int = 0
    entry_count: int = 0
    unsealed_count: int = 0
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def broken_seal_ids(self) -> list[int]:
        return sorted({p.seal_id for p in self.problems if p.seal_id is not None})


def _sealed_entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.filter(sealed_in__isnull=False).order_by(
        "sealed_in_id", "id").iterator(chunk_size=2000)


def _check_seals(check: AuditCheck) -> dict[int, AuditSeal]:
    seals = {s.pk: s for s in AuditSeal.objects.order_by("id")}
    check.seal_count = len(seals)
    computed: dict[int, tuple[str, int, int | None, int | None]] = {}
    orphans: set[int] = set()
    current: int | None = None
    digest = count = 0
    first = last = None
    chain_start = ""

    def close() -> None:
        if current is not None:
            computed[current] = (str(digest), int(count), first, last)

    for entry in _sealed_entries():
        check.entry_count += 1
        if entry.sealed_in_id != current:
            close()
            current = entry.sealed_in_id
            seal = seals.get(current)  # type: ignore[arg-type]
            if seal is None:
                orphans.add(current)  # type: ignore[arg-type]
            chain_start = seal.previous_digest if seal else ""
            digest, count, first = chain_start, 0, entry.pk  # type: ignore[assignment]
        digest = _entry_digest(digest, entry)  # type: ignore[assignment,arg-type]
        count += 1
        last = entry.pk
    close()

    for seal_id in sorted(orphans):
        check.problems.append(AuditProblem(
            "sigillo_mancante",
            _("Ci sono voci sigillate dal sigillo n. %(n)s, che non esiste più: il sigillo è "
              "stato cancellato.") % {"n": seal_id}, seal_id))
    previous = ""
    for seal in seals.values():
        if seal.previous_digest != previous:
            check.problems.append(AuditProblem(
                "catena_interrotta",
                _("Il sigillo n. %(n)s non prosegue il sigillo precedente: un sigillo è stato "
                  "cancellato o sostituito.") % {"n": seal.pk}, seal.pk))
        got_digest, got_count, got_first, got_last = computed.get(
            seal.pk, (seal.previous_digest, 0, None, None))
        if got_count != seal.entry_count or (got_count and (
                got_first != seal.first_entry_id or got_last != seal.last_entry_id)):
            check.problems.append(AuditProblem(
                "voci_mancanti",
                _("Il sigillo n. %(n)s copre %(attese)s voci, nel registro ne restano "
                  "%(trovate)s: voci cancellate.")
                % {"n": seal.pk, "attese": seal.entry_count, "trovate": got_count}, seal.pk))
        elif got_digest != seal.digest:
            check.problems.append(AuditProblem(
                "voci_alterate",
                _("Le voci del sigillo n. %(n)s (dalla %(da)s alla %(a)s) sono state "
                  "modificate dopo la sigillatura.")
                % {"n": seal.pk, "da": seal.first_entry_id, "a": seal.last_entry_id}, seal.pk))
        previous = seal.digest
    return seals


def _check_anchors(check: AuditCheck, seals: dict[int, AuditSeal]) -> None:
    ids = sorted(seals)
    anchors = list(AuditAnchor.objects.filter(schema_name=_schema()).order_by("seal_id", "id"))
    missing: list[AuditAnchor] = []
    for anchor in anchors:
        seal = seals.get(anchor.seal_id)
        if seal is None or seal.digest != anchor.digest:
            missing.append(anchor)
            continue
        if sum(1 for i in ids if i <= anchor.seal_id) != anchor.seal_count:
            check.problems.append(AuditProblem(
                "sigilli_mancanti",
                _("Prima del sigillo n. %(n)s risultavano %(attesi)s sigilli: alcuni sono stati "
                  "cancellati.") % {"n": anchor.seal_id, "attesi": anchor.seal_count},
                anchor.seal_id))
    if missing:
        newest = missing[-1]
        check.problems.append(AuditProblem(
            "sigillo_mancante",
            _("%(k)s sigilli registrati nello schema pubblico non si trovano più nel registro "
              "(l'ultimo: n. %(n)s del %(quando)s, che copriva le voci fino alla %(voce)s): "
              "sigilli o registro cancellati.")
            % {"k": len(missing), "n": newest.seal_id, "voce": newest.last_entry_id,
               "quando": timezone.localtime(newest.at).strftime("%d/%m/%Y %H:%M")},
            newest.seal_id))


# (table, trigger) that must exist and fire always, in every schema.
_TRIGGERS = [
    ("core_auditentry", "core_auditentry_append_only"),
    ("core_auditentry", "core_auditentry_no_truncate"),
    ("core_auditseal", "core_auditseal_append_only"),
    ("core_auditseal", "core_auditseal_no_truncate"),
]
AUDIT_OWNER = "ambito_audit_owner"


def _check_protection(check: AuditCheck) -> None:
    schema = _schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND NOT t.tgisinternal", [schema])
        found = {(rel, name): enabled for rel, name, enabled in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname IN ('core_auditentry', 'core_auditseal')",
            [schema])
        owners = dict(cursor.fetchall())
    for table, trigger in _TRIGGERS:
        if found.get((table, trigger)) != "A":
            check.problems.append(AuditProblem(
                "protezione",
                _("La protezione del registro nel database è stata tolta (%(t)s: %(g)s "
                  "assente o disattivato).") % {"t": table, "g": trigger}))
    if _audit_owner_exists() and any(owner != AUDIT_OWNER for owner in owners.values()):
        check.problems.append(AuditProblem(
            "protezione",
            _("Le tabelle del registro non appartengono al ruolo %(r)s: l'applicazione "
              "potrebbe cancellarle. Eseguire deploy/postgresql/audit.sql.")
            % {"r": AUDIT_OWNER}))


def _audit_owner_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [AUDIT_OWNER])
        return cursor.fetchone() is not None


def audit_verify() -> AuditCheck:
    """Recompute the current schema's chain and compare it with its seals and anchors."""
    check = AuditCheck()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            # One snapshot for the whole check: a seal made meanwhile is not half-seen.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        seals = _check_seals(check)
        _check_anchors(check, seals)
        check.unsealed_count = AuditEntry.objects.filter(sealed_in__isnull=True).count()
        _check_protection(check)
    return check


def audit_verification_run(*, verification_id: int | None = None) -> AuditVerification:
    """Check the chain and record the outcome (on the given request, or on a new record for
    a scheduled check). A broken chain is logged at ERROR and written to the trail."""
    verification = None
    if verification_id is not None:
        verification = AuditVerification.objects.filter(pk=verification_id).first()
    if verification is None:
        verification = AuditVerification.objects.create(requested_by_label="sistema")
    elif verification.is_finished:
        return verification  # a redelivered task: already done
    try:
        check = audit_verify()
    except Exception:
        log.exception("audit verification of %s failed", _schema())
        verification.outcome = AuditVerification.Outcome.FAILED
        verification.finished_at = timezone.now()
        verification.save(update_fields=["outcome", "finished_at"])
        raise
    verification.outcome = (AuditVerification.Outcome.INTACT if check.ok
                            else AuditVerification.Outcome.BROKEN)
    verification.finished_at = timezone.now()
    verification.seal_count = check.seal_count
    verification.entry_count = check.entry_count
    verification.unsealed_count = check.unsealed_count
    verification.problems = [asdict(p) for p in check.problems]
    with transaction.atomic():
        verification.save(update_fields=["outcome", "finished_at", "seal_count", "entry_count",
                                         "unsealed_count", "problems"])
        if not check.ok:
            audit_log(action="registro.integrita_compromessa", obj=verification,
                      payload={"problemi": [p.kind for p in check.problems],
                               "sigilli": check.broken_seal_ids})
    if check.ok:
        log.info("audit chain of %s intact: %s seals, %s entries", _schema(), check.seal_count,
                 check.entry_count)
    else:
        log.error("AUDIT CHAIN BROKEN in schema %s: %s", _schema(),
                  "; ".join(f"{p.kind}: {p.message}" for p in check.problems))
    return verification
