"""Dossiers: scans stored with their checksum and versions, read by Tesseract (real OCR of a generated Vietnamese
page), searched with and without diacritics, every bad file refused with its reason and nothing half written."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.files import File

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.dossiers import selectors, services
from ansinh.dossiers.checks import ScanRefused
from ansinh.dossiers.models import Document, DocumentPage, DocumentVersion, OcrStatus
from dossiers.conftest import dossier, fake_reader, page_bytes, upload

pytestmark = pytest.mark.django_db
KNOWN = "Ông Nguyễn Văn Đức được hưởng trợ cấp thương binh hằng tháng tại xã Cẩm Bình"


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_scanned_vietnamese_page_is_read_and_found_with_and_without_diacritics(archivist, commune_a, _media):
    d = dossier(archivist, commune_a)
    version = services.scan_add(actor=archivist, dossier=d, title="Quyết định trợ cấp",
                                file=upload(page_bytes(KNOWN), "qd.pdf"), file_name="qd.pdf")
    assert version.ocr_status == OcrStatus.PENDING and version.page_count == 1 and len(version.sha256) == 64
    d.refresh_from_db()
    assert d.status == "scanned"
    version = services.ocr_run(version_id=version.pk)  # real Tesseract, Vietnamese data
    assert version.ocr_status == OcrStatus.DONE, version.ocr_message
    page = DocumentPage.objects.get(version=version)
    assert "Nguyễn Văn Đức" in page.text and "thương binh" in page.text
    d.refresh_from_db()
    assert d.status == "ocr_done"
    for query in ("Nguyễn Văn Đức", "nguyen van duc", "NGUYEN VAN ĐUC", "thuong binh cam binh"):
        hits = selectors.pages_search(user=archivist, query=query)
        assert [h.page.pk for h in hits] == [page.pk], query
    hit = selectors.pages_search(user=archivist, query="nguyen van duc")[0]
    assert [part for part, marked in hit.snippet if marked] == ["Nguyễn", "Văn", "Đức"]
    assert selectors.pages_search(user=archivist, query="Nguyễn Văn Hùng") == []


def test_the_page_opens_with_the_words_highlighted_and_its_picture(client, archivist, commune_a):
    d = dossier(archivist, commune_a)
    version = services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(page_bytes(KNOWN, "png"), "qd.png"),
                                file_name="qd.png")
    services.ocr_run(version_id=version.pk, reader=fake_reader(KNOWN))
    client.force_login(archivist)
    response = client.get("/ho-so-luu-tru/tim-trong-van-ban/?q=nguyen+van+duc")
    assert response.status_code == 200
    assert "<mark>Nguyễn</mark> <mark>Văn</mark> <mark>Đức</mark>" in response.content.decode()
    page = client.get(f"/ho-so-luu-tru/ban-quet/{version.pk}/trang/1/?q=thuong+binh")
    assert "<mark>thương</mark> <mark>binh</mark>" in page.content.decode()
    image = client.get(f"/ho-so-luu-tru/ban-quet/{version.pk}/trang/1/anh/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content[:4] == b"\x89PNG"
    assert client.get(f"/ho-so-luu-tru/ban-quet/{version.pk}/trang/2/anh/").status_code == 404


def test_a_replaced_scan_keeps_the_old_version(archivist, archivist_2, commune_a):
    d = dossier(archivist, commune_a)
    first = services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(page_bytes("lần một"), "a.pdf"),
                              file_name="a.pdf")
    services.ocr_run(version_id=first.pk, reader=fake_reader("bản cũ"))
    second = services.scan_replace(actor=archivist_2, document=first.document,
                                   file=upload(page_bytes("lần hai", seed=1), "b.pdf"), file_name="b.pdf")
    services.ocr_run(version_id=second.pk, reader=fake_reader("bản mới"))
    versions = list(DocumentVersion.objects.filter(document=first.document).order_by("number"))
    assert [(v.number, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert all(v.stored_file.storage.exists(v.stored_file.name) for v in versions)
    assert versions[0].stored_file.name != versions[1].stored_file.name
    assert selectors.pages_search(user=archivist, query="ban cu") == []  # only the current scan is searched
    assert len(selectors.pages_search(user=archivist, query="ban moi")) == 1


@pytest.mark.parametrize("name,data,expected", [
    ("hong.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrash", "bị hỏng"),
    ("rong.pdf", b"", "rỗng (0 byte)"),
    ("van-ban.pdf", b"PK\x03\x04" + b"\x00" * 100, "tệp nén ZIP hoặc tệp Word/Excel mới"),
    ("anh.jpg", b"GIF89a" + b"\x00" * 50, "ảnh GIF"),
    ("anh-hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "bị hỏng"),
    ("trang.html", b"<html><script>alert(1)</script></html>", "trang web"),
])
def test_bad_files_are_refused_with_their_reason_and_nothing_is_written(archivist, commune_a, _media, name, data,
                                                                        expected):
    d = dossier(archivist, commune_a)
    with pytest.raises(ScanRefused) as err:
        services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(data, name), file_name=name)
    assert expected in err.value.message and f"«{name}»" in err.value.message
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert _stored_files(_media) == []


def test_a_300_mb_file_is_refused_before_it_is_read(archivist, commune_a, tmp_path, _media):
    big = tmp_path / "ho-so-lon.pdf"
    with big.open("wb") as handle:  # sparse: 300 MB on paper, nothing on the disk
        handle.write(b"%PDF-1.4\n")
        handle.seek(300 * 1024 * 1024 - 1)
        handle.write(b"\x00")
    d = dossier(archivist, commune_a)
    with big.open("rb") as handle, pytest.raises(ScanRefused) as err:
        services.scan_add(actor=archivist, dossier=d, title="QĐ", file=File(handle, name=big.name), file_name=big.name)
    assert "quá lớn (300,0 MB, tối đa 100,0 MB" in err.value.message
    assert _stored_files(_media) == [] and not DocumentVersion.objects.exists()


def test_the_same_scan_twice_is_refused_with_where_it_already_is(archivist, commune_a, commune_b):
    data = page_bytes(KNOWN)
    services.scan_add(actor=archivist, dossier=dossier(archivist, commune_a), title="QĐ", file=upload(data, "a.pdf"),
                      file_name="a.pdf")
    other = dossier(archivist, commune_b, number="NCC-000999", holder="Lê Thị Hoa")
    with pytest.raises(DomainError) as err:
        services.scan_add(actor=archivist, dossier=other, title="QĐ", file=upload(data, "b.pdf"), file_name="b.pdf")
    assert "đã có trong hồ sơ NCC-000123" in err.value.message and "Không lưu hai lần" in err.value.message
    assert DocumentVersion.objects.count() == 1 and other.documents.count() == 0


def test_an_image_without_text_is_marked_so_and_a_failed_ocr_keeps_its_reason(archivist, commune_a):
    from ansinh.demo.scans import blank_page, scan_bytes

    d = dossier(archivist, commune_a)
    blank = services.scan_add(actor=archivist, dossier=d, title="Ảnh trắng",
                              file=upload(scan_bytes([blank_page()], "png"), "trang.png"), file_name="trang.png")
    blank = services.ocr_run(version_id=blank.pk)  # real Tesseract on a white page
    assert blank.ocr_status == OcrStatus.NO_TEXT and "Không nhận dạng được chữ nào" in blank.ocr_message

    def broken(image):
        raise RuntimeError("bộ nhớ")

    failed = services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(page_bytes(KNOWN), "qd.pdf"),
                               file_name="qd.pdf")
    failed = services.ocr_run(version_id=failed.pk, reader=broken)
    assert failed.ocr_status == OcrStatus.FAILED and "trang 1" in failed.ocr_message
    assert not failed.pages.exists()
    d.refresh_from_db()
    assert d.status == "scanned"  # a failed scan keeps the dossier from «OCR done»
    assert services.ocr_run(version_id=failed.pk).ocr_status == OcrStatus.FAILED  # not claimed again by itself
    retried = services.ocr_retry(actor=archivist, version=failed)
    assert services.ocr_run(version_id=retried.pk, reader=fake_reader()).ocr_status == OcrStatus.DONE


def test_a_scan_whose_stored_file_vanished_fails_with_a_message(archivist, commune_a):
    d = dossier(archivist, commune_a)
    version = services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(page_bytes(KNOWN), "qd.pdf"),
                                file_name="qd.pdf")
    os.remove(version.stored_file.path)
    version = services.ocr_run(version_id=version.pk)
    assert version.ocr_status == OcrStatus.FAILED and "Không tìm thấy tệp đã lưu" in version.ocr_message


def test_tiff_pages_are_counted_and_read(archivist, commune_a):
    from ansinh.demo.scans import scan_bytes, text_page

    pages = [text_page("trang một", size=(1240, 600)), text_page("trang hai", size=(1240, 600))]
    d = dossier(archivist, commune_a)
    version = services.scan_add(actor=archivist, dossier=d, title="Hồ sơ",
                                file=upload(scan_bytes(pages, "tiff"), "hs.tif"), file_name="hs.tif")
    assert version.page_count == 2 and version.file_format == "tiff"
    seen = []
    services.ocr_run(version_id=version.pk, reader=lambda image: (seen.append(image.size) or "chữ", 80.0))
    assert len(seen) == 2 and list(version.pages.values_list("number", flat=True)) == [1, 2]


def test_the_checker_is_never_who_registered_or_scanned_it(archivist, archivist_2, commune_a):
    d = dossier(archivist, commune_a)
    version = services.scan_add(actor=archivist_2, dossier=d, title="QĐ", file=upload(page_bytes(KNOWN), "qd.pdf"),
                                file_name="qd.pdf")
    with pytest.raises(DomainError, match="chỉ kiểm tra khi mọi bản quét đã được nhận dạng"):
        services.dossier_confirm(actor=archivist_2, dossier=d)
    services.ocr_run(version_id=version.pk, reader=fake_reader())
    with pytest.raises(DomainError, match="đã đăng ký hồ sơ này"):
        services.dossier_confirm(actor=archivist, dossier=d)
    with pytest.raises(DomainError, match="đã tải lên bản quét"):
        services.dossier_confirm(actor=archivist_2, dossier=d)


def test_the_checker_confirms_and_a_new_scan_must_be_checked_again(archivist, archivist_2, commune_a, provincial):
    d = dossier(archivist, commune_a)
    version = services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(page_bytes(KNOWN), "qd.pdf"),
                                file_name="qd.pdf")
    services.ocr_run(version_id=version.pk, reader=fake_reader())
    d = services.dossier_confirm(actor=archivist_2, dossier=d)
    assert d.status == "checked" and d.checked_by == archivist_2
    services.scan_replace(actor=archivist, document=version.document, file=upload(page_bytes("mới", seed=3), "m.pdf"),
                          file_name="m.pdf")
    d.refresh_from_db()
    assert d.status == "scanned" and d.checked_by is None


def test_the_borrowing_log_refuses_a_second_loan_and_records_the_return(archivist, commune_a):
    import datetime as dt

    from django.utils import timezone

    d = dossier(archivist, commune_a)
    today = timezone.localdate()
    loan = services.dossier_lend(actor=archivist, dossier=d, borrower="Trần Văn Bình", borrower_unit="Phòng NCC",
                                 purpose="Giải quyết chế độ", borrowed_on=today, due_on=today + dt.timedelta(days=7))
    with pytest.raises(DomainError, match="đang được Trần Văn Bình mượn"):
        services.dossier_lend(actor=archivist, dossier=d, borrower="Lê Văn C", borrower_unit="", purpose="Xem",
                              borrowed_on=today, due_on=today)
    with pytest.raises(DomainError, match="Hạn trả"):
        services.dossier_lend(actor=archivist, dossier=d, borrower="Lê Văn C", borrower_unit="", purpose="Xem",
                              borrowed_on=today, due_on=today - dt.timedelta(days=1))
    loan = services.dossier_return(actor=archivist, borrowing=loan, returned_on=today)
    assert loan.returned_on == today and loan.received_by == archivist


def test_outside_the_area_nothing_is_seen_or_written(archivist, archivist_c, commune_a, officer_b, client):
    d = dossier(archivist, commune_a)
    version = services.scan_add(actor=archivist, dossier=d, title="QĐ", file=upload(page_bytes(KNOWN), "qd.pdf"),
                                file_name="qd.pdf")
    services.ocr_run(version_id=version.pk, reader=fake_reader(KNOWN))
    assert selectors.pages_search(user=archivist_c, query="nguyen van duc") == []
    assert selectors.pages_search(user=officer_b, query="nguyen van duc") == []  # commune B's officer: A is not theirs
    with pytest.raises(PermissionDenied):
        services.dossier_move(actor=archivist_c, dossier=d, warehouse="X", shelf="", box="")
    for user in (archivist_c, officer_b):
        client.force_login(user)
        for url in (f"/ho-so-luu-tru/{d.pk}/", f"/ho-so-luu-tru/ban-quet/{version.pk}/tep/",
                    f"/ho-so-luu-tru/ban-quet/{version.pk}/trang/1/", f"/ho-so-luu-tru/ban-quet/{version.pk}/trang/1/anh/"):
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(archivist)
    response = client.get(f"/ho-so-luu-tru/ban-quet/{version.pk}/tep/")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_pages_as_each_role(client, archivist, commune_a, officer_a, payment_agent, leader, inspector):
    d = dossier(archivist, commune_a)
    for user, listing, create in ((archivist, 200, 200), (officer_a, 200, 403), (leader, 200, 403),
                                  (inspector, 200, 403), (payment_agent, 403, 403)):
        client.force_login(user)
        assert client.get("/ho-so-luu-tru/").status_code == listing, user
        assert client.get("/ho-so-luu-tru/them/").status_code == create, user
        assert client.get(f"/ho-so-luu-tru/{d.pk}/").status_code == (200 if listing == 200 else 404), user
    client.force_login(archivist)
    page = client.get(f"/ho-so-luu-tru/{d.pk}/").content.decode()
    assert "kho Kho 1, kệ K03, hộp H12" in page and "Thêm tài liệu" in page


def test_an_upload_page_shows_the_refusal(client, archivist, commune_a):
    d = dossier(archivist, commune_a)
    client.force_login(archivist)
    response = client.post(f"/ho-so-luu-tru/{d.pk}/ban-quet/", {"title": "QĐ", "file": io.BytesIO(b"")}, follow=True)
    # an empty multipart file: the form says which file, the page stays
    assert response.status_code == 200 and not DocumentVersion.objects.exists()
    bad = upload(b"PK\x03\x04" + b"0" * 20, "qd.pdf")
    response = client.post(f"/ho-so-luu-tru/{d.pk}/ban-quet/", {"title": "QĐ", "file": bad}, follow=True)
    assert "không phải bản quét PDF, JPEG, PNG hoặc TIFF" in response.content.decode()
