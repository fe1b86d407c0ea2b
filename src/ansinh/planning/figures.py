"""The figures a document quotes, written in its text as ``[[format:argument]]`` and filled in from the database at
the moment of writing. Each one filled is recorded (its text, the indicators, their values, sources and queries) on
the register entry, so every number of a notice is traceable to what computed it.

    [[n:jobs_found]]             9.997          the indicator's figure for the department in the period
    [[pct:jobs_found]]           41,65%         against the current target of the year (the indicator's rounding)
    [[ratio:nq42_paid_people/nq42_approved_people]]   99,13%
    [[b1:nq42_paid_amount]]      197,1 tỷ đồng  (b2, b3: two, three decimals)
    [[over:ncc_paid_monthly]]    45.000         rounded down to the thousand («trên 45.000 người»)
    [[target:jobs_found]]        24.000
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansinh.core.errors import DomainError
from ansinh.core.formatting import round_down_two_digits, vn_billions, vn_number
from ansinh.planning import selectors
from ansinh.planning.checks import percent_text
from ansinh.planning.models import Indicator, ReportingPeriod

PLACEHOLDER = re.compile(r"\[\[([a-z0-9]+):([a-z0-9_/]+)\]\]")
FORMATS = ("n", "pct", "ratio", "b1", "b2", "b3", "over", "target")


@dataclass
class Filler:
    period: ReportingPeriod
    used: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)

    def _indicator(self, code: str) -> Indicator:
        ind = Indicator.objects.filter(code=code).first()
        if ind is None:
            raise DomainError(f"Văn bản trích chỉ tiêu «{code}» chưa được khai báo trong danh mục chỉ tiêu.")
        return ind

    def _figure(self, code: str) -> dict:
        if code not in self._cache:
            ind = self._indicator(code)
            fig = selectors.achievement(indicator=ind, unit=None, period=self.period)
            root = selectors.department_on(self.period.end)
            target = selectors.current_target(indicator=ind, unit=root, year=self.period.year) if root else None
            self._cache[code] = {
                "code": code, "name": ind.name, "unit": ind.measure_unit, "source": ind.source, "query": ind.query,
                "value": None if fig.value is None else str(fig.value), "provenance": fig.provenance,
                "target": None if target is None else str(target.value),
                "target_version": None if target is None else target.version, "rounding": ind.percent_rounding,
                "_value": fig.value, "_target": None if target is None else target.value}
        return self._cache[code]

    def fill(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: self._one(m.group(1), m.group(2), m.group(0)), text)

    def _one(self, fmt: str, arg: str, placeholder: str) -> str:
        if fmt not in FORMATS:
            raise DomainError(f"Định dạng số liệu «{fmt}» không có (dùng: {', '.join(FORMATS)}).")
        codes = arg.split("/") if fmt == "ratio" else [arg]
        if len(codes) != (2 if fmt == "ratio" else 1):
            raise DomainError(f"Số liệu «{placeholder}» viết sai.")
        figs = [self._figure(c) for c in codes]
        text = self._format(fmt, figs)
        if text is None:
            self.missing.append(placeholder)
            text = f"[chưa có số liệu: {figs[0]['name']}]"
        self.used.append({"placeholder": placeholder, "text": text,
                          "figures": [{k: v for k, v in f.items() if not k.startswith("_")} for f in figs]})
        return text

    @staticmethod
    def _format(fmt: str, figs: list[dict]) -> str | None:
        value = figs[0]["_value"]
        if fmt == "ratio":
            other = figs[1]["_value"]
            return None if value is None or not other else percent_text(value, other, rounding=figs[0]["rounding"])
        if fmt == "target":
            return None if figs[0]["_target"] is None else vn_number(figs[0]["_target"])
        if value is None:
            return None
        target = figs[0]["_target"]
        return {
            "n": lambda: vn_number(value),
            "pct": lambda: None if not target else percent_text(value, target, rounding=figs[0]["rounding"]),
            "over": lambda: vn_number(round_down_two_digits(value)),
        }.get(fmt, lambda: vn_billions(int(value), int(fmt[1])))()
