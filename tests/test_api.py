from __future__ import annotations

from tests.conftest import client_for


def test_me_in_own_comune(cast):
    user = cast.by_role["dirigente"]
    data = client_for(user, cast.comune_a.ente).get("/api/v1/me/").json()
    assert data["email"] == user.email
    assert data["ruolo"] == "dirigente"
    assert data["ente"] == "Comune di Perugia"
    assert "approve_pai" in data["capacita"]
    assert data["id"] == str(user.public_id)


def test_openapi_schema_is_served(cast):
    response = client_for(cast.by_role["dirigente"], cast.comune_a.ente).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/me/" in response.content


def test_domain_errors_have_one_shape():
    from api.errors import exception_handler
    from services.core.errors import AlreadyExists

    response = exception_handler(AlreadyExists("Già presente", field="istat_code"), {})
    assert response.status_code == 409
    assert response.data == {
        "error": {"code": "gia_esistente", "message": "Già presente", "field": "istat_code"}
    }
