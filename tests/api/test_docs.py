"""The generated OpenAPI 3 schema and the documents page, served offline (no CDN)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_with_every_error_shape_and_the_bearer_key():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    search = schema["paths"]["/api/v1/registry/sync/search"]["post"]
    assert {"200", "401", "413", "422", "429"} <= set(search["responses"])
    assert search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    # the identity number never travels in a URL: no operation takes one as a query or path parameter
    for path, ops in schema["paths"].items():
        for op in ops.values():
            names = {p["name"] for p in op.get("parameters", [])}
            assert not names & {"pid", "cmnd", "identity", "value", "uin"}, (path, names)


def test_the_documents_page_loads_its_assets_from_the_installation_only():
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert not re.findall(r"(?:src|href)=[\"']https?://", html)
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call a validator on the Internet
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert Client().get(f"/static/{asset}").status_code == 200, asset
