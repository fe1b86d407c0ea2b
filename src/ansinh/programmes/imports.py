"""Files of lists and registers through the shared import lifecycle (``ansinh.core.imports``).

- ``list_upload``: the lists of the groups communes declare (NQ 42 groups 1–4, QĐ 15 Mẫu 01–04). Each row
  is matched to the registry by its identity number (CCCD 12 digits or CMND 9 digits); a person the
  registry does not know is registered from the row (a one-person household in the commune). Amounts come
  from the rules (the group's variable, month by month over the months requested), never from the file;
  the QĐ 15 dates and limits come from the policy parameters. Valid rows go into the draft list of that
  programme, group and commune (created when missing), or into its draft supplementary list once the main
  one is approved; then the programme's checks run on it.
- ``register``: the standing registers (NCC, TGXH, poor and near-poor household lists). Each row must name
  someone already in the registry inside the user's area (identity number, the name as a check; the
  household code for household lists); a person or household cannot be enrolled twice in the same register
  for overlapping periods (the database refuses the same start date twice).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.urls import reverse
from django.utils import timezone

from ansinh.accounts.permissions import area_commune_ids
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_money, vn_number
from ansinh.core.identity import pid_messages
from ansinh.core.imports import CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.locks import advisory_lock
from ansinh.core.tabular import (
    IDENTITY_KEYWORDS,
    ROW,
    Field,
    ImportFileError,
    RawTable,
    Schema,
    add_errors,
    add_row_errors,
    has_errors,
    is_blank,
    parse_columns,
    read_table,
    write_template,
)
from ansinh.core.text import fold, fold_expr
from ansinh.geo.models import AdminUnit
from ansinh.policy.bridge import compute, parameter_at
from ansinh.policy.variables.enums import TgxhCategory
from ansinh.programmes.models import (
    HOUSEHOLD_REGISTERS,
    MARTYR_RELATIVE,
    NCC_CATEGORY_CHOICES,
    NCC_RATE_RANGES,
    AmountMode,
    BeneficiaryGroup,
    BeneficiaryList,
    Enrolment,
    EnrolmentChange,
    EnrolmentEvent,
    EventSource,
    Frequency,
    ListRow,
    ListSource,
    ListStatus,
    ListUpload,
    Programme,
    Register,
    RegisterImport,
)
from ansinh.programmes.permissions import require_register_importer, require_uploader, require_usable
from ansinh.programmes.rules import programme_additions, window_months
from ansinh.registry.models import Household, Person

Progress = object
_DECISION_MAX = Enrolment._meta.get_field("decision_number").max_length

# --- the templates ------------------------------------------------------------------------------------

_STT = Field("stt", "STT", ("Số TT", "TT", "Số thứ tự"), width=5)
_NAME_SYNONYMS = ("Họ tên", "Họ và tên người lao động", "Họ và tên người đề nghị hỗ trợ", "Họ, tên", "Họ tên người lao động")
_BIRTH = Field("birth", "Ngày sinh", ("Năm sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Ngày/tháng/năm sinh"),
               kind="date", width=12)
# QĐ 15's forms write the birth date under «Nam» or «Nữ» (two header rows): the column gives the sex.
_BIRTH_MALE = Field("birth_male", "Ngày sinh Nam", ("Ngày tháng năm sinh Nam", "Ngày, tháng, năm sinh Nam",
                                                    "Năm sinh Nam", "Ngày/tháng/năm sinh Nam"), kind="date")
_BIRTH_FEMALE = Field("birth_female", "Ngày sinh Nữ", ("Ngày tháng năm sinh Nữ", "Ngày, tháng, năm sinh Nữ",
                                                       "Năm sinh Nữ", "Ngày/tháng/năm sinh Nữ"), kind="date")
_SEX = Field("sex", "Giới tính", ("Giới", "Nam/nữ"), kind="choice",
             choices=(("M", ("Nam", "M")), ("F", ("Nữ", "F"))))
_NAME_MAX = Person._meta.get_field("full_name").max_length
_IDENTITY = Field("identity", "Số CCCD/CMND", (
    "Số CMND/CCCD", "CMND/CCCD", "CCCD/CMND", "Số CMND", "Số CCCD", "Số định danh cá nhân", "Số định danh",
    "Số CMND hoặc CCCD", "Số chứng minh nhân dân", "Số căn cước công dân", "Số CMND/Căn cước công dân",
    "Số CMND/thẻ CCCD"), required=True, kind="identity", width=15, keywords=IDENTITY_KEYWORDS)
_ADDRESS = Field("address", "Địa chỉ", ("Nơi ở hiện tại", "Địa chỉ thường trú", "Nơi cư trú", "Địa chỉ nơi ở",
                                        "Thôn/xóm", "Thôn", "Thôn/tổ dân phố", "Địa chỉ cư trú", "Nơi thường trú"),
                 width=24, max_length=255)
_MONTHS = Field("months", "Số tháng đề nghị hỗ trợ", (
    "Số tháng hỗ trợ", "Số tháng", "Số tháng đề nghị", "Thời gian đề nghị hỗ trợ", "Số tháng được hỗ trợ",
    "Thời gian hỗ trợ (tháng)", "Số tháng tạm ngừng kinh doanh"), required=True, kind="int", width=10)
_NOTE = Field("note", "Ghi chú", ("Ghi chu",))


@dataclass(frozen=True)
class Template:
    """One QĐ 15 form: its columns, which date starts the months requested, and the rules inputs."""

    code: str
    title: str
    schema: Schema
    start_field: str | None  # the date the months count from (None: the window start)
    example: tuple


TEMPLATES: dict[str, Template] = {
    "Mẫu 01": Template("Mẫu 01", "DANH SÁCH NGƯỜI LAO ĐỘNG TẠM HOÃN THỰC HIỆN HỢP ĐỒNG LAO ĐỘNG, NGHỈ VIỆC KHÔNG HƯỞNG LƯƠNG",
                       Schema(fields=(
                           _STT, Field("full_name", "Họ và tên", _NAME_SYNONYMS, required=True, width=24, max_length=_NAME_MAX),
                           _BIRTH, _BIRTH_MALE, _BIRTH_FEMALE, _SEX, _IDENTITY,
                           Field("social_insurance_no", "Số sổ BHXH", ("Mã số BHXH", "Số BHXH", "Số sổ bảo hiểm xã hội")),
                           Field("enterprise", "Tên doanh nghiệp", ("Doanh nghiệp", "Tên đơn vị", "Đơn vị sử dụng lao động",
                                                                    "Tên doanh nghiệp/đơn vị", "Tên doanh nghiệp, cơ quan, tổ chức"),
                                 required=True, width=24),
                           Field("off_start", "Ngày bắt đầu tạm hoãn HĐLĐ", (
                               "Thời điểm bắt đầu tạm hoãn HĐLĐ/nghỉ việc không hưởng lương", "Ngày bắt đầu tạm hoãn",
                               "Ngày bắt đầu nghỉ không lương", "Tạm hoãn từ ngày", "Thời gian tạm hoãn HĐLĐ từ ngày",
                               "Thời gian tạm hoãn HĐLĐ, nghỉ việc không hưởng lương từ ngày", "Từ ngày"),
                                 required=True, kind="date", width=14),
                           Field("off_end", "Ngày kết thúc tạm hoãn HĐLĐ", (
                               "Thời điểm kết thúc tạm hoãn HĐLĐ/nghỉ việc không hưởng lương", "Tạm hoãn đến ngày",
                               "Thời gian tạm hoãn HĐLĐ đến ngày",
                               "Thời gian tạm hoãn HĐLĐ, nghỉ việc không hưởng lương đến ngày", "Đến ngày"),
                                 kind="date", width=14),
                           _MONTHS, _ADDRESS, _NOTE)),
                       "off_start",
                       ("1", "Nguyễn Thị Lan", "15/03/1990", "", "", "Nữ", "042190001234", "4201234567",
                        "Công ty TNHH May Hà Tĩnh", "01/04/2020", "30/06/2020", 3, "Thôn Trung Tiến", "")),
    "Mẫu 02": Template("Mẫu 02", "DANH SÁCH HỘ KINH DOANH CÓ DOANH THU KÊ KHAI THUẾ DƯỚI 100 TRIỆU ĐỒNG/NĂM TẠM NGỪNG KINH DOANH",
                       Schema(fields=(
                           _STT, Field("full_name", "Họ và tên chủ hộ kinh doanh", (
                               "Họ tên chủ hộ kinh doanh", "Chủ hộ kinh doanh", "Họ và tên chủ hộ", "Họ và tên", "Họ tên"),
                                       required=True, width=24),
                           _BIRTH, _BIRTH_MALE, _BIRTH_FEMALE, _SEX, _IDENTITY,
                           Field("tax_code", "Mã số thuế", ("MST", "Mã số thuế hộ kinh doanh")),
                           Field("business_address", "Địa điểm kinh doanh", ("Địa chỉ kinh doanh", "Địa điểm kinh doanh")),
                           Field("business_line", "Ngành nghề kinh doanh", ("Ngành nghề", "Mặt hàng kinh doanh",
                                                                            "Lĩnh vực kinh doanh")),
                           Field("revenue", "Doanh thu khai thuế năm 2020", (
                               "Doanh thu kê khai thuế năm 2020", "Doanh thu năm 2020", "Doanh thu khai thuế",
                               "Doanh thu kê khai thuế", "Doanh thu", "Doanh thu khai thuế năm 2020 (đồng)"),
                                 required=True, kind="money", width=16),
                           Field("suspended_from", "Ngày tạm ngừng kinh doanh", (
                               "Tạm ngừng kinh doanh từ ngày", "Thời điểm tạm ngừng kinh doanh", "Ngày bắt đầu tạm ngừng",
                               "Thời gian tạm ngừng kinh doanh từ ngày"), kind="date", width=14),
                           _MONTHS, _ADDRESS, _NOTE)),
                       "suspended_from",
                       ("1", "Trần Văn Hải", "20/07/1975", "", "", "Nam", "042075004321", "3001234567", "Chợ Cẩm Bình",
                        "Bán tạp hoá", "72.000.000", "01/04/2020", 3, "Thôn Trung Tiến", "")),
    "Mẫu 03": Template("Mẫu 03", "DANH SÁCH NGƯỜI LAO ĐỘNG BỊ CHẤM DỨT HỢP ĐỒNG LAO ĐỘNG KHÔNG ĐỦ ĐIỀU KIỆN HƯỞNG TRỢ CẤP THẤT NGHIỆP",
                       Schema(fields=(
                           _STT, Field("full_name", "Họ và tên", _NAME_SYNONYMS, required=True, width=24, max_length=_NAME_MAX),
                           _BIRTH, _BIRTH_MALE, _BIRTH_FEMALE, _SEX, _IDENTITY,
                           Field("enterprise", "Nơi làm việc trước khi chấm dứt HĐLĐ", (
                               "Tên doanh nghiệp", "Nơi làm việc", "Đơn vị làm việc", "Tên đơn vị"), width=24),
                           Field("contract_signed", "Ngày giao kết HĐLĐ", (
                               "Ngày ký HĐLĐ", "Ngày ký hợp đồng lao động", "Ngày giao kết hợp đồng lao động",
                               "Thời điểm giao kết HĐLĐ", "Ngày ký hợp đồng"), required=True, kind="date", width=14),
                           Field("contract_end", "Ngày chấm dứt HĐLĐ", (
                               "Ngày chấm dứt hợp đồng lao động", "Thời điểm chấm dứt HĐLĐ", "Ngày nghỉ việc",
                               "Ngày chấm dứt hợp đồng"), required=True, kind="date", width=14),
                           _MONTHS, _ADDRESS, _NOTE)),
                       "contract_end",
                       ("1", "Lê Văn Minh", "02/09/1988", "", "", "Nam", "042088007777", "Công ty CP Gạch Thạch Hà",
                        "01/06/2018", "15/04/2020", 3, "Thôn Trung Tiến", "")),
    "Mẫu 04": Template("Mẫu 04", "DANH SÁCH NGƯỜI LAO ĐỘNG KHÔNG CÓ GIAO KẾT HỢP ĐỒNG LAO ĐỘNG BỊ MẤT VIỆC LÀM",
                       Schema(fields=(
                           _STT, Field("full_name", "Họ và tên", _NAME_SYNONYMS, required=True, width=24, max_length=_NAME_MAX),
                           _BIRTH, _BIRTH_MALE, _BIRTH_FEMALE, _SEX, _IDENTITY, _ADDRESS,
                           Field("job", "Công việc bị mất", (
                               "Ngành nghề lao động tự do", "Công việc trước khi mất việc làm", "Ngành nghề",
                               "Công việc", "Nghề nghiệp", "Công việc chính", "Loại công việc"), required=True, width=24),
                           Field("lost_from", "Ngày mất việc làm", ("Thời điểm mất việc làm", "Mất việc từ ngày",
                                                                    "Mất việc làm từ ngày"), kind="date", width=14),
                           _MONTHS, _NOTE)),
                       "lost_from",
                       ("1", "Phạm Thị Hoa", "10/10/1970", "", "", "Nữ", "042170005555", "Thôn Trung Tiến",
                        "Bán hàng rong", "01/04/2020", 3, "")),
}

# The form of the groups a province designs (programmes.services.design): who, where, how many months; the amount
# is the group's (fixed or by the rules), never the file's.
GENERIC_TEMPLATE = "Mẫu chung"
TEMPLATES[GENERIC_TEMPLATE] = Template(
    GENERIC_TEMPLATE, "DANH SÁCH ĐỐI TƯỢNG ĐỀ NGHỊ HỖ TRỢ",
    Schema(fields=(_STT, Field("full_name", "Họ và tên", _NAME_SYNONYMS, required=True, width=24, max_length=_NAME_MAX),
                   _BIRTH, _BIRTH_MALE, _BIRTH_FEMALE, _SEX, _IDENTITY, _ADDRESS,
                   dataclasses.replace(_MONTHS, required=False), _NOTE)),
    None, ("1", "Nguyễn Văn An", "12/05/1948", "", "", "Nam", "042048001234", "Thôn Trung Tiến", "", ""))


@dataclass(frozen=True)
class Qd15Limits:
    """The dates and limits QĐ 15/2020/QĐ-TTg gives the groups, read from the policy parameters (the rules
    check them again: a row they give 0 đ is an error)."""

    max_months: int
    group1_off_start_latest: dt.date
    group2_revenue_limit: int
    group3_signed_before: dt.date
    group3_end_latest: dt.date


def qd15_limits(programme: Programme) -> Qd15Limits:
    additions = programme_additions(programme)
    on = programme.window_start

    def value(path: str):
        found = parameter_at(path, on, additions)
        if found is None:
            raise DomainError(f"Tham số «{path}» chưa có giá trị tại {on:%d/%m/%Y}: quản trị hệ thống cần bổ sung.")
        return found

    base = "covid.nq42_2020."
    return Qd15Limits(max_months=len(window_months(programme)),  # «tối đa 3 tháng»: the months of the window
                      group1_off_start_latest=value(base + "group1.off_start_latest"),
                      group2_revenue_limit=int(value(base + "group2.revenue_limit")),
                      group3_signed_before=value(base + "group3.contract_signed_before"),
                      group3_end_latest=value(base + "group3.contract_end_latest"))


def template_for(group: BeneficiaryGroup) -> Template:
    template = TEMPLATES.get(group.template)
    if template is None or group.source != ListSource.EXCEL:
        raise DomainError(f"Nhóm {group.code} không lập danh sách bằng tệp Excel.")
    return template


def template_write(group: BeneficiaryGroup, out_path: Path) -> Path:
    t = template_for(group)
    return write_template(t.schema, out_path, title=f"{t.code}: {t.title}", example_rows=[t.example])


def _millions(amount: int) -> str:
    """100.000.000 → «100 triệu đồng» (the way QĐ 15 words it)."""
    return f"{amount // 1_000_000} triệu đồng" if amount % 1_000_000 == 0 else f"{vn_number(amount)} đồng"


def _vn(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _check_identity(rows: pl.DataFrame) -> pl.DataFrame:
    ident = pl.col("identity")
    rows = rows.with_columns(pl.when(ident.str.len_chars() == 12).then(ident).alias("pid"),
                             pl.when(ident.str.len_chars() == 9).then(ident).alias("cmnd"))
    messages = {row: [f"Số CCCD/CMND: {text}"] for row, text in pid_messages(rows, key=ROW).items()}
    rows = add_row_errors(rows, messages)
    dup = ident.is_not_null() & ident.is_duplicated()
    first = pl.col(ROW).min().over("identity")
    return add_errors(rows, dup & (pl.col(ROW) != first),
                      pl.concat_str(pl.lit("Số CCCD/CMND "), ident, pl.lit(" trùng với dòng "), first.cast(pl.Utf8),
                                    pl.lit(" của tệp (một người chỉ ghi một lần).")))


def _month_index(date: pl.Expr, start: dt.date) -> pl.Expr:
    return (date.dt.year().cast(pl.Int32) - start.year) * 12 + date.dt.month().cast(pl.Int32) - start.month


def _check_months_and_dates(rows: pl.DataFrame, programme: Programme, group: BeneficiaryGroup,
                            template: Template) -> pl.DataFrame:
    start, end = programme.window_start, programme.window_end
    limits = qd15_limits(programme)
    label = f"{_vn(start)}–{_vn(end)}"
    months = pl.col("months")
    rows = add_errors(rows, months.is_not_null() & ((months < 1) | (months > limits.max_months)),
                      pl.concat_str(pl.lit(f"Số tháng đề nghị hỗ trợ phải từ 1 đến {limits.max_months} (đang ghi "),
                                    months.cast(pl.Utf8), pl.lit(")."))).with_columns()
    birth = pl.col("birth")
    for name, shown in (("off_start", "Ngày bắt đầu tạm hoãn HĐLĐ"), ("off_end", "Ngày kết thúc tạm hoãn HĐLĐ"),
                        ("suspended_from", "Ngày tạm ngừng kinh doanh"), ("contract_signed", "Ngày giao kết HĐLĐ"),
                        ("contract_end", "Ngày chấm dứt HĐLĐ"), ("lost_from", "Ngày mất việc làm")):
        rows = add_errors(rows, pl.col(name).is_not_null() & birth.is_not_null() & (pl.col(name) <= birth),
                          f"{shown} trước ngày sinh: ngày không hợp lệ.")
    code = group.code
    if code == "1":
        off = pl.col("off_start")
        rows = add_errors(rows, off.is_not_null() & ~off.is_between(start, limits.group1_off_start_latest),
                          pl.concat_str(pl.lit("Ngày bắt đầu tạm hoãn HĐLĐ "), off.dt.strftime("%d/%m/%Y"),
                                        pl.lit(f" ngoài thời gian được hỗ trợ (từ {_vn(start)} đến "
                                               f"{_vn(limits.group1_off_start_latest)}).")))
        rows = add_errors(rows, pl.col("off_end").is_not_null() & off.is_not_null() & (pl.col("off_end") < off),
                          "Ngày kết thúc tạm hoãn HĐLĐ trước ngày bắt đầu.")
        rows = add_errors(rows, pl.col("off_end").is_not_null() & off.is_not_null() & (pl.col("off_end") >= off)
                          & (pl.col("off_end") < off.dt.offset_by("1mo").dt.offset_by("-1d")),
                          "Thời gian tạm hoãn HĐLĐ/nghỉ không lương dưới 1 tháng liên tục: không thuộc đối tượng nhóm 1.")
    elif code == "2":
        revenue = pl.col("revenue")
        rows = add_errors(rows, revenue.is_not_null() & (revenue >= limits.group2_revenue_limit),
                          pl.concat_str(pl.lit("Doanh thu khai thuế năm 2020 là "), revenue.cast(pl.Utf8),
                                        pl.lit(f" đồng, từ {_millions(limits.group2_revenue_limit)} trở lên: không thuộc đối tượng nhóm 2.")))
    elif code == "3":
        signed, ended = pl.col("contract_signed"), pl.col("contract_end")
        rows = add_errors(rows, signed.is_not_null() & (signed >= limits.group3_signed_before),
                          pl.concat_str(pl.lit("HĐLĐ giao kết ngày "), signed.dt.strftime("%d/%m/%Y"),
                                        pl.lit(f": phải giao kết trước {_vn(limits.group3_signed_before)}.")))
        rows = add_errors(rows, ended.is_not_null() & ~ended.is_between(start, limits.group3_end_latest),
                          pl.concat_str(pl.lit("HĐLĐ chấm dứt ngày "), ended.dt.strftime("%d/%m/%Y"),
                                        pl.lit(f": phải chấm dứt từ {_vn(start)} đến {_vn(limits.group3_end_latest)}.")))
        rows = add_errors(rows, signed.is_not_null() & ended.is_not_null() & (ended < signed),
                          "Ngày chấm dứt HĐLĐ trước ngày giao kết HĐLĐ.")
    if template.start_field in ("suspended_from", "lost_from"):
        date = pl.col(template.start_field)
        rows = add_errors(rows, date.is_not_null() & ~date.is_between(start, end),
                          pl.concat_str(date.dt.strftime("%d/%m/%Y"), pl.lit(f" ngoài thời gian áp dụng ({label}).")))
    # the months requested must fit in the window from the month they start
    first = pl.col(template.start_field) if template.start_field else pl.lit(start)
    rows = rows.with_columns(
        pl.when(first.is_between(start, end)).then(_month_index(first, start)).otherwise(pl.lit(0, pl.Int32))
        .fill_null(0).alias("_first_month"))
    total = len(window_months(programme))
    left = total - pl.col("_first_month")
    return add_errors(rows, months.is_between(1, limits.max_months) & (months > left),
                      pl.concat_str(pl.lit("Số tháng đề nghị hỗ trợ ("), months.cast(pl.Utf8),
                                    pl.lit(") vượt thời gian áp dụng: từ tháng bắt đầu đến "), pl.lit(_vn(end)),
                                    pl.lit(" chỉ còn "), left.cast(pl.Utf8), pl.lit(" tháng.")))


def _match_registry(rows: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    pids = rows["pid"].drop_nulls().unique().to_list()
    cmnds = rows["cmnd"].drop_nulls().unique().to_list()
    found: dict[str, tuple] = {}
    fields = ("pk", "pid", "cmnd", "search_key", "full_name", "birth_date")
    for column, values in (("pid", pids), ("cmnd", cmnds)):
        for i in range(0, len(values), 900):
            for pk, pid, cmnd, key, name, birth in Person.objects.filter(
                    **{f"{column}__in": values[i:i + 900]}).values_list(*fields):
                found[pid if column == "pid" else cmnd] = (pk, key, name, birth)
    lookup = pl.DataFrame([(k, *v) for k, v in found.items()], orient="row",
                          schema={"identity": pl.Utf8, "person_id": pl.Int64, "_key": pl.Utf8, "_reg_name": pl.Utf8,
                                  "_reg_birth": pl.Date})
    rows = rows.join(lookup, on="identity", how="left", maintain_order="left")
    names = rows.select(ROW, "full_name", "_key", "_reg_name", "_reg_birth").filter(pl.col("_key").is_not_null())
    messages: dict[int, list[str]] = {}
    for row, name, key, reg_name, reg_birth in names.iter_rows():
        if name and fold(name) != key:
            messages[row] = [f"Số CCCD/CMND đã đăng ký trong CSDL cho «{reg_name}» (sinh {_vn(reg_birth)}), "
                             f"khác họ tên «{name}» trên danh sách: kiểm tra lại số giấy tờ."]
    return add_row_errors(rows, messages), len(found)


def _check_target(rows: pl.DataFrame, target: BeneficiaryList | None) -> pl.DataFrame:
    if target is None:
        return rows
    present = list(ListRow.objects.filter(beneficiary_list=target).values_list("person_id", flat=True))
    return add_errors(rows, pl.col("person_id").is_in(present),
                      f"Người này đã có trong {target} (lập trước đó): không ghi hai lần.")


REVENUE_INT32_MAX = 2_147_483_647  # the rules' integer; any revenue this high is far above the limit anyway


def rules_inputs(group: BeneficiaryGroup, rows: pl.DataFrame) -> pl.DataFrame:
    """The ETERNITY inputs of the group's variable, one column per rules input."""
    if group.template == "Mẫu 01":
        return rows.select(pl.col("off_start").fill_null(dt.date(1970, 1, 1)).alias("covid_group1_off_start_date"))
    if group.template == "Mẫu 02":
        return rows.select(pl.col("revenue").clip(upper_bound=REVENUE_INT32_MAX).cast(pl.Int32).fill_null(-1)
                           .alias("covid_group2_declared_revenue"))  # whole đồng: exact in the rules (int32)
    if group.template == "Mẫu 03":
        return rows.select(pl.col("contract_signed").fill_null(dt.date(1970, 1, 1)).alias("covid_group3_contract_signed_date"),
                           pl.col("contract_end").fill_null(dt.date(1970, 1, 1)).alias("covid_group3_contract_end_date"))
    return rows.select()


