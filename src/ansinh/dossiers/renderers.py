"""Pictures of the dossiers app: a scanned page as a PNG for the page viewer, the campaign's chart (through the
shared bar chart of ``poverty.charts``)."""

from __future__ import annotations

import io

from ansinh.dossiers.checks import page_images
from ansinh.dossiers.models import DigitisationStatus, DocumentVersion
from ansinh.poverty.charts import bars

VIEW_DPI = 110
CAMPAIGN_COLOURS = {DigitisationStatus.NOT_DIGITISED: "#adb5bd", DigitisationStatus.SCANNED: "#ffc107",
                    DigitisationStatus.OCR_DONE: "#0d6efd", DigitisationStatus.CHECKED: "#198754", "target": "#6c757d"}


def page_png(version: DocumentVersion, number: int, *, max_width: int = 1100) -> bytes | None:
    """Page ``number`` (from 1) of the scan as a PNG, or None when the scan has no such page."""
    if not 1 <= number <= version.page_count:
        return None
    with version.stored_file.open("rb") as handle:
        data = handle.read()
    for index, image in enumerate(page_images(data, version.file_format, dpi=VIEW_DPI), start=1):
        if index == number:
            if image.width > max_width:
                image = image.resize((max_width, int(image.height * max_width / image.width)))
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    return None


def campaign_chart(whole) -> str:
    """The area's dossiers by status against its target (the 200.000 of the department when none is set)."""
    items = [(status.value, status.label, whole.counts.get(status.value, 0)) for status in DigitisationStatus]
    if whole.target:
        items.append(("target", "Chỉ tiêu số hoá", whole.target))
    return bars(items, title="Tiến độ số hoá hồ sơ", testid="campaign-chart", unit="hồ sơ",
                colours=CAMPAIGN_COLOURS, empty="Chưa có hồ sơ nào.")
