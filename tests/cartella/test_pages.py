"""The case pages: who reaches each URL, the list and its filters, the forms of the case
page (each bad input gets a message and changes nothing)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from services.anagrafica.models import CondizioneSociale
from services.anagrafica.services import Actor
from services.cartella.diario import voce_diario_crea
from services.cartella.documenti import documento_carica
from services.cartella.fascicolo import problematica_registra, risorsa_familiare_aggiungi
from services.cartella.models import (
    AvvisoCartella,
    Cartella,
    OperatoreCartella,
    Problematica,
    RisorsaFamiliare,
    VoceDiario,
)
from services.cartella.services import avviso_crea, cartella_apri, operatore_abilita
from tests.conftest import client_for
from tests.factories import pdf_file

from .conftest import new_persona

PDF = pdf_file()
TODAY = timezone.localdate


@pytest.fixture
def pieno(cast, in_a, caso, media):
    """A case with one of everything, for the URL table."""
    problema = problematica_registra(actor=in_a, cartella=caso, categoria="economica",
                                     rilevata_il=date(2025, 1, 15))
    risorsa = risorsa_familiare_aggiungi(actor=in_a, cartella=caso, relazione="amico",
                                         nome="Franco Neri")
    documento = documento_carica(actor=in_a, cartella=caso, tipo="altro", data=date(2025, 2, 1),
                                 uploaded=SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    avviso = avviso_crea(cartella=caso, tipo="altro", testo="Cambio di residenza")
    return {"cartella": caso, "problema": problema, "risorsa": risorsa, "documento": documento,
            "avviso": avviso}


def _urls(p: dict) -> list[tuple[str, str]]:
    c = f"/cartelle/{p['cartella'].public_id}/"
    return [
        ("get", c),
        ("get", c + "storia/"),
        ("get", c + "letture/"),
        ("get", c + f"documenti/{p['documento'].public_id}/"),
        ("post", c + "diario/"),
        ("post", c + "problematiche/"),
        ("post", c + f"problematiche/{p['problema'].public_id}/chiudi/"),
        ("post", c + "risorse/"),
        ("post", c + f"risorse/{p['risorsa'].public_id}/chiudi/"),
        ("post", c + "dati-sociali/"),
        ("post", c + "documenti/"),
        ("post", c + "operatori/"),
        ("post", c + f"operatori/{p['cartella'].responsabile_id}/disabilita/"),
        ("post", c + "sospendi/"),
        ("post", c + "chiudi/"),
        ("post", c + "riapri/"),
        ("post", c + f"avvisi/{p['avviso'].public_id}/letto/"),
    ]


def _hit(client, method: str, url: str):
    return client.get(url) if method == "get" else client.post(url, {"testo": "x"})


@pytest.mark.parametrize(("who", "expected"), [
    ("educatore", {404}),            # not enabled on the case: it does not exist for them
    ("psicologo", {404}),
    ("amministrativo", {403}),       # no case work at all
    ("operatore_sportello", {403}),  # the front office never sees the social worker's notes
    ("outsider", {404}),             # social worker of comune B
])
def test_who_may_not_read_gets_nothing_from_every_url(cast, pieno, who, expected):
    user = cast.outsider if who == "outsider" else cast.by_role[who]
    client = client_for(user, cast.comune_a.ente)
    for method, url in _urls(pieno):
        response = _hit(client, method, url)
        assert response.status_code in expected, (method, url, response.status_code)
    with tenant_context(cast.comune_a.ente):
        assert VoceDiario.objects.count() == 0
        assert not AvvisoCartella.objects.filter(letto_il__isnull=False).exists()
        assert Cartella.objects.get().stato == Cartella.Stato.APERTA


def test_an_enabled_educator_writes_the_diary_and_documents_only(cast, in_a, pieno, media):
    educatore = cast.by_role["educatore"]
    operatore_abilita(actor=in_a, cartella=pieno["cartella"], user=educatore,
                      ruolo="Educatore domiciliare", dal=date(2025, 2, 1))
    client = client_for(educatore, cast.comune_a.ente)
    contributions = ("/diario/", "/documenti/")
    for method, url in _urls(pieno):
        response = _hit(client, method, url)
        if url.endswith("/letture/"):
            assert response.status_code == 403  # reads the case, not its audit trail
        elif method == "get":
            assert response.status_code == 200, url
        elif url.endswith("/letto/"):
            assert response.status_code == 302  # acknowledging a notice changes nothing
        elif url.endswith(contributions):
            assert response.status_code in (200, 302), url  # empty form: errors shown
        else:
            assert response.status_code == 404, url
    page = client.get(f"/cartelle/{pieno['cartella'].public_id}/").content.decode()
    assert 'id="diario-form"' in page
    assert 'id="documento-form"' in page
    for form_id in ("problematica-form", "operatore-form", "chiudi-form"):
        assert f'id="{form_id}"' not in page
    response = client.post(f"/cartelle/{pieno['cartella'].public_id}/diario/",
                           {"tipo": "visita_domiciliare", "data": "2025-03-01",
                            "testo": "Visita domiciliare: bambini sereni"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        voce = VoceDiario.objects.get(testo="Visita domiciliare: bambini sereni")
        assert voce.autore_id == educatore.pk


def test_an_educator_not_enabled_cannot_write_the_diary(cast, pieno):
    client = client_for(cast.by_role["educatore"], cast.comune_a.ente)
    response = client.post(f"/cartelle/{pieno['cartella'].public_id}/diario/",
                           {"tipo": "nota", "data": "2025-03-01", "testo": "Intrusione"})
    assert response.status_code == 404
    with tenant_context(cast.comune_a.ente):
        assert not VoceDiario.objects.filter(testo="Intrusione").exists()


def test_the_responsible_sees_every_section_and_form(cast, pieno):
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    page = client.get(f"/cartelle/{pieno['cartella'].public_id}/").content.decode()
    for form_id in ["diario-form", "problematica-form", "risorsa-form", "condizione-form",
                    "documento-form", "operatore-form", "sospendi-form", "chiudi-form"]:
        assert f'id="{form_id}"' in page, form_id
    assert "Franco Neri" in page
    assert "Cambio di residenza" in page
    assert f"/documenti/{pieno['documento'].public_id}/" in page
    assert "/media/" not in page
    assert "/letture/" not in page  # the readers page is the dirigente's


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_only_visible_cases_with_filters(cast, in_a, caso):
    altro = cartella_apri(actor=Actor(cast.by_role["dirigente"]), persona=new_persona(in_a),
                          area_target="anziani", data=date(2025, 2, 1))
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    page = client.get("/cartelle/").content.decode()
    assert caso.persona.nome_completo in page
    assert altro.persona.nome_completo not in page  # not enabled on it
    dirigente = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    assert altro.persona.nome_completo in dirigente.get("/cartelle/").content.decode()
    filtered = dirigente.get("/cartelle/", {"area": "anziani"}).content.decode()
    assert altro.persona.nome_completo in filtered
    assert caso.persona.nome_completo not in filtered
    by_name = dirigente.get("/cartelle/", {"q": caso.persona.cognome.lower()}).content.decode()
    assert caso.persona.nome_completo in by_name
    closed = dirigente.get("/cartelle/", {"stato": "chiusa"}).content.decode()
    assert "Nessuna cartella corrisponde" in closed
    assert client_for(cast.by_role["operatore_sportello"],
                      cast.comune_a.ente).get("/cartelle/").status_code == 403


def test_the_list_query_count_does_not_grow_with_cases(cast, in_a, caso,
                                                       django_assert_max_num_queries):
    """9 queries (session, user, membership, permissions, count, page), each preceded by
    django-tenants' ``SET search_path``: the same for 1 case or 31."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    with CaptureQueriesContext(connection) as one:
        client.get("/cartelle/")
    for _ in range(30):
        cartella_apri(actor=in_a, persona=new_persona(in_a), area_target="poverta",
                      data=date(2025, 1, 2))
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    with django_assert_max_num_queries(20):  # the page's audit entry included
        response = client.get("/cartelle/")
    assert response.content.decode().count('<th scope="row"><a href="/cartelle/') == 31
    with CaptureQueriesContext(connection) as many:
        client.get("/cartelle/")
    assert len(many) == len(one)


