"""Command line of the rules: ``ansinh policy ...`` (wired by the project CLI) or
``python -m ansinh.policy.cli ...``.

    explain VARIABLE --period YYYY-MM --set name=value [--set name@PERIOD=value ...] [--json]
    parameters [--prefix PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence

from ansinh.policy.bridge import (
    BridgeInputError,
    ParameterAddition,
    ParameterAdditionError,
    build_tax_benefit_system,
    list_parameters,
)
from ansinh.policy.explain import explain
from ansinh.policy.variables.common import UnsetParameterError

EXIT_OK, EXIT_ERROR = 0, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ansinh policy", description="Quy tắc chính sách an sinh (OpenFisca)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    explain_cmd = commands.add_parser(
        "explain", help="Tính một biến cho một người/hộ và giải thích cách tính."
    )
    explain_cmd.add_argument("variable", help="Tên biến, ví dụ tgxh_monthly_allowance")
    explain_cmd.add_argument("--period", required=True, help="Kỳ tính: YYYY-MM (tháng) hoặc YYYY (năm)")
    explain_cmd.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="TÊN=GIÁ_TRỊ",
        help="Dữ liệu nhập; TÊN@KỲ=GIÁ_TRỊ để nhập cho một kỳ khác (ví dụ covid_group1_off_work@2020-05=true)",
    )
    explain_cmd.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
    params_cmd = commands.add_parser("parameters", help="Liệt kê các tham số và giá trị theo ngày.")
    params_cmd.add_argument("--prefix", default="", help="Chỉ liệt kê tham số bắt đầu bằng đường dẫn này")
    params_cmd.add_argument("--json", action="store_true")
    return parser


def parse_assignments(assignments: Sequence[str]) -> dict:
    """``["name=value", "name@2024-07=value"]`` → inputs for ``explain`` (used by the CLI and the explanation page)."""
    inputs: dict = {}
    for assignment in assignments:
        name, separator, value = assignment.partition("=")
        if not separator or not name:
            raise BridgeInputError(f"«{assignment}» không đúng dạng TÊN=GIÁ_TRỊ.")
        name, _, period = name.strip().partition("@")
        if period:
            current = inputs.setdefault(name, {})
            if not isinstance(current, dict):
                raise BridgeInputError(f"Biến «{name}» vừa có giá trị chung vừa có giá trị theo kỳ.")
            current[period] = value
        else:
            inputs[name] = value
    return inputs


def _explain(args, additions: tuple[ParameterAddition, ...]) -> int:
    result = explain(args.variable, args.period, parse_assignments(args.assignments), additions=additions)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        print(result.to_text())
    return EXIT_OK


def _parameters(args, additions: tuple[ParameterAddition, ...]) -> int:
    infos = [i for i in list_parameters(build_tax_benefit_system(additions)) if i.path.startswith(args.prefix)]
    if args.json:
        print(json.dumps([_info_dict(i) for i in infos], ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    for info in infos:
        flag = " [CHƯA XÁC MINH]" if info.has_empty_value else ""
        print(f"{info.path}{flag} — {info.description} ({info.unit})")
        for value in info.values:
            shown = "trống" if value.value is None else value.value
            print(f"    từ {value.start}: {shown} — {value.reference}")
    return EXIT_OK


def _info_dict(info) -> dict:
    return {
        "path": info.path,
        "description": info.description,
        "unit": info.unit,
        "reference": info.reference,
        "unconfirmed": info.unconfirmed,
        "values": [{"start": v.start, "value": v.value, "reference": v.reference} for v in info.values],
    }


def main(argv: Sequence[str], additions: Iterable[ParameterAddition] = ()) -> int:
    """Run ``argv`` (the arguments after ``policy``); returns the process exit code.

    ``additions``: administrator values applied on top of the YAML (the project CLI passes the approved ones).
    """
    args = _parser().parse_args(list(argv))
    handlers = {"explain": _explain, "parameters": _parameters}
    try:
        return handlers[args.command](args, tuple(additions))
    except (UnsetParameterError, BridgeInputError, ParameterAdditionError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