def _amounts(rows: pl.DataFrame, programme: Programme, group: BeneficiaryGroup, template: Template) -> pl.DataFrame:
    """The group's rules variable month by month, the monthly input true for the months requested."""
    ok = rows.filter(~has_errors())
    amounts = pl.DataFrame(schema={ROW: pl.Int64, "group_amount": pl.Int64})
    if ok.height:
        additions = programme_additions(programme)
        household_level = group.template == "Mẫu 02"
        ids = ok[ROW].cast(pl.Int64)
        eternal = rules_inputs(group, ok)
        total = pl.Series([0] * ok.height, dtype=pl.Int64)
        for index, month in enumerate(window_months(programme)):
            active = ((ok["_first_month"] <= index) & (ok["_first_month"] + ok["months"] > index)).fill_null(False)
            persons = pl.DataFrame({"person_id": ids, "household_id": ids, "role": ["head"] * ok.height})
            households = None
            if household_level:
                households = pl.DataFrame({"household_id": ids, group.input_variable: active}).hstack(eternal)
            else:
                persons = persons.with_columns(active.alias(group.input_variable)).hstack(eternal)
            p_out, h_out = compute(persons, households, [group.rules_variable], month, additions=additions)
            out = h_out if household_level else p_out
            total = total + out[group.rules_variable].cast(pl.Int64)
        amounts = pl.DataFrame({ROW: ids, "group_amount": total})
    rows = rows.join(amounts, on=ROW, how="left", maintain_order="left")
    return add_errors(rows, ~has_errors() & (pl.col("group_amount").fill_null(0) <= 0),
                      "Không đủ điều kiện theo quy định: số tiền tính theo quy định bằng 0 đ.")


