"""The digitisation campaign: a zip of scans named by dossier number through the shared import lifecycle (unknown
numbers reported, a path escaping the folder refuses the whole zip, nothing half written), the progress by unit
against the target, and two users replacing one scan at once (both versions kept)."""

from __future__ import annotations

import io
import threading
import zipfile

import pytest
from django.db import connection

from ansinh.core import imports
from ansinh.core.models import ImportStatus
from ansinh.dossiers import selectors, services
from ansinh.dossiers.imports import SCAN_ZIP_KIND
from ansinh.dossiers.models import DocumentVersion, Dossier
from dossiers.conftest import dossier, page_bytes, upload


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.django_db
def test_a_zip_of_scans_reports_unknown_numbers_and_writes_the_valid_ones(archivist, commune_a, commune_b, tmp_path):
    dossier(archivist, commune_a, number="NCC-000001")
    dossier(archivist, commune_b, number="NCC-000002", holder="Lê Thị Hoa")
    data = _zip({"NCC-000001.pdf": page_bytes("một"), "hop-3/NCC-000002_2.png": page_bytes("hai", "png", seed=2),
                 "NCC-999999.pdf": page_bytes("ba", seed=3), "NCC-000001_3.pdf": b"not a scan"})
    path = tmp_path / "dot-1.zip"
    path.write_bytes(data)
    run = imports.import_run(kind=SCAN_ZIP_KIND, actor=archivist, file=path, file_name=path.name)
    record = run.record
    assert record.status == ImportStatus.CHECKED and (record.total_rows, record.error_rows) == (4, 2)
    assert record.summary["figures"]["unknown"] == ["NCC-999999"]
    errors = {row[1]: row[2] for row in record.summary["errors"]}
    assert "Không có hồ sơ số NCC-999999 trong địa bàn của bạn." in errors["NCC-999999.pdf"]
    assert "không phải bản quét PDF" in " ".join(errors["NCC-000001_3.pdf"])
    with pytest.raises(Exception, match="dòng lỗi"):
        imports.import_commit_request(actor=archivist, record=record, valid_only=False)
    record = imports.import_commit_request(actor=archivist, record=record, valid_only=True)
    record = imports.import_commit(record=record)
    assert record.status == ImportStatus.COMMITTED and record.written_rows == 2
    assert dict(Dossier.objects.values_list("number", "status")) == {"NCC-000001": "scanned", "NCC-000002": "scanned"}
    assert DocumentVersion.objects.count() == 2
    with pytest.raises(Exception, match="Không ghi hai lần cùng một tệp"):  # the same zip again
        imports.import_receive(kind=SCAN_ZIP_KIND, actor=archivist, file=path, file_name="lai.zip")


@pytest.mark.django_db
def test_a_zip_with_a_path_escaping_the_folder_is_refused_whole(archivist, commune_a, tmp_path, _media):
    dossier(archivist, commune_a, number="NCC-000001")
    path = tmp_path / "doc-hai.zip"
    path.write_bytes(_zip({"NCC-000001.pdf": page_bytes("một"), "../../etc/NCC-000001_2.pdf": page_bytes("x", seed=1)}))
    run = imports.import_run(kind=SCAN_ZIP_KIND, actor=archivist, file=path, file_name=path.name)
    assert "ra ngoài thư mục" in " ".join(run.record.summary["blocking"])
    with pytest.raises(Exception, match="ra ngoài thư mục"):
        imports.import_commit_request(actor=archivist, record=run.record, valid_only=True)
    assert not DocumentVersion.objects.exists()
    assert not list((_media / "dossiers").rglob("*")) if (_media / "dossiers").exists() else True


@pytest.mark.django_db
def test_not_a_zip_and_a_corrupt_zip_fail_with_a_message(archivist, tmp_path):
    for name, data, expected in (("a.zip", b"%PDF-1.4 hello", "không phải tệp nén ZIP"),
                                 ("b.zip", b"PK\x03\x04" + b"\x00" * 30, "không phải tệp nén ZIP")):
        path = tmp_path / name
        path.write_bytes(data)
        run = imports.import_run(kind=SCAN_ZIP_KIND, actor=archivist, file=path, file_name=name)
        assert run.record.status == ImportStatus.FAILED and expected in run.record.message


