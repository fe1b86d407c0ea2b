"""Lists of the groups communes declare (NQ 42 groups 1–4, QĐ 15 Mẫu 01–04) uploaded from Excel/CSV.

The same behaviour as the registry import (``registry/imports.py``), through ``core.tabular``:
check -> (the officer sees a summary, the rows with their Vietnamese errors and an error report .xlsx
with the original rows plus «Lỗi») -> commit, refused while errors remain unless the officer chooses
«chỉ ghi các dòng hợp lệ». The commit re-reads and re-checks the stored file in one transaction; a
file already committed is refused (same SHA-256), so is a file without a recognisable header.

Each row is matched to the registry by its identity number (CCCD 12 digits or CMND 9 digits); a
person the registry does not know is registered from the row through the registry bulk path (a
one-person household in the commune). Amounts come from the rules (the group's variable, month by
month over the months requested), never from the file. Valid rows go into the draft list of that
programme, group and commune (created when missing); then the programme's checks run on it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.identity import IdentityError, check_pid
from ansinh.core.tabular import (
    ERRORS,
    ROW,
    Field,
    ImportFileError,
    RawTable,
    Schema,
    add_errors,
    add_row_errors,
    file_sha256,
    has_errors,
    parse_columns,
    read_table,
    write_error_report,
    write_template,
)
from ansinh.core.text import fold
from ansinh.geo.models import AdminUnit
from ansinh.policy.bridge import compute
from ansinh.programmes.models import (
    BeneficiaryGroup,
    BeneficiaryList,
    ListRow,
    ListSource,
    ListStatus,
    ListUpload,
    Programme,
    UploadStatus,
    WorkflowEvent,
)
from ansinh.programmes.permissions import require_step
from ansinh.programmes.rules import programme_additions, window_months
from ansinh.registry.models import Person

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
_IDENTITY = Field("identity", "Số CCCD/CMND", (
    "Số CMND/CCCD", "CMND/CCCD", "CCCD/CMND", "Số CMND", "Số CCCD", "Số định danh cá nhân", "Số định danh",
    "Số CMND hoặc CCCD", "Số chứng minh nhân dân", "Số căn cước công dân", "Số CMND/Căn cước công dân",
    "Số CMND/thẻ CCCD"), required=True, kind="identity", width=15)
_ADDRESS = Field("address", "Địa chỉ", ("Nơi ở hiện tại", "Địa chỉ thường trú", "Nơi cư trú", "Địa chỉ nơi ở",
                                        "Thôn/xóm", "Thôn", "Thôn/tổ dân phố", "Địa chỉ cư trú", "Nơi thường trú"),
                 width=24)
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
                           _STT, Field("full_name", "Họ và tên", _NAME_SYNONYMS, required=True, width=24),
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
                           _STT, Field("full_name", "Họ và tên", _NAME_SYNONYMS, required=True, width=24),
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
                           _STT, Field("full_name", "Họ và tên", _NAME_SYNONYMS, required=True, width=24),
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

# The dates QĐ 15 gives the groups (the rules check them again: a row they give 0 đ is an error).
GROUP1_OFF_START_LATEST = dt.date(2020, 6, 1)
GROUP2_REVENUE_LIMIT = 100_000_000
GROUP3_SIGNED_BEFORE = dt.date(2020, 4, 1)
GROUP3_END_LATEST = dt.date(2020, 6, 15)
MAX_MONTHS = 3


def template_for(group: BeneficiaryGroup) -> Template:
    template = TEMPLATES.get(group.template)
    if template is None or group.source != ListSource.EXCEL:
        raise DomainError(f"Nhóm {group.code} không lập danh sách bằng tệp Excel.")
    return template


def template_write(group: BeneficiaryGroup, out_path: Path) -> Path:
    t = template_for(group)
    return write_template(t.schema, out_path, title=f"{t.code}: {t.title}", example_rows=[t.example])


# --- permissions ------------------------------------------------------------------------------------


def require_uploader(actor: User, group: BeneficiaryGroup, commune_id: int) -> None:
    """Communes (and the province) prepare lists; group 1 lists also come from enterprises through the district."""
    if group.code == "1" and actor.is_authenticated and actor.role == Role.DISTRICT_SPECIALIST:
        if not user_covers_commune(actor, commune_id):
            raise PermissionDenied("Xã/phường này nằm ngoài địa bàn bạn được phân công.")
        return
    require_step(actor, "prepare", commune_id)


def can_upload(actor: User, group: BeneficiaryGroup | None = None) -> bool:
    if not actor.is_authenticated:
        return False
    roles = {Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST}
    if group is None or group.code == "1":
        roles.add(Role.DISTRICT_SPECIALIST)
    return actor.role in roles


# --- check ------------------------------------------------------------------------------------------


@dataclass
class UploadCheck:
    raw: RawTable
    rows: pl.DataFrame
    total_rows: int
    error_rows: int
    matched: int
    new_persons: int
    amount: int
    recognised: dict[str, str]
    ignored: list[str]
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_rows == 0

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.error_rows

    def errors(self, limit: int = 200) -> list[tuple[int, str, list[str]]]:
        bad = self.rows.filter(has_errors()).head(limit)
        return [(r, n or "", e) for r, n, e in bad.select(ROW, "full_name", ERRORS).iter_rows()]


def _vn(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def upload_check(*, programme: Programme, group: BeneficiaryGroup, commune: AdminUnit, path: Path,
                 today: dt.date | None = None, target: BeneficiaryList | None = None) -> UploadCheck:
    """Read and check every row of a Mẫu 01–04 file. ``DomainError`` when the file itself cannot be used."""
    template = template_for(group)
    schema = template.schema
    try:
        raw = read_table(path, schema)
    except ImportFileError as err:
        raise DomainError(f"Không đọc được tệp theo {template.code}: {err}") from err
    if not ({"birth", "birth_male", "birth_female"} & raw.recognised.keys()):
        raise DomainError(f"Tệp không có cột «Ngày sinh» (hoặc «Ngày tháng năm sinh» chia cột Nam/Nữ) của {template.code}.")
    rows = parse_columns(raw, schema, today=today)
    for name in ("birth", "birth_male", "birth_female", "sex", "off_start", "off_end", "suspended_from",
                 "contract_signed", "contract_end", "lost_from", "revenue", "enterprise", "job", "address",
                 "social_insurance_no"):
        if name not in rows.columns:
            dtype = {"revenue": pl.Int64}.get(name, pl.Date if name not in ("sex", "enterprise", "job", "address",
                                                                           "social_insurance_no") else pl.Utf8)
            rows = rows.with_columns(pl.lit(None, dtype=dtype).alias(name))
    rows = rows.with_columns(
        pl.coalesce("birth", "birth_male", "birth_female").alias("birth"),
        pl.coalesce(pl.col("sex"), pl.when(pl.col("birth_male").is_not_null()).then(pl.lit("M"))
                    .when(pl.col("birth_female").is_not_null()).then(pl.lit("F"))).alias("sex"),
    )
    rows = add_errors(rows, pl.col("birth").is_null() & pl.col("full_name").is_not_null(),
                      "Ngày sinh: không được để trống.")
    rows = add_errors(rows, pl.col("sex").is_null(),
                      "Giới tính: không được để trống (ghi cột «Giới tính» hoặc ngày sinh vào cột Nam/Nữ).")
    rows = _check_identity(rows)
    rows = _check_months_and_dates(rows, programme, group, template)
    rows, matched = _match_registry(rows)
    rows = _check_target(rows, target)
    rows = _amounts(rows, programme, group, template)
    valid = rows.filter(~has_errors())
    return UploadCheck(raw=raw, rows=rows, total_rows=rows.height, error_rows=rows.height - valid.height,
                       matched=valid.filter(pl.col("person_id").is_not_null()).height,
                       new_persons=valid.filter(pl.col("person_id").is_null()).height,
                       amount=int(valid["group_amount"].sum() or 0), recognised=dict(raw.recognised),
                       ignored=list(raw.ignored))


def _check_identity(rows: pl.DataFrame) -> pl.DataFrame:
    ident = pl.col("identity")
    rows = rows.with_columns(pl.when(ident.str.len_chars() == 12).then(ident).alias("pid"),
                             pl.when(ident.str.len_chars() == 9).then(ident).alias("cmnd"))
    bad = rows.filter(pl.col("pid").is_not_null()).select(ROW, "pid", "sex", "birth")
    messages: dict[int, list[str]] = {}
    for row, pid, sex, birth in bad.iter_rows():  # a list of a commune: hundreds of rows
        try:
            check_pid(pid, sex=sex, birth_year=birth.year if birth else None)
        except IdentityError as err:
            messages[row] = [f"Số CCCD/CMND {pid}: {err}"]
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
    label = f"{_vn(start)}–{_vn(end)}"
    months = pl.col("months")
    rows = add_errors(rows, months.is_not_null() & ((months < 1) | (months > MAX_MONTHS)),
                      pl.concat_str(pl.lit(f"Số tháng đề nghị hỗ trợ phải từ 1 đến {MAX_MONTHS} (đang ghi "),
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
        rows = add_errors(rows, off.is_not_null() & ~off.is_between(start, GROUP1_OFF_START_LATEST),
                          pl.concat_str(pl.lit("Ngày bắt đầu tạm hoãn HĐLĐ "), off.dt.strftime("%d/%m/%Y"),
                                        pl.lit(f" ngoài thời gian được hỗ trợ (từ {_vn(start)} đến "
                                               f"{_vn(GROUP1_OFF_START_LATEST)}).")))
        rows = add_errors(rows, pl.col("off_end").is_not_null() & off.is_not_null() & (pl.col("off_end") < off),
                          "Ngày kết thúc tạm hoãn HĐLĐ trước ngày bắt đầu.")
        rows = add_errors(rows, pl.col("off_end").is_not_null() & off.is_not_null() & (pl.col("off_end") >= off)
                          & (pl.col("off_end") < off.dt.offset_by("1mo").dt.offset_by("-1d")),
                          "Thời gian tạm hoãn HĐLĐ/nghỉ không lương dưới 1 tháng liên tục: không thuộc đối tượng nhóm 1.")
    elif code == "2":
        revenue = pl.col("revenue")
        rows = add_errors(rows, revenue.is_not_null() & (revenue >= GROUP2_REVENUE_LIMIT),
                          pl.concat_str(pl.lit("Doanh thu khai thuế năm 2020 là "), revenue.cast(pl.Utf8),
                                        pl.lit(" đồng, từ 100 triệu đồng trở lên: không thuộc đối tượng nhóm 2.")))
    elif code == "3":
        signed, ended = pl.col("contract_signed"), pl.col("contract_end")
        rows = add_errors(rows, signed.is_not_null() & (signed >= GROUP3_SIGNED_BEFORE),
                          pl.concat_str(pl.lit("HĐLĐ giao kết ngày "), signed.dt.strftime("%d/%m/%Y"),
                                        pl.lit(f": phải giao kết trước {_vn(GROUP3_SIGNED_BEFORE)}.")))
        rows = add_errors(rows, ended.is_not_null() & ~ended.is_between(start, GROUP3_END_LATEST),
                          pl.concat_str(pl.lit("HĐLĐ chấm dứt ngày "), ended.dt.strftime("%d/%m/%Y"),
                                        pl.lit(f": phải chấm dứt từ {_vn(start)} đến {_vn(GROUP3_END_LATEST)}.")))
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
    return add_errors(rows, months.is_between(1, MAX_MONTHS) & (months > left),
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
    if group.code == "1":
        return rows.select(pl.col("off_start").fill_null(dt.date(1970, 1, 1)).alias("covid_group1_off_start_date"))
    if group.code == "2":
        return rows.select(pl.col("revenue").clip(upper_bound=REVENUE_INT32_MAX).cast(pl.Int32).fill_null(-1)
                           .alias("covid_group2_declared_revenue"))  # whole đồng: exact in the rules (int32)
    if group.code == "3":
        return rows.select(pl.col("contract_signed").fill_null(dt.date(1970, 1, 1)).alias("covid_group3_contract_signed_date"),
                           pl.col("contract_end").fill_null(dt.date(1970, 1, 1)).alias("covid_group3_contract_end_date"))
    return rows.select()


def _amounts(rows: pl.DataFrame, programme: Programme, group: BeneficiaryGroup, template: Template) -> pl.DataFrame:
    """The group's rules variable month by month, the monthly input true for the months requested."""
    ok = rows.filter(~has_errors())
    amounts = pl.DataFrame(schema={ROW: pl.Int64, "group_amount": pl.Int64})
    if ok.height:
        additions = programme_additions(programme)
        household_level = group.code == "2"
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