def _check_generic_months(rows: pl.DataFrame, programme: Programme, group: BeneficiaryGroup) -> pl.DataFrame:
    """A designed group's months: a fixed monthly group from 1 to its months (blank: all of them); a rules group
    from 1 to the months of the window (blank: all); a one-off, none."""
    months = pl.col("months")
    if group.amount_mode == AmountMode.FIXED and group.frequency == Frequency.ONE_OFF:
        return rows.with_columns(pl.lit(0, dtype=pl.Int64).alias("months"), pl.lit(0, pl.Int32).alias("_first_month"))
    most = group.months if group.amount_mode == AmountMode.FIXED else len(window_months(programme))
    rows = rows.with_columns(months.fill_null(most).cast(pl.Int64).alias("months"),
                             pl.lit(0, pl.Int32).alias("_first_month"))
    return add_errors(rows, (months < 1) | (months > most),
                      pl.concat_str(pl.lit(f"Số tháng đề nghị hỗ trợ phải từ 1 đến {most} (đang ghi "),
                                    months.cast(pl.Utf8), pl.lit(")."), ignore_nulls=True))


def _fixed_amounts(rows: pl.DataFrame, group: BeneficiaryGroup) -> pl.DataFrame:
    """The group's fixed amount, × the months requested when it is paid by month."""
    amount = pl.lit(group.fixed_amount or 0, dtype=pl.Int64)
    if group.frequency == Frequency.MONTHLY:
        amount = amount * pl.col("months").cast(pl.Int64)
    return rows.with_columns(pl.when(~has_errors()).then(amount).otherwise(None).alias("group_amount"))