@pytest.mark.django_db
def test_campaign_progress_by_unit_against_the_target(archivist, commune_a, commune_b, provincial, client):
    from ansinh.dossiers.models import DigitisationTarget

    dossier(archivist, commune_a, number="NCC-000001")
    dossier(archivist, commune_b, number="NCC-000002", holder="Lê Thị Hoa")
    units, whole = selectors.campaign_progress(user=provincial)
    assert whole.target == 200_000 and whole.total == 2 and whole.counts == {"not_digitised": 2}
    units, whole = selectors.campaign_progress(user=archivist)
    assert whole.target is None  # a district without its own target: not the department's 200.000
    assert [(u.name, u.total) for u in units] == [(commune_a.legacy_district.name, 2)]
    DigitisationTarget.objects.create(unit=commune_a.legacy_district, target=12_000)
    _units, whole = selectors.campaign_progress(user=archivist)
    assert whole.target == 12_000
    client.force_login(archivist)
    page = client.get("/ho-so-luu-tru/so-hoa/").content.decode()
    assert 'data-testid="campaign-chart"' in page and "12.000" in page and "Chưa số hoá" in page


@pytest.mark.django_db(transaction=True)
def test_two_users_replacing_a_scan_at_once_keep_both_versions(archivist, archivist_2, commune_a):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency: PostgreSQL (SQLite serialises every write transaction)")
    d = dossier(archivist, commune_a)
    first = services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(page_bytes("gốc"), "a.pdf"),
                              file_name="a.pdf")
    files = {archivist: page_bytes("người một", seed=11), archivist_2: page_bytes("người hai", seed=12)}
    barrier, errors = threading.Barrier(2), []

    def replace(user):
        try:
            barrier.wait()
            services.scan_replace(actor=user, document=first.document, file=upload(files[user], "b.pdf"),
                                  file_name="b.pdf")
        except Exception as err:  # reported below
            errors.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=replace, args=(u,)) for u in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    versions = list(DocumentVersion.objects.filter(document=first.document).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3] and [v.is_current for v in versions] == [False, False, True]
    assert {v.uploaded_by for v in versions[1:]} == {archivist, archivist_2}
    assert len({v.stored_file.name for v in versions}) == 3


def _scan_files(media) -> list:
    return [p for p in (media / "dossiers").rglob("*") if p.is_file()] if (media / "dossiers").exists() else []


def _checked_zip(archivist, commune_a, tmp_path):
    dossier(archivist, commune_a, number="NCC-000001")
    dossier(archivist, commune_a, number="NCC-000002", holder="Lê Thị Hoa")
    path = tmp_path / "dot-2.zip"
    path.write_bytes(_zip({"NCC-000001.pdf": page_bytes("một"), "NCC-000002.png": page_bytes("hai", "png", seed=2)}))
    record = imports.import_run(kind=SCAN_ZIP_KIND, actor=archivist, file=path, file_name=path.name).record
    assert record.status == ImportStatus.CHECKED and record.error_rows == 0
    return imports.import_commit_request(actor=archivist, record=record, valid_only=False)


@pytest.mark.django_db
def test_a_zip_whose_commit_fails_after_its_scans_were_stored_leaves_no_file(archivist, commune_a, tmp_path, _media,
                                                                             monkeypatch):
    """The import's own audit row (written after every scan of the zip is in the storage) fails: the transaction
    rolls back, and the stored scans go with it."""
    from django.db import OperationalError

    record = _checked_zip(archivist, commune_a, tmp_path)
    seen = []

    def failing_audit(**kwargs):
        seen.append(len(_scan_files(_media)))
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("ansinh.core.imports.audit_record", failing_audit)
    with pytest.raises(OperationalError):
        imports.import_commit(record=record)
    assert seen == [2]  # both scans were in the storage when the commit failed
    assert _scan_files(_media) == [] and not DocumentVersion.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED and "không có dữ liệu nào được ghi" in record.message


@pytest.mark.django_db(transaction=True)
def test_a_zip_whose_database_commit_itself_fails_leaves_no_file(archivist, commune_a, tmp_path, _media, monkeypatch):
    """In a real transaction: every row written, then the database refuses the COMMIT; no scan file stays behind."""
    from django.db import OperationalError, connections

    record = _checked_zip(archivist, commune_a, tmp_path)
    wrapper = connections["default"]
    real_commit, seen = wrapper.commit, []

    def failing_commit():
        seen.append(len(_scan_files(_media)))
        if DocumentVersion.objects.exists():  # the zip's transaction (not another one): refuse its commit
            raise OperationalError("could not serialize access due to concurrent update")
        return real_commit()

    monkeypatch.setattr(wrapper, "commit", failing_commit)
    with pytest.raises(OperationalError):
        imports.import_commit(record=record)
    monkeypatch.undo()
    assert 2 in seen  # the scans were stored when the commit was refused
    assert _scan_files(_media) == [] and not DocumentVersion.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
