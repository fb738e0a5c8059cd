"""The region configures its own reporting forms: the service rules, the pages on the
region's host (and only there), copies, and the preview on a zone's plan."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from services.core.errors import AlreadyExists, NotAllowed, ValidationFailed
from services.core.models import AuditEntry
from tenants.roles import ROLE_CAPABILITIES, Capability, Role
from tests.conftest import client_for
from zone.piano import services
from zone.piano.models import ModelloRendiconto, RigaModello

from .conftest import actor

NAZIONALE = "00"
RIGA = {"sezione": "A. Spesa", "etichetta": "Anziani — impegnato", "area_target": "anziani",
        "tipo_fonte": "", "prefisso_codice_prestazione": "", "misura": "impegnato"}


def nazionale() -> ModelloRendiconto:
    return ModelloRendiconto.objects.get(regione_istat=NAZIONALE, codice="sioss-fondi-nazionali")


def esempio_umbria() -> ModelloRendiconto:
    return ModelloRendiconto.objects.get(regione_istat="10", codice="esempio-rendiconto-annuale")


def righe(modello: ModelloRendiconto) -> list[tuple]:
    return list(modello.righe.order_by("ordine").values_list(
        "ordine", "sezione", "etichetta", "area_target", "tipo_fonte",
        "prefisso_codice_prestazione", "misura"))


def snapshot() -> tuple:
    """Everything the region's forms hold, to prove a refused write changed nothing."""
    return (list(ModelloRendiconto.objects.order_by("pk").values_list(
                "pk", "regione_istat", "codice", "titolo", "descrizione", "esempio")),
            list(RigaModello.objects.order_by("pk").values_list(
                "pk", "modello_id", "ordine", "sezione", "etichetta", "area_target", "tipo_fonte",
                "prefisso_codice_prestazione", "misura")))


@pytest.fixture
def regionale(cast) -> ModelloRendiconto:
    """A form of the test region (Umbria) with three rows."""
    a = actor(cast.osservatore)
    m = services.modello_create(actor=a, regione=cast.regione, codice="rendiconto-2026",
                                titolo="Rendiconto annuale 2026", descrizione="Atto DGR 1/2026")
    services.riga_create(actor=a, regione=cast.regione, modello=m, sezione="A. Risorse",
                         etichetta="Totale programmato", misura="programmato")
    services.riga_create(actor=a, regione=cast.regione, modello=m, sezione="A. Risorse",
                         etichetta="FNPS programmato", tipo_fonte="fnps", misura="programmato")
    services.riga_create(actor=a, regione=cast.regione, modello=m, **RIGA)
    return m


@pytest.fixture
def altrui() -> ModelloRendiconto:
    """A form of another region (Toscana)."""
    m = ModelloRendiconto.objects.create(regione_istat="09", codice="toscana", titolo="Toscana")
    RigaModello.objects.create(modello=m, ordine=1, etichetta="Totale", misura="programmato")
    return m


# --- the capability ------------------------------------------------------------------------


def test_only_the_regional_observer_configures_the_forms():
    holders = {r for r, caps in ROLE_CAPABILITIES.items()
               if Capability.MANAGE_MODELLI_RENDICONTO in caps}
    assert holders == {Role.OSSERVATORE_REGIONALE}


# --- the services --------------------------------------------------------------------------


def test_a_form_is_created_with_its_rows_in_order_and_audited(cast, regionale):
    assert regionale.regione_istat == "10"
    assert not regionale.esempio
    assert [r[0] for r in righe(regionale)] == [1, 2, 3]
    assert AuditEntry.objects.filter(action="modello_rendiconto.creato",
                                     object_id=str(regionale.public_id)).exists()
    assert AuditEntry.objects.filter(action="modello_rendiconto.riga_aggiunta").count() == 3