def target_list(programme: Programme, group: BeneficiaryGroup, commune: AdminUnit,
                *, lock: bool = False) -> BeneficiaryList | None:
    """The draft list new rows go into: the main list, or the draft supplementary list once the main one is
    approved (``None``: the list does not exist yet)."""
    qs = BeneficiaryList.objects.select_for_update() if lock else BeneficiaryList.objects.all()
    main = qs.filter(programme=programme, group=group, commune=commune, supplements__isnull=True).first()
    if main is None or main.status == ListStatus.DRAFT:
        return main
    if main.is_frozen:
        supplementary = qs.filter(supplements=main, status=ListStatus.DRAFT).first()
        if supplementary is not None:
            return supplementary
        raise DomainError(f"{main} đã được phê duyệt: lập danh sách bổ sung trước khi tải thêm người.")
    raise DomainError(f"{main} đang ở bước «{main.get_status_display()}»: chờ trả lại hoặc phê duyệt rồi lập "
                      "danh sách bổ sung.")




def _fill_missing(rows: pl.DataFrame) -> pl.DataFrame:
    texts = ("sex", "enterprise", "job", "address", "social_insurance_no")
    for name in ("birth", "birth_male", "birth_female", "sex", "off_start", "off_end", "suspended_from",
                 "contract_signed", "contract_end", "lost_from", "revenue", "enterprise", "job", "address",
                 "social_insurance_no"):
        if name not in rows.columns:
            dtype = pl.Int64 if name == "revenue" else (pl.Utf8 if name in texts else pl.Date)
            rows = rows.with_columns(pl.lit(None, dtype=dtype).alias(name))
    return rows


