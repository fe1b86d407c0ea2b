"""Name data for a synthetic Vietnamese (Hà Tĩnh) population.

All strings are NFC. Weights are relative (they need not sum to 1).

- ``SURNAMES``: (surname, national share in %) with the Hà Tĩnh flavour the
  province shows: Hoàng rather than Huỳnh, Võ rather than Vũ, more Phan and Hồ.
- ``MIDDLE_NAMES_*`` and ``GIVEN_NAMES_*``: (name, weight among people born
  around 1950, weight among people born around 2015). The generator mixes the
  two columns by birth year, so "Thị"/"Văn" dominate the old and fade in the
  young, and two-word middle names appear in the young.
- ``VILLAGE_STEMS``/``STREETS``: thôn names and streets of Hà Tĩnh towns.
"""

from __future__ import annotations

import unicodedata


def _nfc_weighted(rows: tuple[tuple, ...]) -> tuple[tuple, ...]:
    return tuple((unicodedata.normalize("NFC", row[0]), *row[1:]) for row in rows)


def _nfc(rows: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", row) for row in rows)


SURNAMES: tuple[tuple[str, float], ...] = _nfc_weighted(
    (
        ("Nguyễn", 38.0),
        ("Trần", 11.0),
        ("Lê", 9.5),
        ("Phạm", 5.5),
        ("Phan", 5.0),
        ("Hoàng", 4.2),
        ("Huỳnh", 0.3),
        ("Võ", 3.4),
        ("Vũ", 0.5),
        ("Đặng", 2.3),
        ("Hồ", 2.2),
        ("Bùi", 1.8),
        ("Đỗ", 1.3),
        ("Ngô", 1.2),
        ("Dương", 1.0),
        ("Lý", 0.4),
        ("Đinh", 0.8),
        ("Đào", 0.6),
        ("Cao", 0.6),
        ("Lương", 0.5),
        ("Mai", 0.5),
        ("Trương", 0.5),
        ("Tạ", 0.3),
        ("Hà", 0.5),
        ("Thái", 0.5),
        ("Chu", 0.3),
        ("Lưu", 0.3),
        ("Đoàn", 0.5),
        ("Kiều", 0.2),
        ("Tô", 0.2),
        ("Nghiêm", 0.1),
        ("Khổng", 0.05),
        ("Thân", 0.1),
        ("Phùng", 0.2),
        ("La", 0.1),
        ("Lâm", 0.2),
        ("Quách", 0.1),
        ("Tăng", 0.1),
        ("Văn", 0.1),
        ("Từ", 0.1),
        ("Châu", 0.1),
        ("Hứa", 0.05),
        ("Triệu", 0.1),
        ("Lại", 0.1),
        ("Mạc", 0.05),
        ("Tôn", 0.1),
        ("Trịnh", 0.4),
        ("Vương", 0.1),
        ("Đàm", 0.1),
        ("Lục", 0.05),
        ("Nông", 0.05),
        ("Lò", 0.02),
        ("Vi", 0.02),
        ("Lang", 0.02),
        ("Đồng", 0.1),
        ("Đậu", 0.3),
        ("Biện", 0.05),
        ("Ông", 0.05),
        ("Hầu", 0.05),
        ("Doãn", 0.05),
        ("Âu", 0.05),
        ("Ninh", 0.05),
        ("Giang", 0.05),
        ("Kim", 0.05),
    )
)

# Surnames common among the ethnic minorities living in Hà Tĩnh (Chứt, Lào,
# Thái, Mường); must all appear in SURNAMES.
MINORITY_SURNAMES: tuple[tuple[str, float], ...] = _nfc_weighted(
    (
        ("Hồ", 3.0),
        ("Đinh", 2.0),
        ("Cao", 1.0),
        ("Nguyễn", 1.0),
        ("Lò", 1.0),
        ("Vi", 1.0),
        ("Lương", 1.0),
        ("Lang", 0.5),
        ("Quách", 0.5),
        ("Hà", 0.5),
    )
)

MIDDLE_NAMES_F: tuple[tuple[str, float, float], ...] = _nfc_weighted(
    (
        ("Thị", 90.0, 35.0),
        ("Ngọc", 2.0, 8.0),
        ("Thu", 1.5, 4.0),
        ("Thanh", 1.5, 4.0),
        ("Minh", 0.5, 5.0),
        ("Kim", 1.5, 2.0),
        ("Thùy", 0.5, 4.0),
        ("Hồng", 1.0, 2.0),
        ("Phương", 0.3, 4.0),
        ("Bảo", 0.0, 5.0),
        ("Khánh", 0.0, 3.0),
        ("Mỹ", 0.5, 2.0),
        ("Diệu", 0.2, 1.0),
        ("Hoài", 0.2, 1.0),
        ("Tuyết", 0.3, 0.2),
        ("Thị Thu", 0.5, 2.0),
        ("Thị Minh", 0.3, 2.0),
        ("Thị Thanh", 0.3, 1.5),
        ("Thị Ngọc", 0.2, 1.5),
        ("Thị Kim", 0.2, 1.0),
        ("Thị Hồng", 0.2, 1.0),
        ("Ngọc Bảo", 0.0, 2.0),
        ("Hoàng Bảo", 0.0, 1.0),
        ("Thảo", 0.0, 1.5),
        ("Hà", 0.1, 1.5),
        ("Quỳnh", 0.0, 1.5),
    )
)

MIDDLE_NAMES_M: tuple[tuple[str, float, float], ...] = _nfc_weighted(
    (
        ("Văn", 78.0, 15.0),
        ("Đức", 3.0, 9.0),
        ("Minh", 1.5, 10.0),
        ("Quang", 2.0, 6.0),
        ("Hữu", 3.0, 4.0),
        ("Xuân", 2.0, 3.0),
        ("Công", 2.0, 4.0),
        ("Đình", 3.0, 4.0),
        ("Ngọc", 1.0, 2.0),
        ("Thanh", 1.5, 3.0),
        ("Anh", 0.2, 3.0),
        ("Gia", 0.0, 6.0),
        ("Hoàng", 0.5, 4.0),
        ("Trọng", 1.0, 2.0),
        ("Tiến", 0.5, 1.5),
        ("Duy", 0.3, 3.0),
        ("Mạnh", 0.5, 1.5),
        ("Bá", 1.0, 1.0),
        ("Quốc", 0.5, 2.5),
        ("Viết", 0.5, 0.5),
        ("Thế", 0.5, 1.0),
        ("Tuấn", 0.2, 1.0),
        ("Nhật", 0.0, 2.0),
        ("Văn Minh", 0.2, 1.0),
        ("Đức Minh", 0.0, 1.5),
        ("Minh Đức", 0.0, 1.5),
        ("Hoàng Gia", 0.0, 1.5),
        ("Quang Minh", 0.0, 1.0),
        ("Đình Gia", 0.0, 0.5),
    )
)

GIVEN_NAMES_F: tuple[tuple[str, float, float], ...] = _nfc_weighted(
    (
        ("Hoa", 5.0, 1.0),
        ("Lan", 5.0, 0.8),
        ("Hương", 5.0, 2.0),
        ("Hằng", 4.0, 1.5),
        ("Thảo", 2.0, 3.0),
        ("Trang", 2.0, 4.0),
        ("Linh", 1.5, 6.0),
        ("Ngọc", 1.5, 3.0),
        ("Mai", 3.0, 1.5),
        ("Nga", 4.0, 0.5),
        ("Hà", 3.0, 2.0),
        ("Huyền", 2.5, 2.0),
        ("Thủy", 4.0, 0.8),
        ("Yến", 3.0, 1.0),
        ("Nhung", 3.0, 0.5),
        ("Oanh", 2.5, 0.5),
        ("Loan", 3.0, 0.3),
        ("Dung", 3.0, 0.5),
        ("Hạnh", 3.0, 1.0),
        ("Vân", 3.0, 1.0),
        ("Anh", 1.0, 5.0),
        ("Phương", 1.5, 3.0),
        ("Hiền", 2.5, 1.5),
        ("Nhi", 0.3, 5.0),
        ("Vy", 0.1, 5.0),
        ("Chi", 0.5, 4.0),
        ("My", 0.3, 4.0),
        ("Thương", 1.5, 1.0),
        ("Tâm", 2.0, 1.0),
        ("Lý", 2.0, 0.2),
        ("Liên", 3.0, 0.3),
        ("Lệ", 2.0, 0.2),
        ("Xuân", 2.5, 0.3),
        ("Đào", 2.0, 0.2),
        ("Cúc", 2.5, 0.1),
        ("Huệ", 2.0, 0.3),
        ("Sen", 1.5, 0.1),
        ("Tuyết", 2.0, 0.3),
        ("Nguyệt", 1.5, 0.5),
        ("Hòa", 2.0, 0.3),
        ("Bình", 1.5, 0.3),
        ("Thanh", 2.0, 0.5),
        ("Tình", 1.5, 0.1),
        ("Lài", 1.0, 0.1),
        ("Hồng", 3.0, 0.5),
        ("Minh", 1.0, 1.0),
        ("Thu", 2.5, 0.5),
        ("Quyên", 1.0, 1.5),
        ("Ly", 0.5, 2.5),
        ("Quỳnh", 0.5, 2.5),
        ("Diệp", 0.5, 1.0),
        ("Giang", 1.0, 2.0),
        ("Hân", 0.0, 3.0),
        ("An", 0.2, 3.0),
        ("Ngân", 0.5, 3.0),
        ("Trâm", 0.5, 2.0),
        ("Uyên", 0.2, 2.5),
        ("Khánh", 0.0, 2.0),
        ("Thư", 0.3, 3.0),
        ("Diệu", 0.5, 0.5),
        ("Như", 0.3, 2.0),
        ("Tú", 0.5, 1.0),
        ("Kiều", 1.0, 0.5),
        ("Duyên", 1.0, 1.5),
        ("Hậu", 1.0, 0.5),
        ("Thắm", 1.5, 0.3),
        ("Vinh", 0.5, 0.1),
        ("Hường", 2.0, 0.3),
        ("Thoa", 1.5, 0.2),
        ("Sương", 1.0, 0.3),
        ("Trinh", 1.0, 1.0),
        ("Châu", 0.5, 1.5),
        ("Nhàn", 1.5, 0.3),
        ("Na", 0.2, 1.5),
        ("Tiên", 0.3, 2.0),
        ("Phượng", 1.5, 0.3),
        ("Mơ", 1.0, 0.2),
    )
)

GIVEN_NAMES_M: tuple[tuple[str, float, float], ...] = _nfc_weighted(
    (
        ("Hùng", 5.0, 1.5),
        ("Dũng", 5.0, 1.5),
        ("Tuấn", 4.0, 2.5),
        ("Minh", 3.0, 4.0),
        ("Nam", 4.0, 3.0),
        ("Hải", 4.0, 2.0),
        ("Sơn", 4.0, 1.5),
        ("Long", 3.0, 3.0),
        ("Cường", 4.0, 1.5),
        ("Thắng", 4.0, 1.0),
        ("Hoàng", 2.0, 2.5),
        ("Đức", 3.0, 3.0),
        ("Tùng", 2.5, 2.0),
        ("Quang", 3.0, 1.5),
        ("Bình", 4.0, 1.0),
        ("Hưng", 3.0, 2.0),
        ("Phong", 2.0, 2.5),
        ("Trung", 3.0, 1.5),
        ("Khánh", 1.5, 2.5),
        ("Huy", 1.5, 4.0),
        ("Đạt", 1.0, 4.0),
        ("Phúc", 1.0, 3.5),
        ("An", 1.5, 4.0),
        ("Bảo", 0.2, 5.0),
        ("Khang", 0.1, 3.5),
        ("Thành", 4.0, 1.5),
        ("Tâm", 2.5, 1.0),
        ("Thanh", 3.0, 0.5),
        ("Lợi", 2.5, 0.3),
        ("Hòa", 3.0, 0.5),
        ("Thịnh", 2.0, 1.5),
        ("Tiến", 3.0, 1.0),
        ("Lâm", 2.0, 2.0),
        ("Hiếu", 2.0, 2.5),
        ("Vinh", 3.0, 1.0),
        ("Tài", 2.0, 1.0),
        ("Toàn", 2.5, 1.5),
        ("Hiền", 2.0, 0.2),
        ("Quý", 2.0, 0.5),
        ("Lộc", 1.5, 2.0),
        ("Thọ", 2.0, 0.2),
        ("Bốn", 1.5, 0.0),
        ("Tư", 1.5, 0.0),
        ("Hợi", 1.5, 0.1),
        ("Kỳ", 1.5, 0.3),
        ("Lương", 1.5, 0.2),
        ("Chiến", 2.5, 0.5),
        ("Thái", 2.0, 0.5),
        ("Hậu", 2.0, 0.8),
        ("Hạnh", 1.5, 0.1),
        ("Châu", 1.5, 0.5),
        ("Sáu", 1.0, 0.0),
        ("Đông", 2.0, 0.5),
        ("Kiên", 1.5, 2.0),
        ("Việt", 1.5, 2.5),
        ("Vũ", 1.0, 2.5),
        ("Duy", 1.0, 3.0),
        ("Dương", 1.0, 2.5),
        ("Quân", 1.0, 3.5),
        ("Kiệt", 0.2, 2.5),
        ("Phát", 0.2, 2.0),
        ("Nhân", 1.5, 2.0),
        ("Nghĩa", 2.5, 1.5),
        ("Trí", 1.0, 2.0),
        ("Công", 1.5, 0.5),
        ("Mạnh", 2.0, 1.5),
        ("Tú", 1.0, 1.5),
        ("Thiện", 1.0, 1.5),
        ("Khôi", 0.1, 3.0),
        ("Nguyên", 0.5, 2.5),
        ("Anh", 1.0, 4.0),
        ("Sang", 0.5, 1.5),
        ("Hà", 1.5, 0.3),
        ("Linh", 1.5, 0.5),
        ("Đại", 1.5, 0.5),
    )
)

# Thôn names (rural); "Xóm N" and "Thôn N" are generated as numbers.
VILLAGE_STEMS: tuple[str, ...] = _nfc(
    (
        "Trung Tiến", "Tân Tiến", "Đông Tiến", "Bắc Sơn", "Nam Sơn", "Tây Sơn", "Trung Sơn", "Đông Hà",
        "Bắc Hà", "Tân Hà", "Tiền Phong", "Quyết Tiến", "Quang Trung", "Hòa Bình", "Thống Nhất", "Tân Phúc",
        "Phúc Sơn", "Yên Thịnh", "Vĩnh Phúc", "Thanh Xuân", "Xuân Hải", "Hải Thanh", "Thượng Phú", "Hạ Phú",
        "Minh Hòa", "Tân Lộc", "Trung Lộc", "Kim Sơn", "Đồng Tâm", "Đồng Văn", "Bình Minh", "Tân Thành",
        "Trung Thành", "An Lạc", "Phú Mỹ", "Hợp Tiến", "Tân Phú", "Thượng Tiến", "Trường Xuân", "Đông Thắng",
        "Liên Giang", "Hồng Lam", "Sông Con", "Khe Giao", "Rào Tre", "Nam Phong", "Bắc Phong", "Thịnh Lộc",
        "Hưng Lộc", "Mỹ Lộc", "Đại Đồng", "Tiến Thành", "Vĩnh Hòa", "Phú Thượng", "Nhân Hòa", "Trại Tiểu",
    )
)

STREETS: tuple[str, ...] = _nfc(
    (
        "Trần Phú", "Phan Đình Phùng", "Hà Huy Tập", "Nguyễn Du", "Hải Thượng Lãn Ông", "Xuân Diệu",
        "Lê Duẩn", "Nguyễn Huy Tự", "Trần Hưng Đạo", "Nguyễn Biểu", "Vũ Quang", "Lý Tự Trọng",
        "Phan Huy Chú", "Nguyễn Công Trứ", "Mai Thúc Loan", "Hàm Nghi", "Nguyễn Thiếp", "Lê Hồng Phong",
        "Quang Trung", "Võ Liêm Sơn", "Đặng Dung", "Nguyễn Xí", "26 Tháng 3", "Bùi Cầm Hổ",
    )
)

MOBILE_PREFIXES: tuple[str, ...] = (
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
    "088", "091", "094", "081", "082", "083", "084", "085",
    "089", "090", "093", "070", "076", "077", "078", "079",
    "092", "056", "058", "099", "059",
)

# Province codes (first three digits of a personal identification number)
# of people living in Hà Tĩnh whose birth was registered elsewhere, with
# relative weights; Hà Tĩnh itself is 042.
PID_PROVINCE_HA_TINH = "042"
PID_OTHER_PROVINCES: tuple[tuple[str, float], ...] = (
    ("040", 4.0),  # Nghệ An
    ("044", 1.5),  # Quảng Bình
    ("038", 1.0),  # Thanh Hóa
    ("001", 1.0),  # Hà Nội
    ("079", 0.8),  # TP Hồ Chí Minh
    ("045", 0.4),  # Quảng Trị
    ("046", 0.3),  # Thừa Thiên Huế
    ("048", 0.3),  # Đà Nẵng
    ("066", 0.3),  # Đắk Lắk
    ("031", 0.2),  # Hải Phòng
    ("036", 0.2),  # Nam Định
    ("075", 0.2),  # Đồng Nai
)

# Given names that spell a number: test and benchmark files need many distinct people whose names are real names
# (a name with digits is refused by the registry, as a clerk's typing error would be).
_NUMBER_SYLLABLES = _nfc(("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Khang", "Lan", "Long", "Minh", "Nam",
                          "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Vân", "Yến"))


def numbered_name(k: int, prefix: str = "Nguyễn Văn") -> str:
    """A distinct name for each ``k`` ≥ 0 (its base-20 digits as given names, at least two): 0 → «Nguyễn Văn An An»,
    21 → «Nguyễn Văn Bình Bình»."""
    base = len(_NUMBER_SYLLABLES)
    words = []
    while True:
        k, digit = divmod(k, base)
        words.append(_NUMBER_SYLLABLES[digit])
        if k == 0 and len(words) >= 2:
            break
    return f"{prefix} {' '.join(reversed(words))}"