@pytest.mark.parametrize(("dati", "errore", "campo"), [
    ({"codice": "", "titolo": "T"}, ValidationFailed, "codice"),
    ({"codice": "con spazi", "titolo": "T"}, ValidationFailed, "codice"),
    ({"codice": "nuovo", "titolo": "  "}, ValidationFailed, "titolo"),
    ({"codice": "x" * 41, "titolo": "T"}, ValidationFailed, "codice"),
    ({"codice": "rendiconto-2026", "titolo": "Doppione"}, AlreadyExists, "codice"),
])
def test_a_bad_form_is_refused_and_nothing_changes(cast, regionale, dati, errore, campo):
    prima = snapshot()
    with pytest.raises(errore) as exc:
        services.modello_create(actor=actor(cast.osservatore), regione=cast.regione, **dati)
    assert exc.value.field == campo
    assert str(exc.value)  # an Italian sentence for the user
    assert snapshot() == prima


def test_the_code_is_unique_per_region_only(cast, altrui):
    m = services.modello_create(actor=actor(cast.osservatore), regione=cast.regione,
                                codice="toscana", titolo="Lo stesso codice, un'altra regione")
    assert m.regione_istat == "10"


@pytest.mark.parametrize(("dati", "campo"), [
    ({**RIGA, "etichetta": "  "}, "etichetta"),
    ({**RIGA, "misura": "speso"}, "misura"),
    ({**RIGA, "misura": ""}, "misura"),
    ({**RIGA, "area_target": "giovani"}, "area_target"),
    ({**RIGA, "tipo_fonte": "europeo"}, "tipo_fonte"),
    ({**RIGA, "prefisso_codice_prestazione": "A1 %"}, "prefisso_codice_prestazione"),
    ({**RIGA, "prefisso_codice_prestazione": "A1-02"}, "prefisso_codice_prestazione"),
    ({**RIGA, "sezione": "s" * 121}, "sezione"),
])
def test_a_bad_row_is_refused_and_nothing_changes(cast, regionale, dati, campo):
    prima = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.riga_create(actor=actor(cast.osservatore), regione=cast.regione,
                             modello=regionale, **dati)
    assert exc.value.field == campo
    assert snapshot() == prima
    riga = regionale.righe.get(ordine=3)
    with pytest.raises(ValidationFailed):
        services.riga_update(actor=actor(cast.osservatore), regione=cast.regione, riga=riga,
                             **dati)
    assert snapshot() == prima


def test_a_row_is_edited_and_the_prefix_is_read_as_an_inps_code(cast, regionale):
    riga = regionale.righe.get(ordine=3)
    services.riga_update(actor=actor(cast.osservatore), regione=cast.regione, riga=riga,
                         etichetta="Domiciliare anziani", prefisso_codice_prestazione=" a1. ")
    riga.refresh_from_db()
    assert (riga.etichetta, riga.prefisso_codice_prestazione) == ("Domiciliare anziani", "A1.")
    entry = AuditEntry.objects.get(action="modello_rendiconto.riga_modificata")
    assert entry.payload["dopo"]["prefisso_codice_prestazione"] == "A1."


def test_rows_move_up_and_down_keeping_the_order_unique(cast, regionale):
    a = actor(cast.osservatore)
    terza = regionale.righe.get(ordine=3)
    services.riga_move(actor=a, regione=cast.regione, riga=terza, verso="su")
    assert [r[2] for r in righe(regionale)] == [
        "Totale programmato", "Anziani — impegnato", "FNPS programmato"]
    services.riga_move(actor=a, regione=cast.regione, riga=regionale.righe.get(ordine=2),
                       verso="su")
    services.riga_move(actor=a, regione=cast.regione, riga=regionale.righe.get(ordine=1),
                       verso="su")  # already at the top: nothing changes
    assert [r[0] for r in righe(regionale)] == [1, 2, 3]
    assert righe(regionale)[0][2] == "Anziani — impegnato"
    services.riga_move(actor=a, regione=cast.regione, riga=regionale.righe.get(ordine=3),
                       verso="giu")  # already at the bottom
    assert AuditEntry.objects.filter(action="modello_rendiconto.riga_spostata").count() == 2
    prima = snapshot()
    with pytest.raises(ValidationFailed):
        services.riga_move(actor=a, regione=cast.regione, riga=regionale.righe.get(ordine=2),
                           verso="di lato")
    assert snapshot() == prima