class ListUploadKind(ImportKind):
    """A Mẫu 01–04 file of one commune for one group of a programme."""

    code = "list_upload"
    label = "danh sách đối tượng (Mẫu 01–04)"
    model = ListUpload
    duplicate_scope = ("programme",)
    audit_prefix = "list_upload"
    urls = {"detail": "programmes:upload_detail", "commit": "programmes:upload_commit",
            "report": "programmes:upload_report"}

    def authorize(self, actor, *, record=None, target) -> None:
        group = record.group if record is not None else target["group"]
        commune = record.commune if record is not None else target["commune"]
        template_for(group)
        require_usable(group.programme)
        require_uploader(actor, group, commune.pk)

    def schema(self, record) -> Schema:
        return template_for(record.group).schema

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        template = template_for(record.group)
        try:
            raw = read_table(record.stored_file.path, template.schema, mapping=record.column_mapping or None,
                             display_name=record.file_name)
        except ImportFileError as err:
            raise DomainError(f"Không đọc được tệp theo {template.code}: {err}") from err
        if not ({"birth", "birth_male", "birth_female"} & raw.recognised.keys()):
            raise DomainError(f"Tệp «{record.file_name}» không có cột «Ngày sinh» (hoặc «Ngày tháng năm sinh» chia "
                              f"cột Nam/Nữ) của {template.code}.")
        rows = _fill_missing(parse_columns(raw, template.schema, today=timezone.localdate()))
        rows = rows.with_columns(
            pl.coalesce("birth", "birth_male", "birth_female").alias("birth"),
            pl.coalesce(pl.col("sex"), pl.when(pl.col("birth_male").is_not_null()).then(pl.lit("M"))
                        .when(pl.col("birth_female").is_not_null()).then(pl.lit("F"))).alias("sex"))
        rows = add_errors(rows, is_blank("birth") & is_blank("birth_male") & is_blank("birth_female")
                          & pl.col("full_name").is_not_null(), "Ngày sinh: không được để trống.")
        rows = add_errors(rows, pl.col("sex").is_null(),
                          "Giới tính: không được để trống (ghi cột «Giới tính» hoặc ngày sinh vào cột Nam/Nữ).")
        return raw, _check_identity(rows)

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        programme, group = record.programme, record.group
        template = template_for(group)
        generic = template.code == GENERIC_TEMPLATE
        rows = (_check_generic_months(rows, programme, group) if generic
                else _check_months_and_dates(rows, programme, group, template))
        rows, _matched = _match_registry(rows)
        rows = _check_target(rows, target_list(programme, group, record.commune))
        rows = (_fixed_amounts(rows, group) if group.amount_mode == AmountMode.FIXED
                else _amounts(rows, programme, group, template))
        valid = rows.filter(~has_errors())
        figures = {"matched": valid.filter(pl.col("person_id").is_not_null()).height,
                   "new_persons": valid.filter(pl.col("person_id").is_null()).height,
                   "amount": int(valid["group_amount"].sum() or 0)}
        return CheckOutcome(raw=raw, rows=rows, figures=figures)

    def lock(self, record) -> None:
        advisory_lock("registry.import")  # new people are registered from the file: same order as a registry import
        advisory_lock(f"programmes.list.{record.programme_id}.{record.group_id}.{record.commune_id}")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.programmes.services.uploads import upload_rows_commit

        target, new_persons = upload_rows_commit(record=record, valid=outcome.valid, actor=actor)
        record.beneficiary_list = target
        record.save(update_fields=["beneficiary_list"])
        return CommitResult(written=outcome.valid.height,
                            message=f"Đã ghi {vn_number(outcome.valid.height)} người vào {target} "
                                    f"({vn_number(new_persons)} người mới đăng ký).",
                            details={"list": target.pk, "new_persons": new_persons})

    def describe_target(self, record) -> str:
        return f"chương trình «{record.programme}»"

    def figures(self, record) -> list[tuple[str, object, str]]:
        f = (record.summary or {}).get("figures", {})
        if not f:
            return []
        return [("Đã có trong cơ sở dữ liệu", vn_number(f.get("matched", 0)), "matched"),
                ("Đăng ký mới", vn_number(f.get("new_persons", 0)), "new-persons"),
                ("Tổng số tiền theo quy định (dòng hợp lệ)", vn_money(f.get("amount", 0)), "upload-amount")]

    def done_link(self, record):
        if record.beneficiary_list_id is None:
            return None
        return (f"Mở {record.beneficiary_list}", reverse("programmes:list_detail", args=[record.beneficiary_list_id]))

    def again_url(self, record) -> str:
        return reverse("programmes:upload_start", args=[record.programme_id])


