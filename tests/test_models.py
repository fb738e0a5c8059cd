"""Rules every model of ours follows."""

from __future__ import annotations

from django.apps import apps
from django.db import models

OUR_APPS = {"tenants", "core", "comune_home", "zone_office", "zone_region", "api"}


def test_every_model_has_a_uuid_public_id():
    """Integer keys collide across comuni: URLs and anything leaving a schema use this."""
    checked = 0
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        field = model._meta.get_field("public_id")
        assert isinstance(field, models.UUIDField), model
        assert field.unique, model
        assert not field.editable, model
        checked += 1
    assert checked >= 9