def error_report(check: UploadCheck, out_path: Path) -> Path:
    return write_error_report(check.raw, check.rows.select(ROW, ERRORS), out_path)


# --- upload and commit ------------------------------------------------------------------------------


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "programmes"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse_committed_file(digest: str) -> None:
    previous = (ListUpload.objects.filter(file_sha256=digest, status=UploadStatus.COMMITTED)
                .select_related("created_by", "beneficiary_list").first())
    if previous is not None:
        who = previous.created_by.get_full_name() or previous.created_by.username
        raise DomainError(f"Tệp này đã được nhập ngày {previous.updated_at:%d/%m/%Y %H:%M} bởi {who} vào "
                          f"{previous.beneficiary_list or 'danh sách'}: không nhập hai lần cùng một tệp.")


def target_list(programme: Programme, group: BeneficiaryGroup, commune: AdminUnit,
                *, lock: bool = False) -> BeneficiaryList | None:
    """The draft list new rows go into: the main list, or the draft supplementary list once the main one is approved."""
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


def upload_receive(*, actor: User, programme: Programme, group: BeneficiaryGroup, commune: AdminUnit,
                   file_name: str, chunks, today: dt.date | None = None) -> tuple[ListUpload, UploadCheck]:
    """Store the uploaded file, check it and record the upload (nothing is written to any list yet)."""
    require_uploader(actor, group, commune.pk)
    template_for(group)
    suffix = Path(file_name).suffix.lower()[:6] or ".xlsx"
    path = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    digest = file_sha256(path)
    _refuse_committed_file(digest)
    check = upload_check(programme=programme, group=group, commune=commune, path=path, today=today,
                         target=target_list(programme, group, commune))
    upload = ListUpload.objects.create(
        programme=programme, group=group, commune=commune, file_name=Path(file_name).name[:255],
        file_sha256=digest, stored_path=str(path), total_rows=check.total_rows, error_rows=check.error_rows,
        created_by=actor)
    return upload, check