LIST_UPLOAD_KIND = register_kind(ListUploadKind())


# --- the standing registers ---------------------------------------------------------------------------

CATEGORY_CHOICES = tuple((c.name, (c.value, c.name)) for c in TgxhCategory if c.name != "none")
NCC_CHOICES = tuple((name, (label, name)) for name, label in NCC_CATEGORY_CHOICES)

REGISTER_SCHEMA = Schema(fields=(
    Field("full_name", "Họ và tên", ("Họ tên", "Họ và tên đối tượng", "Họ tên chủ hộ", "Họ và tên chủ hộ"),
          required=True, max_length=_NAME_MAX),
    Field("identity", "Số định danh cá nhân", ("Số CCCD", "CMND/CCCD", "Số CMND", "CCCD", "Số định danh"),
          kind="identity", keywords=IDENTITY_KEYWORDS),
    Field("household_code", "Mã hộ", ("Mã hộ gia đình", "Mã HGĐ"), max_length=Household._meta.get_field("code").max_length),
    Field("decision_number", "Số quyết định", ("Quyết định số", "Số QĐ", "QĐ hưởng"), required=True,
          max_length=_DECISION_MAX),
    Field("decision_date", "Ngày quyết định", ("Ngày QĐ", "Ngày ký quyết định", "Ngày ký QĐ"), kind="date"),
    Field("start", "Hưởng từ ngày", ("Ngày hưởng", "Hưởng từ", "Thời điểm hưởng", "Ngày công nhận"),
          required=True, kind="date"),
    Field("end", "Thôi hưởng từ ngày", ("Thôi hưởng", "Ngày thôi hưởng", "Ra khỏi danh sách"), kind="date"),
    Field("tgxh_category", "Diện đối tượng", ("Diện hưởng", "Đối tượng theo NĐ 20"), kind="choice",
          choices=CATEGORY_CHOICES),
    Field("ncc_category", "Diện người có công", ("Diện NCC", "Diện hưởng NCC", "Đối tượng người có công",
                                                  "Loại đối tượng NCC"), kind="choice", choices=NCC_CHOICES),
    Field("ncc_martyr_count", "Số liệt sĩ", ("Số LS", "Số liệt sỹ"), kind="int"),
    Field("ncc_injury_rate", "Tỷ lệ tổn thương (%)", ("Tỷ lệ tổn thương", "Tỷ lệ tổn thương cơ thể",
                                                      "Tỷ lệ TTCT", "Tỷ lệ thương tật"), kind="int"),
))
NCC_FIELDS = ("ncc_category", "ncc_martyr_count", "ncc_injury_rate")