def test_a_row_is_deleted_and_new_rows_go_at_the_end(cast, regionale):
    a = actor(cast.osservatore)
    services.riga_delete(actor=a, regione=cast.regione, riga=regionale.righe.get(ordine=2))
    assert [r[0] for r in righe(regionale)] == [1, 3]
    nuova = services.riga_create(actor=a, regione=cast.regione, modello=regionale,
                                 etichetta="Liquidato", misura="liquidato")
    assert nuova.ordine == 4
    assert AuditEntry.objects.filter(action="modello_rendiconto.riga_eliminata").exists()


def test_title_and_description_change_and_an_empty_title_is_refused(cast, regionale):
    a = actor(cast.osservatore)
    services.modello_update(actor=a, regione=cast.regione, modello=regionale,
                            titolo="Rendiconto 2026 (DGR 5/2026)", descrizione="")
    regionale.refresh_from_db()
    assert (regionale.titolo, regionale.descrizione) == ("Rendiconto 2026 (DGR 5/2026)", "")
    prima = snapshot()
    with pytest.raises(ValidationFailed):
        services.modello_update(actor=a, regione=cast.regione,
                                modello=ModelloRendiconto.objects.get(pk=regionale.pk), titolo="")
    assert snapshot() == prima


def test_a_form_is_deleted_with_its_rows(cast, regionale):
    services.modello_delete(actor=actor(cast.osservatore), regione=cast.regione, modello=regionale)
    assert not ModelloRendiconto.objects.filter(pk=regionale.pk).exists()
    assert not RigaModello.objects.filter(modello_id=regionale.pk).exists()
    assert AuditEntry.objects.get(action="modello_rendiconto.eliminato").payload["righe"] == 3


def _writes(cast, modello: ModelloRendiconto):
    a, r = actor(cast.osservatore), cast.regione
    riga = modello.righe.order_by("ordine").first()
    return [
        lambda: services.modello_update(actor=a, regione=r, modello=modello, titolo="Mio"),
        lambda: services.riga_create(actor=a, regione=r, modello=modello, **RIGA),
        lambda: services.riga_update(actor=a, regione=r, riga=riga, etichetta="Mia"),
        lambda: services.riga_move(actor=a, regione=r, riga=riga, verso="giu"),
        lambda: services.riga_delete(actor=a, regione=r, riga=riga),
        lambda: services.modello_delete(actor=a, regione=r, modello=modello),
    ]


@pytest.mark.parametrize("di_chi", ["nazionale", "altra regione"])
def test_a_region_cannot_change_a_national_form_nor_another_regions(cast, altrui, di_chi):
    modello = nazionale() if di_chi == "nazionale" else altrui
    prima = snapshot()
    for write in _writes(cast, modello):
        with pytest.raises(NotAllowed):
            write()
    assert snapshot() == prima


def test_an_example_structure_is_copied_not_edited_but_may_be_withdrawn(cast):
    esempio = esempio_umbria()
    prima = snapshot()
    for write in _writes(cast, esempio)[:-1]:
        with pytest.raises(NotAllowed, match="esempio"):
            write()
    assert snapshot() == prima
    services.modello_delete(actor=actor(cast.osservatore), regione=cast.regione, modello=esempio)
    assert not ModelloRendiconto.objects.filter(pk=esempio.pk).exists()