def upload_commit(*, actor: User, upload: ListUpload, valid_only: bool, today: dt.date | None = None) -> BeneficiaryList:
    """Write the valid rows of a checked upload into the group's draft list of the commune."""
    require_uploader(actor, upload.group, upload.commune_id)
    if actor.pk != upload.created_by_id and not upload.created_by_id:
        raise PermissionDenied("Không phải tệp của bạn.")
    with transaction.atomic():
        upload = ListUpload.objects.select_for_update().select_related("programme", "group", "commune").get(pk=upload.pk)
        if upload.status == UploadStatus.COMMITTED:
            raise DomainError("Tệp này đã được ghi vào danh sách.")
        _refuse_committed_file(upload.file_sha256)
        programme, group, commune = upload.programme, upload.group, upload.commune
        target = target_list(programme, group, commune, lock=True)
        check = upload_check(programme=programme, group=group, commune=commune, path=Path(upload.stored_path),
                             today=today, target=target)
        if check.error_rows and not valid_only:
            raise DomainError(f"Tệp còn {check.error_rows} dòng lỗi: sửa tệp rồi tải lại, hoặc chọn «chỉ ghi các "
                              "dòng hợp lệ».")
        valid = check.rows.filter(~has_errors())
        if valid.is_empty():
            raise DomainError("Không có dòng hợp lệ nào để ghi.")
        valid = _register_new_persons(valid, commune)
        created = target is None
        if created:
            target = BeneficiaryList.objects.create(programme=programme, group=group, commune=commune,
                                                    source=ListSource.EXCEL, overlap_rule=programme.overlap_rule,
                                                    prepared_by=actor)
            WorkflowEvent.objects.create(beneficiary_list=target, action="prepare", to_status=target.status,
                                         actor=actor, note=f"Lập từ tệp {upload.file_name} ({group.template})")
        eternal = rules_inputs(group, valid)
        ListRow.objects.bulk_create([
            ListRow(beneficiary_list=target, person_id=person_id, identity_number=identity, months=months,
                    group_amount=amount, amount=amount, source_row=row,
                    inputs={group.input_variable: True,
                            **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in extra.items()}})
            for (row, person_id, identity, months, amount), extra in zip(
                valid.select(ROW, "person_id", "identity", "months", "group_amount").iter_rows(),
                eternal.iter_rows(named=True) if eternal.width else ({} for _ in range(valid.height)), strict=False)])
        upload.status, upload.beneficiary_list = UploadStatus.COMMITTED, target
        upload.total_rows, upload.error_rows = check.total_rows, check.error_rows
        upload.written_rows, upload.new_persons = valid.height, check.new_persons
        upload.save()
        from ansinh.programmes.checks import lists_check

        lists_check(programme=programme, list_ids=[target.pk], rule=target.overlap_rule)
        audit_record(actor=actor, action="list.upload", obj=target,
                     summary=f"Nhập {valid.height} người từ tệp {upload.file_name} vào {target} "
                             f"({check.new_persons} người mới đăng ký)",
                     details={"upload": upload.pk, "rows": valid.height, "errors_skipped": check.error_rows})
    target.refresh_from_db()
    return target


