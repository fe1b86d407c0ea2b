"""Conclusions composed section by section (bullets becoming tasks), and the official documents written from live
data: the Director's conclusion notice (TB) and the semiannual report (BC), each numbered by the register, written
as .docx (NĐ 30/2020 layout) and converted to PDF, with the figures it quotes recorded for traceability."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import transaction

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.planning import selectors
from ansinh.planning.checks import place_and_date
from ansinh.planning.docx_writer import Block, Header, OfficialDocument, to_pdf, write_docx
from ansinh.planning.figures import Filler
from ansinh.planning.models import (
    Conclusion,
    ConclusionItem,
    DocType,
    DocumentKind,
    OutgoingDocument,
    ReportingPeriod,
    Section,
    TaskKind,
    TaskStatus,
)
from ansinh.planning.permissions import require_planner
from ansinh.planning.services.register import document_register
from ansinh.planning.services.tasks import _checked, task_code


@dataclass(frozen=True)
class Letterhead:
    parent_body: str = "UBND TỈNH HÀ TĨNH"
    issuing_body: str = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    issuer: str = "SLĐTBXH"
    place: str = "Hà Tĩnh"


# ---------------------------------------------------------------- composing a conclusion

@transaction.atomic(durable=True)
def conclusion_create(*, actor, title: str, meeting_date: dt.date, period: ReportingPeriod, signer_name: str,  # noqa: PLR0913 — the record's own fields, keyword-only
                      opening: str = "", closing: str = "", recipients: list[str] | None = None,
                      signer_title: str = "CHÁNH VĂN PHÒNG", authority: str = "TL. GIÁM ĐỐC") -> Conclusion:
    require_planner(actor)
    if not title.strip() or not signer_name.strip():
        raise DomainError("Thông báo kết luận cần trích yếu và người ký.", field="title")
    conclusion = Conclusion.objects.create(title=title.strip(), meeting_date=meeting_date, period=period,
                                           opening=opening, closing=closing, signer_name=signer_name.strip(),
                                           signer_title=signer_title, authority=authority,
                                           recipients=list(recipients or []), created_by=actor)
    audit_record(actor=actor, action="planning.conclusion_create", obj=conclusion, summary=title[:200])
    return conclusion


@transaction.atomic(durable=True)
def conclusion_item_add(*, actor, conclusion: Conclusion, section: str, text: str, heading: str = "",
                        numbered: bool = False, units=(), task: dict | None = None) -> ConclusionItem:
    """One paragraph of a section; ``task`` ({code, deadline, product?}) makes it a task assigned to ``units`` (the
    first unit owns it, the others co-operate), linked to the item."""
    require_planner(actor)
    conclusion = _composing(conclusion, doing="thêm nội dung")
    if section not in Section.values:
        raise DomainError("Phần của thông báo không hợp lệ.", field="section")
    text = (text or "").strip()
    if not text:
        raise DomainError("Ghi nội dung.", field="text")
    units = list(units)
    assigned_on = conclusion.meeting_date
    if task is not None:
        if not units:
            raise DomainError("Giao nhiệm vụ cần ít nhất một đơn vị thực hiện.", field="units")
        task = {**task, "code": task_code(task.get("code", ""))}
        _checked(title=text, owner=units[0], assigned_on=assigned_on, deadline=task["deadline"], co_units=units[1:])
    last = conclusion.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = ConclusionItem.objects.create(conclusion=conclusion, section=section, text=text, heading=heading[:200],
                                         numbered=numbered, order=last + 1)
    item.units.set(units)
    if task is not None:
        from ansinh.planning.models import Task

        year = conclusion.period.year
        code = task["code"]
        if Task.objects.filter(year=year, code=code).exists():
            raise DomainError(f"Số hiệu nhiệm vụ «{code}» năm {year} đã có.", field="code")
        created = Task.objects.create(year=year, code=code, title=text, owner=units[0], assigned_on=assigned_on,
                                      deadline=task["deadline"], kind=TaskKind.CONCLUSION,
                                      product=task.get("product", "")[:300], conclusion_item=item, created_by=actor)
        created.co_units.set(units[1:])
    audit_record(actor=actor, action="planning.conclusion_item", obj=item,
                 summary=f"{Section(section).label}: {text[:120]}", details={"task": bool(task)})
    return item


def _composing(conclusion: Conclusion, *, doing: str) -> Conclusion:
    """The conclusion, its row locked (so that issuing waits, and two changes of its paragraphs take turns), refused
    once issued (numbered in the register: the text is the document's)."""
    locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
    if locked.document_id is not None:
        raise DomainError(f"Thông báo đã ban hành (số {locked.document.symbol}): không {doing} được nữa. Văn bản đã "
                          "ban hành chỉ được sửa bằng một văn bản khác.")
    return locked


def _item_of(conclusion: Conclusion, item: ConclusionItem) -> ConclusionItem:
    found = conclusion.items.filter(pk=item.pk).first()
    if found is None:
        raise DomainError("Nội dung này không còn trong thông báo (có thể vừa bị xoá).")
    return found


@transaction.atomic(durable=True)
def conclusion_item_edit(*, actor, item: ConclusionItem, text: str, heading: str = "", numbered: bool = False,
                         units=None) -> tuple[ConclusionItem, list[str]]:
    """Correct a paragraph before the notice is issued: its text, sub-heading, numbering and (for a paragraph not
    made a task) its units. A paragraph made a task keeps its units (the task's owner and co-operating units are
    changed on the task's page); its task's content follows the new text while the task still has the paragraph's
    words. Returns the item and the codes of the tasks whose content followed."""
    require_planner(actor)
    conclusion = _composing(item.conclusion, doing="sửa nội dung")
    locked = _item_of(conclusion, item)
    text = (text or "").strip()
    if not text:
        raise DomainError("Ghi nội dung.", field="text")
    tasks = list(locked.tasks.select_for_update())
    if units is not None:
        units = list(units)
        if tasks and {u.pk for u in units} != set(locked.units.values_list("pk", flat=True)):
            raise DomainError(f"Đoạn này đã giao thành nhiệm vụ {tasks[0].code}: đổi đơn vị chủ trì, phối hợp trên trang "
                              "của nhiệm vụ.", field="units")
    before = {"text": locked.text, "heading": locked.heading, "numbered": locked.numbered}
    followed = []
    for task in tasks:
        if task.title == locked.text and task.title != text and task.completed_on is None:
            task.title = text
            task.save(update_fields=["title", "updated_at"])
            followed.append(task.code)
    locked.text, locked.heading, locked.numbered = text, (heading or "").strip()[:200], bool(numbered)
    locked.save(update_fields=["text", "heading", "numbered"])
    if units is not None and not tasks:
        locked.units.set(units)
    audit_record(actor=actor, action="planning.conclusion_item_edit", obj=locked,
                 summary=f"Sửa nội dung {Section(locked.section).label}: {text[:120]}",
                 details={"before": before, "tasks_followed": followed})
    return locked, followed


@transaction.atomic(durable=True)
def conclusion_item_remove(*, actor, item: ConclusionItem, with_tasks: bool = False) -> tuple[str, list[str]]:
    """Remove a paragraph before the notice is issued. A paragraph made a task takes its task with it — the notice
    not being issued, the task was never officially given — but only when asked (``with_tasks``: the page shows
    which task goes), and never once the owner reported progress on it (a unit has started: the task is handled on
    its own page). Returns the section's label and the codes of the tasks removed."""
    require_planner(actor)
    conclusion = _composing(item.conclusion, doing="xoá nội dung")
    locked = _item_of(conclusion, item)
    tasks = list(locked.tasks.select_for_update(of=("self",)).select_related("owner"))
    for task in tasks:
        notes = task.notes.count()
        if notes or task.completed_on is not None or task.progress:
            raise DomainError(f"Không xoá được đoạn này: nhiệm vụ {task.code} giao cho {task.owner.name} đã được cập nhật "
                              f"tiến độ ({notes} lần). Sửa nội dung thay vì xoá, hoặc xử lý nhiệm vụ trên trang của nó.")
    codes = [t.code for t in tasks]
    if tasks and not with_tasks:
        raise DomainError(f"Đoạn này đã giao thành nhiệm vụ {', '.join(codes)}: xác nhận xoá cả nhiệm vụ thì mới xoá "
                          "được.", field="with_tasks")
    label = Section(locked.section).label
    audit_record(actor=actor, action="planning.conclusion_item_remove", obj=locked,
                 summary=f"Xoá nội dung {label}: {locked.text[:120]}" + (f" và nhiệm vụ {', '.join(codes)}" if codes else ""),
                 details={"conclusion": conclusion.pk, "text": locked.text, "heading": locked.heading,
                          "order": locked.order, "tasks": [{"code": t.code, "year": t.year, "owner": t.owner.name,
                                                            "deadline": f"{t.deadline:%d/%m/%Y}"} for t in tasks]})
    for task in tasks:
        task.co_units.clear()
        task.delete()
    locked.units.clear()
    locked.delete()
    return label, codes


@transaction.atomic(durable=True)
def conclusion_item_move(*, actor, item: ConclusionItem, up: bool) -> ConclusionItem:
    """Move a paragraph one place up or down within its section (it swaps with its neighbour; a sub-heading moves
    with the paragraph that carries it; the numbers of section I follow the order when the notice is written)."""
    require_planner(actor)
    conclusion = _composing(item.conclusion, doing="đổi thứ tự nội dung")
    locked = _item_of(conclusion, item)
    siblings = conclusion.items.filter(section=locked.section)
    neighbour = (siblings.filter(order__lt=locked.order).order_by("-order") if up
                 else siblings.filter(order__gt=locked.order).order_by("order")).first()
    label = Section(locked.section).label
    if neighbour is None:
        raise DomainError(f"Đoạn này đã ở {'đầu' if up else 'cuối'} phần «{label}».")
    mine, theirs = locked.order, neighbour.order
    locked.order = 0  # (conclusion, order) is unique: through a free place, under the conclusion's lock
    locked.save(update_fields=["order"])
    neighbour.order = mine
    neighbour.save(update_fields=["order"])
    locked.order = theirs
    locked.save(update_fields=["order"])
    audit_record(actor=actor, action="planning.conclusion_item_move", obj=locked,
                 summary=f"Chuyển nội dung {'lên' if up else 'xuống'} trong phần {label}: {locked.text[:100]}",
                 details={"from": mine, "to": theirs, "swapped_with": neighbour.pk})
    return locked


# ---------------------------------------------------------------- writing documents

def _files(doc: OutgoingDocument, official: OfficialDocument, stem: str, *, pdf: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="ansinh-docx-") as tmp:
        path = write_docx(official, Path(tmp) / f"{stem}.docx")
        pdf_path = to_pdf(path, Path(tmp)) if pdf else None
        with path.open("rb") as handle:
            doc.docx.save(path.name, File(handle), save=False)
        if pdf_path is not None:
            with pdf_path.open("rb") as handle:
                doc.pdf.save(pdf_path.name, File(handle), save=False)
    doc.save(update_fields=["docx", "pdf", "figures", "updated_at"])


def _stem(doc: OutgoingDocument) -> str:
    return f"{doc.number:02d}-{doc.doc_type}-{doc.year}".replace("Đ", "D")


def conclusion_blocks(conclusion: Conclusion, filler: Filler) -> list[Block]:
    blocks = [Block("para", filler.fill(conclusion.opening))] if conclusion.opening else []
    items = list(conclusion.items.order_by("order"))
    number = {Section.KEY: 0}
    for section in (Section.ASSESSMENT, Section.KEY, Section.FIELD):
        part = [i for i in items if i.section == section]
        if not part:
            continue
        if section != Section.ASSESSMENT:
            blocks.append(Block("heading", Section(section).label))
        for item in part:
            if item.heading:
                blocks.append(Block("heading", item.heading))
            text = filler.fill(item.text)
            if item.numbered and section == Section.KEY:
                number[Section.KEY] += 1
                text = f"{number[Section.KEY]}. {text}"
            blocks.append(Block("para", text))
    if conclusion.closing:
        blocks.append(Block("para", filler.fill(conclusion.closing)))
    return blocks


def conclusion_figures(conclusion: Conclusion) -> tuple[list[dict], list[str]]:
    """The figures the notice would quote if issued now (read only, nothing numbered): each placeholder once with
    its text and what computed it, and the placeholders with no data (issuing would be refused for them)."""
    filler = Filler(period=conclusion.period)
    conclusion_blocks(conclusion, filler)
    seen: dict[str, dict] = {}
    for used in filler.used:
        seen.setdefault(used["placeholder"], used)
    return list(seen.values()), list(dict.fromkeys(filler.missing))


@transaction.atomic(durable=True)
def conclusion_issue(*, actor, conclusion: Conclusion, issued_on: dt.date, letterhead: Letterhead = Letterhead(),
                     pdf: bool = True, number: int | None = None, allow_missing: bool = False) -> OutgoingDocument:
    """Number the notice (TB) in the register, fill its figures from the database, write .docx and .pdf. A figure
    with no data refuses the whole (``allow_missing``: the demo's small province writes «[chưa có số liệu: …]»)."""
    require_planner(actor)
    locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
    if locked.document_id is not None:
        raise DomainError(f"Thông báo đã ban hành: số {locked.document.symbol}.")
    if issued_on < locked.meeting_date:
        raise DomainError("Ngày ban hành trước ngày họp.", field="issued_on")
    filler = Filler(period=locked.period)
    blocks = conclusion_blocks(locked, filler)
    if not allow_missing:
        _refuse_missing(filler)
    doc = document_register(actor=actor, issuer=letterhead.issuer, doc_type=DocType.TB, issued_on=issued_on,
                            summary=locked.title, kind=DocumentKind.CONCLUSION, number=number,
                            signer_name=locked.signer_name, period=locked.period)
    doc.figures = filler.used
    official = OfficialDocument(
        header=Header(letterhead.parent_body, letterhead.issuing_body, doc.symbol,
                      place_and_date(letterhead.place, issued_on)),
        doc_type_name="THÔNG BÁO", summary=locked.title, blocks=blocks, authority=locked.authority,
        signer_title=locked.signer_title, signer_name=locked.signer_name, recipients=locked.recipients)
    _files(doc, official, f"thong-bao-{_stem(doc)}", pdf=pdf)
    locked.document = doc
    locked.save(update_fields=["document", "updated_at"])
    audit_record(actor=actor, action="planning.conclusion_issue", obj=doc, summary=f"Ban hành {doc.symbol}",
                 details={"figures": len(filler.used)})
    return doc


def _refuse_missing(filler: Filler) -> None:
    if filler.missing:
        raise DomainError("Chưa có số liệu cho: " + ", ".join(dict.fromkeys(filler.missing)) +
                          ". Văn bản không được ban hành với số liệu trống.")


def _plan_table(period: ReportingPeriod, used: list[dict]) -> Block:
    rows = [["TT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", f"Thực hiện {period.label}", "Tỷ lệ % KH"]]
    for i, row in enumerate((r for r in selectors.plan_rows(period=period) if r.target is not None), start=1):
        value = row.figure.value
        pct = row.percent
        rows.append([str(i), row.indicator.name, row.indicator.measure_unit, vn_number(row.target.value),
                     "—" if value is None else vn_number(value), "—" if pct is None else f"{vn_number(pct, 2)}%"])
        used.append({"placeholder": f"bảng: {row.indicator.code}", "text": rows[-1][4],
                     "figures": [{"code": row.indicator.code, "value": None if value is None else str(value),
                                  "target": str(row.target.value), "source": row.indicator.source,
                                  "query": row.indicator.query, "provenance": row.figure.provenance}]})
    return Block("table", rows=rows, widths_cm=[1.0, 6.5, 1.8, 2.4, 2.6, 2.0])


@transaction.atomic(durable=True)
def semiannual_report_issue(*, actor, period: ReportingPeriod, issued_on: dt.date, paragraphs: list[str],  # noqa: PLR0913 — the record's own fields, keyword-only
                            signer_name: str, signer_title: str = "PHÓ GIÁM ĐỐC", authority: str = "KT. GIÁM ĐỐC",
                            recipients: list[str] | None = None, letterhead: Letterhead = Letterhead(),
                            pdf: bool = True, allow_missing: bool = False) -> OutgoingDocument:
    """The báo cáo sơ kết: the plan table (every indicator with a target), the paragraphs (with figures), the tasks by
    QĐ 42 status and the units' reporting on time — all read at this moment."""
    require_planner(actor)
    filler = Filler(period=period)
    used: list[dict] = []
    blocks = [Block("heading", "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU KẾ HOẠCH"), _plan_table(period, used),
              Block("heading", "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ TRÊN CÁC LĨNH VỰC")]
    blocks += [Block("para", filler.fill(p)) for p in paragraphs]
    counts = selectors.task_counts(user=actor, year=period.year, on=period.end)
    blocks += [Block("heading", "III. THỰC HIỆN NHIỆM VỤ KHUNG VÀ CHẾ ĐỘ BÁO CÁO"), Block("para", (
        f"Tổng số nhiệm vụ khung năm {period.year}: {vn_number(counts['total'])}; "
        f"{TaskStatus.DONE_ON_TIME.label.lower()}: {vn_number(counts[TaskStatus.DONE_ON_TIME])}; "
        f"{TaskStatus.DONE_LATE.label.lower()}: {vn_number(counts[TaskStatus.DONE_LATE])}; "
        f"{TaskStatus.OPEN_IN_TIME.label.lower()}: {vn_number(counts[TaskStatus.OPEN_IN_TIME])}; "
        f"{TaskStatus.OPEN_OVERDUE.label.lower()}: {vn_number(counts[TaskStatus.OPEN_OVERDUE])} "
        f"(tính đến ngày {period.end:%d/%m/%Y})."))]
    track = selectors.tracking(user=actor, period=period, today=issued_on)
    states = {s: sum(1 for r in track if r.state == s) for s in ("on_time", "late", "missing", "not_due")}
    blocks.append(Block("para", (f"Chế độ báo cáo {period.label}: {vn_number(len(track))} báo cáo phải gửi; "
                                 f"gửi đúng hạn {vn_number(states['on_time'])}, gửi muộn {vn_number(states['late'])}, "
                                 f"quá hạn chưa gửi {vn_number(states['missing'])}.")))
    used.append({"placeholder": "nhiệm vụ khung", "text": blocks[-2].text,
                 "figures": [{"code": "tasks", "query": "planning.selectors.task_counts", "value": counts}]})
    used.append({"placeholder": "chế độ báo cáo", "text": blocks[-1].text,
                 "figures": [{"code": "tracking", "query": "planning.selectors.tracking", "value": states}]})
    if not allow_missing:
        _refuse_missing(filler)
    summary = f"Kết quả thực hiện công tác lao động, người có công và xã hội {period.label}"
    doc = document_register(actor=actor, issuer=letterhead.issuer, doc_type=DocType.BC, issued_on=issued_on,
                            summary=summary, kind=DocumentKind.SEMIANNUAL, signer_name=signer_name, period=period)
    doc.figures = used + filler.used
    official = OfficialDocument(
        header=Header(letterhead.parent_body, letterhead.issuing_body, doc.symbol,
                      place_and_date(letterhead.place, issued_on)),
        doc_type_name="BÁO CÁO", summary=summary, blocks=blocks, authority=authority, signer_title=signer_title,
        signer_name=signer_name, recipients=list(recipients or []))
    _files(doc, official, f"bao-cao-{_stem(doc)}", pdf=pdf)
    audit_record(actor=actor, action="planning.report_issue", obj=doc, summary=f"Ban hành {doc.symbol}")
    return doc
