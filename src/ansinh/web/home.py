"""The home page of each role: «Việc cần làm» gathered from the apps' ``todo_items`` selectors, and the charts of
the user's area (server-rendered SVG through ``core.charts``). The web app only gathers: each app decides what
waits for whom, in its own selectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from ansinh.api import selectors as protection
from ansinh.core.charts import Bar, hbars, pyramid
from ansinh.core.formatting import vn_money, vn_number, vn_percent
from ansinh.core.todo import TodoItem
from ansinh.labour import selectors as labour
from ansinh.matching import selectors as matching
from ansinh.payments import selectors as payments
from ansinh.payroll import selectors as payroll
from ansinh.payroll.charts import months_chart
from ansinh.policy import selectors as policy
from ansinh.poverty import selectors as poverty
from ansinh.programmes import selectors as programmes
from ansinh.registry.permissions import can_read_registry
from ansinh.registry.selectors import registry_overview

# In the order the home page shows them: the daily work first.
TODO_SOURCES: tuple[Callable[..., list[TodoItem]], ...] = (
    programmes.todo_items, payments.todo_items, payroll.todo_items, matching.todo_items, poverty.todo_items,
    labour.todo_items, policy.todo_items, protection.todo_items)
COMMUNES_IN_CHART = 12


@dataclass
class TodoSection:
    title: str
    items: list[TodoItem] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(i.count for i in self.items)


def todo_sections(user) -> list[TodoSection]:
    sections: dict[str, TodoSection] = {}
    for source in TODO_SOURCES:
        for item in source(user):
            sections.setdefault(item.section, TodoSection(item.section)).items.append(item)
    return list(sections.values())


def _progress_chart(user) -> dict | None:
    programme, frame = payments.programme_progress(user=user)
    if programme is None:
        return None
    rows = frame.head(COMMUNES_IN_CHART).to_dicts()
    bars = [Bar(label=r["commune"] or "—", value=int(r["paid_amount"]), whole=int(r["approved_amount"]),
                tip=f"{r['commune']}: đã chi {vn_money(r['paid_amount'])} trên {vn_money(r['approved_amount'])} được "
                    f"duyệt ({vn_percent(r['paid_amount'], r['approved_amount'], 1)})",
                text=vn_percent(r["paid_amount"], r["approved_amount"], 0))
            for r in rows]
    approved, paid = int(frame["approved_amount"].sum() or 0), int(frame["paid_amount"].sum() or 0)
    more = f" · {vn_number(frame.height)} xã/phường, {COMMUNES_IN_CHART} xã lớn nhất" if frame.height > len(rows) else ""
    svg = hbars(bars, title="Tiến độ chi trả theo xã/phường", testid="progress-chart",
                legend=f"■ nhạt: được duyệt · ■ đậm: đã chi (tỷ lệ đã chi){more}")
    return {"svg": svg, "programme": programme, "approved": approved, "paid": paid,
            "share": vn_percent(paid, approved, 1), "url": reverse("payments:reconciliation", args=[programme.pk])}


def _agent_chart(user) -> dict | None:
    rows = payments.agent_progress(user=user)
    if not rows:
        return None
    bars = [Bar(label=r["commune"], value=r["paid"], whole=r["amount"], text=vn_percent(r["paid"], r["amount"], 0),
                tip=f"{r['commune']}: đã chi {vn_money(r['paid'])} trên {vn_money(r['amount'])}")
            for r in rows[:COMMUNES_IN_CHART]]
    amount, paid = sum(r["amount"] for r in rows), sum(r["paid"] for r in rows)
    svg = hbars(bars, title="Các đợt chi trả của đơn vị: đã chi theo xã/phường", testid="progress-chart",
                legend="■ nhạt: phải chi · ■ đậm: đã chi (tỷ lệ đã chi)")
    return {"svg": svg, "programme": None, "approved": amount, "paid": paid, "share": vn_percent(paid, amount, 1),
            "url": reverse("payments:batch_list")}


def home_context(user) -> dict:
    reads_registry = can_read_registry(user)
    overview = registry_overview(user=user) if reads_registry else None
    series = payroll.payments_series(user=user)
    sections = todo_sections(user)
    return {
        "sections": sections, "waiting": sum(s.waiting for s in sections),
        "idle": [item for s in sections for item in s.items if not item.count],
        "overview": overview,
        "pyramid": pyramid(overview.get("pyramid", []), title="Dân số theo nhóm tuổi và giới tính")
        if overview else "",
        "progress": _progress_chart(user) if reads_registry else _agent_chart(user),
        "payments_chart": months_chart(series, title="Chi trả hằng tháng: 12 tháng gần nhất", testid="payments-chart",
                                       width=440),
        "payments_total": int(series["amount"].sum() or 0) if series.height else 0,
    }
