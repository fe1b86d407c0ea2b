"""The 54 ethnic groups of Vietnam with their statistical codes.

Codes and names follow the "Danh mục các thành phần dân tộc Việt Nam" issued
by the General Statistics Office with Quyết định 121-TCTK/PPCĐ of 2 March 1979
(ordered by population at the time). Names are stored NFC in the spelling of
that list.

Note: the GSO re-issued the list with Quyết định 1019/QĐ-TCTK of 12 November
2008, which keeps 01–03 and 07–10 but renumbers the others by 1999 population
(e.g. 04 Mường, 05 Khơ-me, 06 Hoa, 11 Ê-đê). A file that carries bare codes
must say which list it uses; :func:`ethnicity_code_for` reads codes as the
1979 list, names in either spelling.
"""

from __future__ import annotations

import unicodedata

from ansinh.core.text import fold

ETHNICITIES: tuple[tuple[str, str], ...] = tuple(
    (code, unicodedata.normalize("NFC", name))
    for code, name in (
        ("01", "Kinh"),
        ("02", "Tày"),
        ("03", "Thái"),
        ("04", "Hoa"),
        ("05", "Khơ-me"),
        ("06", "Mường"),
        ("07", "Nùng"),
        ("08", "HMông"),
        ("09", "Dao"),
        ("10", "Gia-rai"),
        ("11", "Ngái"),
        ("12", "Ê-đê"),
        ("13", "Ba-na"),
        ("14", "Xơ-đăng"),
        ("15", "Sán Chay"),
        ("16", "Cơ-ho"),
        ("17", "Chăm"),
        ("18", "Sán Dìu"),
        ("19", "Hrê"),
        ("20", "Mnông"),
        ("21", "Ra-glai"),
        ("22", "Xtiêng"),
        ("23", "Bru-Vân Kiều"),
        ("24", "Thổ"),
        ("25", "Giáy"),
        ("26", "Cơ-tu"),
        ("27", "Gié-Triêng"),
        ("28", "Mạ"),
        ("29", "Khơ-mú"),
        ("30", "Co"),
        ("31", "Tà-ôi"),
        ("32", "Chơ-ro"),
        ("33", "Kháng"),
        ("34", "Xinh-mun"),
        ("35", "Hà Nhì"),
        ("36", "Chu-ru"),
        ("37", "Lào"),
        ("38", "La Chí"),
        ("39", "La Ha"),
        ("40", "Phù Lá"),
        ("41", "La Hủ"),
        ("42", "Lự"),
        ("43", "Lô Lô"),
        ("44", "Chứt"),
        ("45", "Mảng"),
        ("46", "Pà Thẻn"),
        ("47", "Co Lao"),
        ("48", "Cống"),
        ("49", "Bố Y"),
        ("50", "Si La"),
        ("51", "Pu Péo"),
        ("52", "Brâu"),
        ("53", "Ơ Đu"),
        ("54", "Rơ-măm"),
    )
)

# For a Django ``choices=`` argument: (stored code, label).
ETHNICITY_CHOICES: tuple[tuple[str, str], ...] = ETHNICITIES

ETHNICITY_NAMES: dict[str, str] = dict(ETHNICITIES)
KINH = "01"

# Other names and spellings met in lists (folded, spaces removed, as keys).
_ALIASES: dict[str, str] = {
    "viet": "01",
    "nguoiviet": "01",
    "han": "04",
    "nguoihoa": "04",
    "khmer": "05",
    "khome": "05",
    "khmerkrom": "05",
    "mong": "08",
    "hmong": "08",
    "meo": "08",
    "jrai": "10",
    "jarai": "10",
    "giarai": "10",
    "gialai": "10",
    "rade": "12",
    "ede": "12",
    "bahnar": "13",
    "sedang": "14",
    "caolan": "15",
    "caolansanchi": "15",
    "koho": "16",
    "cham": "17",
    "raglay": "21",
    "stieng": "22",
    "bru": "23",
    "vankieu": "23",
    "katu": "26",
    "gietrieng": "27",
    "gietrien": "27",
    "khmu": "29",
    "paco": "31",
    "pako": "31",
    "colao": "47",
    "pupeo": "51",
    "odu": "53",
    "romam": "54",
}


def _key(value: str) -> str:
    return fold(value).replace(" ", "")


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, name in ETHNICITIES:
        lookup[_key(name)] = code
    for alias, code in _ALIASES.items():
        lookup.setdefault(alias, code)
    return lookup


_LOOKUP = _build_lookup()


def ethnicity_code_for(name_or_code: str | None) -> str | None:
    """The two-digit code for a code or a name as typed in a list, or None.

    Accepts "1", "01", "Kinh", "kinh", "KINH", "Hmong", "H'Mông", "Mông",
    "Khơ Me", "Khmer", "Ba Na", "Dân tộc Thái"; case, tones, hyphens and spaces
    do not matter.
    """
    text = (name_or_code or "").strip()
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        return f"{number:02d}" if 1 <= number <= len(ETHNICITIES) else None
    key = _key(text)
    for prefix in ("dantoc", "nguoi"):
        if key.startswith(prefix) and key not in _LOOKUP and key[len(prefix) :] in _LOOKUP:
            key = key[len(prefix) :]
    return _LOOKUP.get(key)