@pytest.mark.parametrize("origine", [nazionale, esempio_umbria])
def test_a_copy_has_the_same_rows(cast, origine):
    da = origine()
    copia = services.modello_copy(actor=actor(cast.osservatore), regione=cast.regione,
                                  origine=da, codice="copia", titolo="La nostra versione")
    assert (copia.regione_istat, copia.esempio, copia.descrizione) == ("10", False, da.descrizione)
    assert righe(copia) == righe(da)
    assert len(righe(da)) > 10
    assert not set(copia.righe.values_list("pk", flat=True)) & set(da.righe.values_list("pk", flat=True))
    entry = AuditEntry.objects.get(action="modello_rendiconto.copiato")
    assert entry.payload["origine"] == str(da.public_id)
    # the copy is the region's own: it can be edited
    services.riga_delete(actor=actor(cast.osservatore), regione=cast.regione,
                         riga=copia.righe.order_by("ordine").first())
    assert len(righe(da)) == len(righe(copia)) + 1


def test_a_copy_needs_a_free_code_and_a_reachable_origin(cast, regionale, altrui):
    a = actor(cast.osservatore)
    prima = snapshot()
    with pytest.raises(AlreadyExists):
        services.modello_copy(actor=a, regione=cast.regione, origine=nazionale(),
                              codice="rendiconto-2026", titolo="Doppione")
    with pytest.raises(NotAllowed):
        services.modello_copy(actor=a, regione=cast.regione, origine=altrui, codice="presa",
                              titolo="Presa da un'altra regione")
    assert snapshot() == prima


# --- the pages -----------------------------------------------------------------------------


def pages(modello: ModelloRendiconto) -> list[str]:
    mid, rid = modello.public_id, modello.righe.order_by("ordine").first().public_id
    return ["/modelli/", "/modelli/nuovo/", "/modelli/copia/", f"/modelli/{mid}/",
            f"/modelli/{mid}/modifica/", f"/modelli/{mid}/elimina/",
            f"/modelli/{mid}/righe/{rid}/"]


def test_the_observer_sees_every_page(cast, regionale):
    c = client_for(cast.osservatore, cast.regione.ente)
    for path in [*pages(regionale), f"/modelli/{nazionale().public_id}/",
                 f"/modelli/copia/?da={nazionale().public_id}"]:
        assert c.get(path).status_code == 200, path
    html = c.get("/modelli/").content.decode()
    assert "Rendiconto annuale 2026" in html
    assert "Nazionale, sola lettura" in html
    assert 'href="/modelli/"' in c.get("/").content.decode()  # the menu entry


def test_the_pages_are_not_on_the_zone_nor_the_comune_host(cast, regionale):
    for user, ente in [(cast.coordinatore, cast.zona.ente),
                       (cast.by_role[Role.DIRIGENTE], cast.comune_a.ente)]:
        c = client_for(user, ente)
        for path in pages(regionale):
            assert c.get(path).status_code == 404, path
        assert c.post(f"/modelli/{regionale.public_id}/elimina/").status_code == 404
    assert ModelloRendiconto.objects.filter(pk=regionale.pk).exists()


def test_users_of_other_tenants_get_404_on_the_region_host(cast, regionale):
    for user in [cast.coordinatore, cast.by_role[Role.DIRIGENTE], cast.outsider]:
        c = client_for(user, cast.regione.ente)
        for path in pages(regionale):
            assert c.get(path).status_code == 404, path


