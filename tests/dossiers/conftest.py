from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ansinh.accounts.models import Role
from ansinh.demo.scans import scan_bytes, text_page
from ansinh.dossiers import services
from conftest import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def archivist(commune_a):
    """The archivist of the former district of commune A (communes A and B)."""
    return make_user("luutru", Role.ARCHIVIST, commune_a.legacy_district)


@pytest.fixture
def archivist_2(commune_a):
    return make_user("luutru2", Role.ARCHIVIST, commune_a.legacy_district)


@pytest.fixture
def archivist_c(units, commune_a):
    """An archivist of another former district."""
    from ansinh.geo.models import AdminUnit, Level

    other = AdminUnit.objects.filter(level=Level.DISTRICT, province_code="42").exclude(
        pk=commune_a.legacy_district_id).order_by("code").first()
    return make_user("luutru_c", Role.ARCHIVIST, other)


def dossier(actor, commune, number="NCC-000123", holder="Nguyễn Văn Đức"):
    return services.dossier_create(actor=actor, commune=commune, details=services.DossierDetails(
        number=number, category="ncc", matter="Hưởng trợ cấp thương binh", holder_name=holder,
        warehouse="Kho 1", shelf="K03", box="H12"))


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def page_bytes(text: str, file_format: str = "pdf", *, seed: int = 0) -> bytes:
    return scan_bytes([text_page(text, size=(2480, 900), noise=50, seed=seed)], file_format)


def fake_reader(text="Quyết định trợ cấp"):
    return lambda image: (text, 90.0)
