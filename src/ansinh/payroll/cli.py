"""Command line of the payroll engine: ``ansinh payroll ...`` (wired by the project CLI, which passes the
administrator additions approved in the web UI — none, with a note, without a database) or
``python -m ansinh.payroll.cli ...`` (no additions, no Django).

    settle --beneficiaries B.csv [--paid P.csv] --period YYYY-MM --out OUT.csv

Exit codes: 0 settled (OUT written, a summary on stdout, warnings on stderr); 2 refused (every wrong row
on stderr, OUT not written — an existing OUT is left as it was; the file is written to a temporary file
in the same folder and renamed, so a partial OUT never remains).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from ansinh.core.formatting import vn_number
from ansinh.payroll.engine import (
    BENEFICIARY_COLUMNS,
    KINDS,
    PAID_COLUMNS,
    PayrollError,
    PayrollInputError,
    PayrollRuleError,
    settle_with_report,
)
from ansinh.policy.bridge import ParameterAddition

EXIT_OK, EXIT_ERROR = 0, 2
MAX_PRINTED_PROBLEMS = 200


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # Vietnamese, exit 2 like the other refusals
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"Lỗi: tham số dòng lệnh không hợp lệ — {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ansinh payroll", description="Quyết toán chi trả trợ cấp hằng tháng (NCC, TGXH).")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    settle = commands.add_parser(
        "settle",
        help="Tính các dòng chi kỳ này: thường xuyên, truy lĩnh, truy thu, trợ cấp một lần khi chết.",
        description=(
            "Mỗi tháng từ start_month đến kỳ được hưởng theo quy định hiện hành (kể cả giá trị bổ sung đã"
            " duyệt), đến hết tháng chết; so với số đã chi để ra truy lĩnh (arrears) hoặc truy thu (recovery)."
        ),
    )
    settle.add_argument("--beneficiaries", required=True, type=Path, metavar="B.csv",
                        help=f"Danh sách hưởng, các cột: {','.join(BENEFICIARY_COLUMNS)}")
    settle.add_argument("--paid", type=Path, metavar="P.csv",
                        help=f"Số đã chi theo tháng, các cột: {','.join(PAID_COLUMNS)} (bỏ qua: chưa chi gì)")
    settle.add_argument("--period", required=True, metavar="YYYY-MM", help="Kỳ quyết toán (tháng chi trả)")
    settle.add_argument("--out", required=True, type=Path, metavar="OUT.csv",
                        help=f"Tệp kết quả, các cột: {','.join(PAID_COLUMNS)}")
    return parser


class _ReadError(Exception):
    pass


def _read_csv(path: Path) -> pl.DataFrame:
    """Every cell as text (codes keep their leading zeros); the engine parses and checks them."""
    if not path.is_file():
        raise _ReadError(f"không tìm thấy tệp «{path}».")
    try:
        return pl.read_csv(path, infer_schema=False, encoding="utf8")
    except pl.exceptions.NoDataError:
        raise _ReadError(f"tệp «{path}» trống (cần ít nhất dòng tiêu đề).") from None
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as error:
        raise _ReadError(f"không đọc được tệp CSV «{path}» (cần UTF-8, phân cách bằng dấu phẩy): {error}") from None


def _write_atomically(frame: pl.DataFrame, out: Path) -> None:
    """Write to a temporary file next to ``out`` and rename it: ``out`` is complete or untouched."""
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise _ReadError(f"thư mục «{directory}» của tệp kết quả không tồn tại.")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    os.close(descriptor)
    try:
        frame.write_csv(temporary)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _summary(lines: pl.DataFrame, out: Path, period: str) -> str:
    totals = {kind: (count, amount) for kind, count, amount in
              lines.group_by("kind").agg(pl.len(), pl.col("amount").sum()).iter_rows()}
    parts = []
    for kind in KINDS:
        count, amount = totals.get(kind, (0, 0))
        parts.append(f"  {kind}: {vn_number(count)} dòng, {vn_number(amount)} đồng")
    return f"Đã ghi {vn_number(lines.height)} dòng vào {out} (kỳ {period}):\n" + "\n".join(parts)


def _print_refusal(error: PayrollError, out: Path) -> None:
    if isinstance(error, PayrollInputError):
        print(f"Lỗi: dữ liệu đầu vào có {len(error.problems)} lỗi.", file=sys.stderr)
        for problem in error.problems[:MAX_PRINTED_PROBLEMS]:
            print(f"  - {problem}", file=sys.stderr)
        if len(error.problems) > MAX_PRINTED_PROBLEMS:
            print(f"  … và {len(error.problems) - MAX_PRINTED_PROBLEMS} lỗi khác.", file=sys.stderr)
    elif isinstance(error, PayrollRuleError):
        print("Lỗi: thiếu giá trị tham số, không tính được trợ cấp:", file=sys.stderr)
        for failure in error.failures:
            print(f"  - {failure}", file=sys.stderr)
    else:
        print(f"Lỗi: {error}", file=sys.stderr)
    print(f"Chưa quyết toán; không ghi tệp {out}.", file=sys.stderr)


def _settle(args, additions: tuple[ParameterAddition, ...]) -> int:
    try:
        beneficiaries = _read_csv(args.beneficiaries)
        paid = _read_csv(args.paid) if args.paid is not None else None
    except _ReadError as error:
        print(f"Lỗi: {error} Chưa quyết toán; không ghi tệp {args.out}.", file=sys.stderr)
        return EXIT_ERROR
    labels = (args.beneficiaries.name, args.paid.name if args.paid is not None else "P.csv")
    try:
        result = settle_with_report(beneficiaries, paid, period=args.period, additions=additions, labels=labels)
    except PayrollError as error:
        _print_refusal(error, args.out)
        return EXIT_ERROR
    for message in result.warnings:
        print(f"Cảnh báo: {message}", file=sys.stderr)
    try:
        _write_atomically(result.lines, args.out)
    except (_ReadError, OSError) as error:
        print(f"Lỗi: không ghi được tệp {args.out}: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(_summary(result.lines, args.out, args.period))
    return EXIT_OK


def main(argv: Sequence[str], additions: Iterable[ParameterAddition] = ()) -> int:
    """Run ``argv`` (the arguments after ``payroll``); returns the process exit code.

    ``additions``: administrator values applied on top of the YAML (the project CLI passes the approved ones).
    """
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handlers = {"settle": _settle}
    return handlers[args.command](args, tuple(additions))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