def test_another_regions_form_is_404_and_a_national_one_read_only(cast, altrui):
    c = client_for(cast.osservatore, cast.regione.ente)
    prima = snapshot()
    mid, rid = altrui.public_id, altrui.righe.get().public_id
    assert c.get(f"/modelli/{mid}/").status_code == 404
    assert c.get(f"/modelli/copia/?da={mid}").status_code == 200  # not offered, no error
    for path in [f"/modelli/{mid}/modifica/", f"/modelli/{mid}/elimina/",
                 f"/modelli/{mid}/righe/nuova/", f"/modelli/{mid}/righe/{rid}/sposta/",
                 f"/modelli/{mid}/righe/{rid}/elimina/"]:
        assert c.post(path, {**RIGA, "titolo": "x", "verso": "giu"}).status_code == 404, path
    n = nazionale()
    mid, rid = n.public_id, n.righe.order_by("ordine").first().public_id
    html = c.get(f"/modelli/{mid}/").content.decode()
    assert "riga-form" not in html
    assert "/modifica/" not in html
    assert "/elimina/" not in html
    for path in [f"/modelli/{mid}/modifica/", f"/modelli/{mid}/elimina/",
                 f"/modelli/{mid}/righe/nuova/", f"/modelli/{mid}/righe/{rid}/",
                 f"/modelli/{mid}/righe/{rid}/sposta/", f"/modelli/{mid}/righe/{rid}/elimina/"]:
        assert c.post(path, {**RIGA, "titolo": "x", "verso": "giu"}).status_code == 404, path
    r = c.post("/modelli/copia/", {"origine": altrui.pk, "codice": "presa", "titolo": "Presa"})
    assert r.status_code == 200
    assert "origine" in r.context["form"].errors
    assert snapshot() == prima


def test_an_example_page_offers_copy_and_withdrawal_not_editing(cast):
    c = client_for(cast.osservatore, cast.regione.ente)
    e = esempio_umbria()
    mid, rid = e.public_id, e.righe.order_by("ordine").first().public_id
    html = c.get(f"/modelli/{mid}/").content.decode()
    assert "riga-form" not in html
    assert f"/modelli/{mid}/elimina/" in html
    prima = snapshot()
    assert c.get(f"/modelli/{mid}/modifica/").status_code == 404
    for path in [f"/modelli/{mid}/righe/nuova/", f"/modelli/{mid}/righe/{rid}/",
                 f"/modelli/{mid}/righe/{rid}/sposta/", f"/modelli/{mid}/righe/{rid}/elimina/"]:
        assert c.post(path, {**RIGA, "verso": "giu"}).status_code == 404, path
    assert snapshot() == prima
    assert c.post(f"/modelli/{mid}/elimina/").status_code == 302
    assert not ModelloRendiconto.objects.filter(pk=e.pk).exists()