def _register_new_persons(valid: pl.DataFrame, commune: AdminUnit) -> pl.DataFrame:
    """People the registry does not know, registered through the registry bulk path (one-person households)."""
    from ansinh.core.text import clean_name_expr, fold_expr
    from ansinh.registry.bulk import bulk_insert_registry
    from ansinh.registry.models import Relationship
    from ansinh.registry.services import household_code_new

    new = valid.filter(pl.col("person_id").is_null())
    if new.is_empty():
        return valid
    persons = new.with_row_index("pid_local", offset=1).select(
        pl.col("pid_local").cast(pl.Int64).alias("person_id"), pl.col("pid_local").cast(pl.Int64).alias("household_id"),
        pl.lit(Relationship.HEAD).alias("relationship"), clean_name_expr(pl.col("full_name")).alias("full_name"),
        "sex", pl.col("birth").alias("birth_date"), pl.col("birth_precision").fill_null("day").alias("birth_precision"),
        pl.lit("01").alias("ethnicity_code"), "pid", "cmnd", pl.lit(None, dtype=pl.Utf8).alias("social_insurance_no"),
        pl.lit("").alias("phone"), pl.lit(None, dtype=pl.Date).alias("death_date"),
        pl.lit(commune.pk, dtype=pl.Int64).alias("commune_id"), pl.lit(None, dtype=pl.Date).alias("joined_date"),
        pl.col("address").fill_null("").str.slice(0, 100).alias("_village"),
    ).with_columns(fold_expr(pl.col("full_name")).alias("search_key"))
    households = persons.select(
        "household_id", pl.Series("code", [household_code_new(commune) for _ in range(persons.height)]),
        pl.lit(commune.pk, dtype=pl.Int64).alias("commune_id"),
        pl.lit(commune.pk, dtype=pl.Int64).alias("recorded_commune_id"), pl.col("_village").alias("village"),
        pl.lit("").alias("address_detail"), pl.lit(bool(commune.is_urban)).alias("is_urban"),
        pl.col("person_id").alias("head_person_id"))
    bulk_insert_registry(households=households, persons=persons.drop("_village"))
    ids = dict(Person.objects.filter(pid__in=new["pid"].drop_nulls().to_list()).values_list("pid", "pk"))
    ids.update(Person.objects.filter(cmnd__in=new["cmnd"].drop_nulls().to_list()).values_list("cmnd", "pk"))
    return valid.with_columns(
        pl.coalesce(pl.col("person_id"),
                    pl.col("identity").replace_strict(ids, default=None, return_dtype=pl.Int64)).alias("person_id"))