# --- the forms of the case page ---------------------------------------------------------------


def _post(cast, caso, path: str, data: dict, user: str = "assistente_sociale", **kw):
    client = client_for(cast.by_role[user], cast.comune_a.ente)
    return client.post(f"/cartelle/{caso.public_id}/{path}", data, **kw)


def test_diary_entry_from_the_page(cast, caso):
    bad = _post(cast, caso, "diario/", {"tipo": "colloquio", "data": TODAY().isoformat(),
                                        "testo": ""})
    assert bad.status_code == 200
    assert 'id="diario-form"' in bad.content.decode()
    with tenant_context(cast.comune_a.ente):
        assert not VoceDiario.objects.exists()
    ok = _post(cast, caso, "diario/", {"tipo": "visita_domiciliare",
                                       "data": TODAY().isoformat(), "testo": "Casa in ordine."})
    assert ok.status_code == 302
    assert ok["Location"].endswith("?sezione=diario#diario")
    with tenant_context(cast.comune_a.ente):
        assert VoceDiario.objects.get().tipo == "visita_domiciliare"


def test_problem_resource_and_social_data_from_the_page(cast, caso):
    today = TODAY().isoformat()
    assert _post(cast, caso, "problematiche/", {"categoria": "altro", "descrizione": "",
                                                "rilevata_il": today}).status_code == 200
    assert _post(cast, caso, "problematiche/", {"categoria": "abitativa",
                                                "rilevata_il": today}).status_code == 302
    assert _post(cast, caso, "risorse/", {"relazione": "amico"}).status_code == 200
    assert _post(cast, caso, "risorse/", {"relazione": "vicino", "nome": "Gina Bassi",
                                          "disponibilita": "Spesa il sabato"}).status_code == 302
    assert _post(cast, caso, "dati-sociali/", {"ambito": "lavoro", "valore": "",
                                               "rilevata_il": today}).status_code == 200
    assert _post(cast, caso, "dati-sociali/", {"ambito": "lavoro", "valore": "Disoccupato",
                                               "rilevata_il": today,
                                               "note": "Scheda del centro per l'impiego"}
                 ).status_code == 302
    with tenant_context(cast.comune_a.ente):
        problema = Problematica.objects.get()
        risorsa = RisorsaFamiliare.objects.get()
        assert risorsa.nome == "Gina Bassi"
        condizione = CondizioneSociale.objects.get(persona=caso.persona)
        assert condizione.fonte == CondizioneSociale.Fonte.VERIFICATA
    assert _post(cast, caso, f"problematiche/{problema.public_id}/chiudi/",
                 {"data": "2000-01-01"}).status_code == 200  # before it was found
    assert _post(cast, caso, f"problematiche/{problema.public_id}/chiudi/",
                 {"data": today}).status_code == 302
    assert _post(cast, caso, f"risorse/{risorsa.public_id}/chiudi/",
                 {"data": today}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Problematica.objects.get().chiusa_il == TODAY()
        assert RisorsaFamiliare.objects.get().al == TODAY()


def test_enable_and_disable_a_colleague(cast, caso):
    educatore = cast.by_role["educatore"]
    response = _post(cast, caso, "operatori/", {"user": str(educatore.pk), "ruolo": "Educatore",
                                                "dal": TODAY().isoformat()})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert OperatoreCartella.objects.filter(user_id=educatore.pk, al__isnull=True).exists()
    # The front-office operator cannot be enabled: not offered, refused.
    sportello = cast.by_role["operatore_sportello"]
    refused = _post(cast, caso, "operatori/", {"user": str(sportello.pk), "ruolo": "",
                                               "dal": TODAY().isoformat()})
    assert refused.status_code == 200
    response = _post(cast, caso, f"operatori/{educatore.pk}/disabilita/", {})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert not OperatoreCartella.objects.filter(user_id=educatore.pk,
                                                    al__isnull=True).exists()
        assert not OperatoreCartella.objects.filter(user_id=sportello.pk).exists()
    # The responsible stays.
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    response = client.post(f"/cartelle/{caso.public_id}/operatori/{caso.responsabile_id}/disabilita/",
                           follow=True)
    assert "non si può disabilitare" in response.content.decode()


def test_closing_needs_approval_and_links_to_the_request(cast, caso):
    response = _post(cast, caso, "chiudi/", {"chiudi-data": TODAY().isoformat(),
                                             "chiudi-motivo": "Obiettivi raggiunti"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "approvazione del dirigente" in page
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("approvazione_chiusura_richiesta", urlconf="ambito.urls.comune",
                      kwargs={"public_id": caso.public_id})
    except NoReverseMatch:
        url = None
    if url:
        assert url in page
    with tenant_context(cast.comune_a.ente):
        assert Cartella.objects.get().stato == Cartella.Stato.APERTA


def test_suspend_and_reopen(cast, caso):
    assert _post(cast, caso, "sospendi/", {"sospendi-data": TODAY().isoformat(),
                                           "sospendi-motivo": ""}).status_code == 200
    assert _post(cast, caso, "sospendi/", {"sospendi-data": TODAY().isoformat(),
                                           "sospendi-motivo": "Ricovero ospedaliero"}
                 ).status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Cartella.objects.get().stato == Cartella.Stato.SOSPESA
    assert _post(cast, caso, "riapri/", {"riapri-data": TODAY().isoformat(),
                                         "riapri-motivo": "Dimesso"}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        cartella = Cartella.objects.get()
        assert cartella.stato == Cartella.Stato.APERTA
        assert [m.tipo for m in cartella.movimenti.order_by("id")] == [
            "apertura", "sospensione", "riapertura"]


def test_a_notice_is_marked_as_read(cast, caso):
    with tenant_context(cast.comune_a.ente):
        avviso = avviso_crea(cartella=caso, tipo="decesso", testo="Decesso del coniuge")
    assert _post(cast, caso, f"avvisi/{avviso.public_id}/letto/", {}).status_code == 302
    with tenant_context(cast.comune_a.ente):
        avviso.refresh_from_db()
        assert avviso.letto_il is not None
        assert avviso.letto_da


def test_a_closed_case_refuses_additions_with_a_clear_message(cast, in_a, caso, media):
    from services.cartella.services import cartella_chiudi

    cartella_chiudi(actor=in_a, cartella=caso, data=date(2025, 6, 1), motivo="Concluso",
                    approvata=True)
    from services.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="La cartella è chiusa"):
        voce_diario_crea(actor=in_a, cartella=caso, tipo="nota", data=date(2025, 6, 2),
                         testo="Dopo la chiusura")
    with pytest.raises(ValidationFailed, match="La cartella è chiusa"):
        documento_carica(actor=in_a, cartella=caso, tipo="altro", data=date(2025, 6, 2),
                         uploaded=SimpleUploadedFile("a.pdf", PDF))
    assert not VoceDiario.objects.exists()
    assert not list(media.rglob("*.pdf"))
    # The dirigente still reads it and may reopen it; the page says why nothing can be added.
    client = client_for(cast.by_role["dirigente"], cast.comune_a.ente)
    page = client.get(f"/cartelle/{caso.public_id}/").content.decode()
    assert 'id="riapri-form"' in page
    assert 'id="diario-form"' not in page


def test_a_household_member_is_offered_as_a_resource(cast, in_a, caso):
    from services.anagrafica.services import nucleo_aggiungi, nucleo_crea

    figlia = new_persona(in_a)
    nucleo = nucleo_crea(actor=in_a, intestatario=caso.persona, dal=date(2010, 1, 1))
    nucleo_aggiungi(actor=in_a, nucleo=nucleo, persona=figlia, relazione="figlio",
                    dal=date(2010, 1, 1))
    client = client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente)
    page = client.get(f"/cartelle/{caso.public_id}/").content.decode()
    assert f'value="{figlia.public_id}"' in page
    assert f'value="{caso.persona.public_id}"' not in page
    response = client.post(f"/cartelle/{caso.public_id}/risorse/",
                           {"persona": str(figlia.public_id), "relazione": "figlio",
                            "disponibilita": "Ospitalità nel fine settimana"})
    assert response.status_code == 302
    with tenant_context(cast.comune_a.ente):
        risorsa = RisorsaFamiliare.objects.get()
        assert risorsa.persona == figlia
        assert risorsa.nome == ""


def test_the_dirigente_reopens_a_closed_case(cast, in_a, caso):
    from services.cartella.services import cartella_chiudi

    cartella_chiudi(actor=in_a, cartella=caso, data=date(2025, 6, 1), motivo="Concluso",
                    approvata=True)
    # The former responsible no longer sees it: nobody is enabled on a closed case.
    assert client_for(cast.by_role["assistente_sociale"], cast.comune_a.ente).get(
        f"/cartelle/{caso.public_id}/").status_code == 404
    bad = _post(cast, caso, "riapri/", {"riapri-data": TODAY().isoformat(), "riapri-motivo": ""},
                user="dirigente")
    assert bad.status_code == 200
    ok = _post(cast, caso, "riapri/", {"riapri-data": TODAY().isoformat(),
                                       "riapri-motivo": "Nuova segnalazione"}, user="dirigente")
    assert ok.status_code == 302
    with tenant_context(cast.comune_a.ente):
        assert Cartella.objects.get().stato == Cartella.Stato.APERTA