def test_the_observer_builds_a_form_through_the_pages(cast):
    c = client_for(cast.osservatore, cast.regione.ente)
    r = c.post("/modelli/nuovo/", {"codice": "dgr-2026", "titolo": "Modello DGR 2026"})
    assert r.status_code == 302
    m = ModelloRendiconto.objects.get(regione_istat="10", codice="dgr-2026")
    base = f"/modelli/{m.public_id}"
    # htmx: the rows section comes back in place, with the new row
    r = c.post(f"{base}/righe/nuova/", RIGA, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="righe"' in html
    assert "Anziani — impegnato" in html
    assert "<html" not in html
    r = c.post(f"{base}/righe/nuova/", {**RIGA, "etichetta": "Totale", "area_target": ""})
    assert r.status_code == 302
    # bad input: the message, nothing saved
    r = c.post(f"{base}/righe/nuova/", {**RIGA, "prefisso_codice_prestazione": "A1 02"},
               HTTP_HX_REQUEST="true")
    assert "lettere, cifre e punti" in r.content.decode()
    assert m.righe.count() == 2
    seconda = m.righe.get(ordine=2)
    r = c.post(f"{base}/righe/{seconda.public_id}/sposta/", {"verso": "su"},
               HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert html.index("Totale") < html.index("Anziani — impegnato")
    r = c.post(f"{base}/righe/{seconda.public_id}/", {**RIGA, "etichetta": "Totale generale",
                                                      "area_target": "", "misura": "liquidato"})
    assert r.status_code == 302
    assert m.righe.get(ordine=1).misura == "liquidato"
    r = c.post(f"{base}/modifica/", {"titolo": "", "descrizione": ""})
    assert r.status_code == 200
    assert r.context["form"].errors
    assert c.post(f"{base}/modifica/", {"titolo": "Modello DGR 5/2026"}).status_code == 302
    r = c.post(f"{base}/righe/{seconda.public_id}/elimina/", HTTP_HX_REQUEST="true")
    assert "Totale generale" not in r.content.decode()
    assert "Modello DGR 5/2026" in c.get(f"{base}/elimina/").content.decode()
    assert c.post(f"{base}/elimina/").status_code == 302
    assert not ModelloRendiconto.objects.filter(pk=m.pk).exists()
    with schema_context(cast.regione.ente.schema_name):  # the region's own trail
        azioni = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"modello_rendiconto.creato", "modello_rendiconto.riga_aggiunta",
            "modello_rendiconto.riga_spostata", "modello_rendiconto.eliminato"} <= azioni


def test_a_copy_through_the_pages_has_the_same_rows(cast):
    c = client_for(cast.osservatore, cast.regione.ente)
    n = nazionale()
    r = c.post("/modelli/copia/", {"origine": n.pk, "codice": "sioss-umbria",
                                   "titolo": "Fondi nazionali (Umbria)"})
    assert r.status_code == 302
    copia = ModelloRendiconto.objects.get(regione_istat="10", codice="sioss-umbria")
    assert righe(copia) == righe(n)
    assert copia.descrizione == n.descrizione


def test_the_list_page_query_count_does_not_grow_with_forms(cast, regionale):
    c = client_for(cast.osservatore, cast.regione.ente)
    with CaptureQueriesContext(connection) as before:
        c.get("/modelli/")
    for n in range(4):
        services.modello_copy(actor=actor(cast.osservatore), regione=cast.regione,
                              origine=regionale, codice=f"copia-{n}", titolo=f"Copia {n}")
    with CaptureQueriesContext(connection) as after:
        c.get("/modelli/")
    assert len(after) == len(before)


# --- the preview ---------------------------------------------------------------------------


def test_the_preview_fills_the_form_from_a_zones_plan(cast, spesa, regionale):
    c = client_for(cast.osservatore, cast.regione.ente)
    query = f"?zona={cast.zona.public_id}&piano={spesa.piano.public_id}"
    for path, headers in [(f"/modelli/{regionale.public_id}/{query}", {}),
                          (f"/modelli/{regionale.public_id}/anteprima/{query}",
                           {"HTTP_HX_REQUEST": "true"})]:
        r = c.get(path, **headers)
        assert r.status_code == 200
        html = r.content.decode()
        assert 'id="anteprima-table"' in html
        assert "25.000,00" in html  # everything programmed
        assert "13.333,33" in html  # programmed on FNPS
        assert "1.200,01" in html  # committed on the elderly, both years, both comuni
    # and the same figures as the zone's own page of the national form
    n = nazionale()
    html = c.get(f"/modelli/{n.public_id}/{query}").content.decode()
    zona = client_for(cast.coordinatore, cast.zona.ente).get(
        f"/piano/{spesa.piano.public_id}/modelli/{n.public_id}/").content.decode()
    assert _importi(html, "anteprima-table") == _importi(zona, "modello-table")


def _importi(html: str, table_id: str) -> list[str]:
    import re

    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<td class="text-end">([^<]*)</td>', table)


def test_the_preview_offers_only_the_regions_zones_and_their_plans(cast, plan, regionale):
    c = client_for(cast.osservatore, cast.regione.ente)
    base = f"/modelli/{regionale.public_id}/anteprima/"
    html = c.get(f"{base}?zona={cast.zona.public_id}", HTTP_HX_REQUEST="true").content.decode()
    assert plan.piano.titolo in html
    assert "anteprima-table" not in html
    for query in [f"?zona={cast.zona.public_id}&piano={cast.zona.public_id}",
                  f"?zona={plan.piano.public_id}&piano={plan.piano.public_id}",
                  "?zona=nonsense&piano=nonsense"]:
        r = c.get(base + query, HTTP_HX_REQUEST="true")
        assert r.status_code == 200, query
        assert "anteprima-table" not in r.content.decode(), query
    assert c.get(base + f"?zona={cast.zona.public_id}").status_code == 302  # without htmx