def _check_ncc_facts(rows: pl.DataFrame, register: str, recognised: set[str]) -> pl.DataFrame:
    """What the rules need of an NCC row (the database constraint ``enrolment_ncc_facts_valid`` says the same):
    a category of the list, 1 martyr or more for a martyr's relative, an injury rate of the annex's range for the
    categories paid by rate; nothing of it on the other registers."""
    category, martyrs, rate = pl.col("ncc_category"), pl.col("ncc_martyr_count"), pl.col("ncc_injury_rate")
    if register != Register.NCC:
        given = pl.any_horizontal(*[pl.col(f).is_not_null() for f in NCC_FIELDS])
        return add_errors(rows, given, "Diện người có công, số liệt sĩ, tỷ lệ tổn thương chỉ ghi ở sổ người có công.")
    if "ncc_category" in recognised:
        rows = add_errors(rows, category.is_null(), "Diện người có công: không được để trống (cần để tính trợ cấp).")
    relative = category == MARTYR_RELATIVE
    rows = add_errors(rows, relative & martyrs.is_null(), "Số liệt sĩ: diện thân nhân liệt sĩ cần số liệt sĩ.")
    rows = add_errors(rows, relative & (martyrs < 1),
                      pl.format("Số liệt sĩ {} không hợp lệ: thân nhân liệt sĩ cần từ 1 liệt sĩ trở lên.", martyrs))
    rows = add_errors(rows, ~relative.fill_null(False) & martyrs.is_not_null(),
                      "Số liệt sĩ chỉ ghi cho diện thân nhân liệt sĩ.")
    rated = category.is_in(list(NCC_RATE_RANGES))
    for name, (low, high) in NCC_RATE_RANGES.items():
        of_category = category == name
        rows = add_errors(rows, of_category & rate.is_null(),
                          f"Tỷ lệ tổn thương: diện {name} cần tỷ lệ tổn thương từ {low}% đến {high}%.")
        rows = add_errors(rows, of_category & ((rate < low) | (rate > high)),
                          pl.format(f"Tỷ lệ tổn thương {{}}% ngoài phạm vi của diện {name}: từ {low}% đến {high}%.",
                                    rate))
    return add_errors(rows, ~rated.fill_null(False) & rate.is_not_null(),
                      "Tỷ lệ tổn thương chỉ ghi cho thương binh, bệnh binh, người nhiễm chất độc hóa học.")


def _check_alive_at_start(rows: pl.DataFrame) -> pl.DataFrame:
    """A person who died before the start of the allowance cannot start receiving it."""
    ids = rows["person_id"].drop_nulls().unique().to_list()
    deaths = pl.DataFrame(list(Person.objects.filter(pk__in=ids, death_date__isnull=False).values_list("pk",
                                                                                                      "death_date")),
                          schema={"person_id": pl.Int64, "_died": pl.Date}, orient="row")
    rows = rows.join(deaths, on="person_id", how="left", maintain_order="left")
    month = (pl.col("start").dt.year() * 12 + pl.col("start").dt.month())
    died = pl.col("_died").dt.year() * 12 + pl.col("_died").dt.month()
    return add_errors(rows, pl.col("_died").is_not_null() & pl.col("start").is_not_null() & (month > died),
                      pl.format("Đối tượng đã mất ngày {}, trước tháng bắt đầu hưởng {}: không ghi vào sổ.",
                                pl.col("_died").dt.strftime("%d/%m/%Y"), pl.col("start").dt.strftime("%m/%Y"))
                      ).drop("_died")


def _register_match_persons(rows: pl.DataFrame, allowed: list[int]) -> pl.DataFrame:
    numbers = rows["identity"].drop_nulls().unique().to_list()
    found = pl.DataFrame(
        list(Person.objects.filter(pid__in=numbers).values_list("pid", "id", "search_key", "commune_id"))
        + list(Person.objects.filter(cmnd__in=numbers).values_list("cmnd", "id", "search_key", "commune_id")),
        schema={"identity": pl.Utf8, "person_id": pl.Int64, "_key": pl.Utf8, "commune_id": pl.Int64}, orient="row",
    ).unique("identity")
    rows = rows.join(found, on="identity", how="left", maintain_order="left").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("household_id"))
    rows = add_errors(rows, pl.col("identity").is_null(), "Cần số định danh cá nhân (hoặc CMND) của đối tượng.")
    rows = add_errors(rows, pl.col("identity").is_not_null() & pl.col("person_id").is_null(),
                      pl.format("Không có ai mang số {} trong cơ sở dữ liệu; hãy đăng ký nhân khẩu trước.",
                                pl.col("identity")))
    rows = add_errors(rows, pl.col("person_id").is_not_null() & (fold_expr(pl.col("full_name")) != pl.col("_key")),
                      pl.format("Họ tên không khớp với người mang số {} trong cơ sở dữ liệu.", pl.col("identity")))
    return add_errors(rows, pl.col("commune_id").is_not_null() & ~pl.col("commune_id").is_in(allowed),
                      "Đối tượng ở ngoài địa bàn bạn được phân công.")


def _register_match_households(rows: pl.DataFrame, allowed: list[int]) -> pl.DataFrame:
    rows = rows.with_columns(pl.col("household_code").str.strip_chars().str.to_uppercase())
    codes = rows["household_code"].drop_nulls().unique().to_list()
    found = pl.DataFrame(
        list(Household.objects.filter(code__in=codes).values_list("code", "id", "head__search_key", "commune_id")),
        schema={"household_code": pl.Utf8, "household_id": pl.Int64, "_key": pl.Utf8, "commune_id": pl.Int64},
        orient="row",
    )
    rows = rows.join(found, on="household_code", how="left", maintain_order="left").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("person_id"))
    rows = add_errors(rows, pl.col("household_code").is_null(), "Danh sách hộ cần cột «Mã hộ».")
    rows = add_errors(rows, pl.col("household_code").is_not_null() & pl.col("household_id").is_null(),
                      pl.format("Không có hộ mã {} trong cơ sở dữ liệu.", pl.col("household_code")))
    rows = add_errors(rows, pl.col("household_id").is_not_null() & (fold_expr(pl.col("full_name")) != pl.col("_key")),
                      "Họ tên không khớp với chủ hộ trong cơ sở dữ liệu.")
    return add_errors(rows, pl.col("commune_id").is_not_null() & ~pl.col("commune_id").is_in(allowed),
                      "Hộ ở ngoài địa bàn bạn được phân công.")


def _register_overlaps(rows: pl.DataFrame, register: str, key: str) -> pl.DataFrame:
    """A row whose period overlaps an enrolment already in the register (open or ended) is refused: the same
    file twice, a row with an end date twice, or a second decision for a period already covered."""
    ids = rows[key].drop_nulls().unique().to_list()
    existing = pl.DataFrame(
        list(Enrolment.objects.filter(register=register, **{f"{key}__in": ids}).values_list(
            key, "start_date", "end_date", "decision_number")),
        schema={key: pl.Int64, "_start": pl.Date, "_end": pl.Date, "_decision": pl.Utf8}, orient="row")
    if existing.is_empty():
        return rows
    far = dt.date(9999, 12, 31)
    clash = (rows.select(ROW, key, "start", "end").join(existing, on=key)
             .filter((pl.col("_start") < pl.col("end").fill_null(far))
                     & (pl.col("_end").fill_null(far) > pl.col("start")))
             .group_by(ROW).agg(pl.format("Đối tượng đã có trong sổ này từ {} (quyết định {}){}: không ghi hai lần.",
                                          pl.col("_start").dt.strftime("%d/%m/%Y"), pl.col("_decision"),
                                          pl.when(pl.col("_end").is_null()).then(pl.lit(", đang hưởng"))
                                          .otherwise(pl.format(" đến {}", pl.col("_end").dt.strftime("%d/%m/%Y"))))
                                .first().alias("_clash")))
    rows = rows.join(clash, on=ROW, how="left", maintain_order="left")
    return add_errors(rows, pl.col("_clash").is_not_null(), pl.col("_clash")).drop("_clash")


class RegisterImportKind(ImportKind):
    """A standing register file (NCC, TGXH, poor or near-poor households) of a commune, district or province."""

    code = "register"
    label = "sổ đối tượng đang hưởng"
    model = RegisterImport
    duplicate_scope = ("register",)
    audit_prefix = "register_import"
    urls = {"detail": "programmes:register_import_detail", "commit": "programmes:register_import_commit",
            "report": "programmes:register_import_report", "again": "programmes:register_import_upload"}

    def authorize(self, actor, *, record=None, target) -> None:
        register = record.register if record is not None else target.get("register")
        if register not in Register.values:
            raise DomainError(f"Sổ «{register}» không tồn tại (ncc, tgxh, poor, near_poor).")
        require_register_importer(actor)

    def schema(self, record) -> Schema:
        return REGISTER_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, REGISTER_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        rows = parse_columns(raw, REGISTER_SCHEMA, today=timezone.localdate())
        return raw, add_errors(rows, pl.col("end").is_not_null() & pl.col("start").is_not_null()
                               & (pl.col("end") < pl.col("start")), "Ngày thôi hưởng trước ngày hưởng.")

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        allowed = area_commune_ids(record.created_by)
        register = record.register
        if register in HOUSEHOLD_REGISTERS:
            rows, key = _register_match_households(rows, allowed), "household_id"
        else:
            rows, key = _register_match_persons(rows, allowed), "person_id"
            if register == Register.TGXH:
                rows = add_errors(rows, pl.col("tgxh_category").is_null(),
                                  "Sổ trợ giúp xã hội cần cột «Diện đối tượng» (diện theo NĐ 20/2021).")
            rows = _check_alive_at_start(rows)
        rows = _check_ncc_facts(rows, register, set(raw.recognised))
        rows = add_errors(rows, pl.col(key).is_not_null() & pl.col(key).is_duplicated(),
                          "Cùng một đối tượng xuất hiện nhiều lần trong tệp.")
        rows = _register_overlaps(rows, register, key)
        messages = []
        if register == Register.NCC and "ncc_category" not in raw.recognised:
            messages.append("Tệp không có cột «Diện người có công»: đối tượng được ghi vào sổ nhưng chưa lập được chi "
                            "trả hằng tháng cho đến khi bổ sung diện (điều chỉnh mức hưởng kèm quyết định).")
        return CheckOutcome(raw=raw, rows=rows, figures={"register": str(Register(register).label)},
                            messages=messages)

    def lock(self, record) -> None:
        advisory_lock(f"programmes.register.{record.register}")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        written = _enrolments_write(register=record.register, valid=outcome.valid, actor=actor)
        return CommitResult(written=written, message=f"Đã ghi {vn_number(written)} đối tượng vào sổ.",
                            details={"register": record.register})

    def describe_target(self, record) -> str:
        return f"sổ «{Register(record.register).label}»"

    def figures(self, record) -> list[tuple[str, object, str]]:
        return [("Sổ đối tượng", Register(record.register).label, "register")]


def _enrolments_write(*, register: str, valid: pl.DataFrame, actor) -> int:
    """The enrolments of the valid rows, each with its «increase» event (the decision that opened it), in the
    import's transaction; the database constraints refuse a second enrolment with the same start and invalid NCC
    facts even if a check were bypassed."""
    def value(row: dict, name: str):
        return row.get(name) if name in row else None

    enrolments = [
        Enrolment(register=register, person_id=r["person_id"], household_id=r["household_id"],
                  commune_id=r["commune_id"], tgxh_category=r["tgxh_category"] or "",
                  ncc_category=value(r, "ncc_category") or "", ncc_martyr_count=value(r, "ncc_martyr_count"),
                  ncc_injury_rate=value(r, "ncc_injury_rate"), decision_number=r["decision_number"].strip(),
                  decision_date=value(r, "decision_date"), start_date=r["start"], end_date=r["end"])
        for r in valid.iter_rows(named=True)
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    if register in (Register.NCC, Register.TGXH, Register.TOPUP):
        EnrolmentEvent.objects.bulk_create(
            [EnrolmentEvent(enrolment=e, kind=EnrolmentChange.INCREASE, source=EventSource.REGISTER_FILE,
                            effective_month=e.start_date.replace(day=1), decision_number=e.decision_number,
                            decision_date=e.decision_date, recorded_by=actor) for e in enrolments], batch_size=5000)
    return len(enrolments)


REGISTER_KIND = register_kind(RegisterImportKind())
