"""Search inside the digitised dossiers and OCR throughput (issue #16 item 6): target search p95 < 300 ms on
PostgreSQL at 200.000 dossiers with about 1.000.000 pages of text.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hdos_bench .venv/bin/python benchmarks/dossier_search.py \
        [--scale 0.05] [--queries 200] [--ocr-pages 4]

1. On a database of its own (dropped and created again): ``200.000 × scale`` dossiers over the province's communes,
   one document each with 5 pages of synthetic Vietnamese text (decisions, names from ``demo.vn_names``, places,
   dates, amounts), folded as the OCR writes them (``core.text.fold``), written with COPY; the vectors and their
   GIN index (migration 0003) computed after the load.
2. **Search**: ``selectors.pages_matching`` — the page's own query, province-wide — for a mix of queries typed with
   and without diacritics (a person's full name, a name and a place, a common phrase, a word that is nowhere):
   p50 / p95 / max. **Baseline in the same run**: the search's SQL as one query with index and bitmap scans
   disabled (a sequential scan of every page), on a sample of the queries; ratio = baseline p50 ÷ indexed p50.
3. **OCR**: a scanned A4 page at 300 dpi drawn by the benchmark from known text (``demo.scans.text_page``, grey,
   speckled), read by Tesseract (vie) — one worker, then two workers in parallel (``OMP_THREAD_LIMIT=1`` each, the
   2 cores): pages per minute, and the character accuracy against the known text (1 − edit distance ÷ length).
Prints the figures; asserts no time.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/hdos_bench"
SEED = 16
PAGES_PER_DOSSIER = 5
OCR_TEXT = (
    "QUYẾT ĐỊNH Về việc trợ cấp, phụ cấp ưu đãi đối với người có công với cách mạng. GIÁM ĐỐC SỞ LAO ĐỘNG - "
    "THƯƠNG BINH VÀ XÃ HỘI TỈNH HÀ TĨNH. Căn cứ Pháp lệnh Ưu đãi người có công với cách mạng; căn cứ Nghị định số "
    "75/2021/NĐ-CP ngày 24 tháng 7 năm 2021 của Chính phủ; xét đề nghị của Trưởng phòng Người có công. QUYẾT ĐỊNH: "
    "Điều 1. Trợ cấp hằng tháng đối với ông Nguyễn Văn Đức, sinh năm 1948, nguyên quán xã Cẩm Bình, huyện Cẩm "
    "Xuyên, tỉnh Hà Tĩnh; trú quán phường Thành Sen, thành phố Hà Tĩnh; là thương binh, tỷ lệ tổn thương cơ thể "
    "41%. Mức trợ cấp hằng tháng: 3.667.000 đồng, kể từ ngày 01 tháng 7 năm 2024. Điều 2. Trưởng phòng Người có "
    "công, Kế toán trưởng, Giám đốc Bưu điện tỉnh và ông Nguyễn Văn Đức chịu trách nhiệm thi hành Quyết định này. "
    "Nơi nhận: như Điều 2; Lưu: VT, NCC."
)


def _drop(url: str) -> None:
    parsed = urlparse(url)
    import psycopg
    from psycopg import sql

    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parsed.path.lstrip("/"))))


def _vocabulary():
    from ansinh.demo.vn_names import GIVEN_NAMES_M, MIDDLE_NAMES_M, SURNAMES, VILLAGE_STEMS

    words = ("quyết định trợ cấp hằng tháng thương binh liệt sĩ người có công chế độ ưu đãi hồ sơ xác nhận giấy "  # noqa: SIM905
             "chứng nhận bệnh binh chất độc hóa học tỷ lệ tổn thương cơ thể giám định y khoa thân nhân thờ cúng "
             "mai táng phí điều dưỡng phục hồi sức khỏe huân chương kháng chiến căn cứ nghị định thông tư ủy ban nhân "
             "dân sở lao động thương binh xã hội phòng chính sách bưu điện kế toán lưu trữ").split()
    return ([s for s, _ in SURNAMES], [m for m, *_ in MIDDLE_NAMES_M], [g for g, *_ in GIVEN_NAMES_M],
            list(VILLAGE_STEMS), words)


def build(n_dossiers: int) -> dict:
    """Dossiers, one document and version each, 5 pages of text each, written with COPY; index rebuilt."""
    import numpy as np
    from django.db import connection, transaction

    from ansinh.accounts.models import Role, User
    from ansinh.core.text import fold
    from ansinh.geo.models import AdminUnit, Level, Structure

    rng = np.random.default_rng(SEED)
    surnames, middles, givens, villages, words = _vocabulary()
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42")
                    .order_by("code").values_list("pk", "name"))
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    user = User.objects.create_user(username="bench_archivist", role=Role.ARCHIVIST, area=province)
    names = [f"{surnames[a]} {middles[b]} {givens[c]}" for a, b, c in zip(
        rng.integers(0, len(surnames), n_dossiers), rng.integers(0, len(middles), n_dossiers),
        rng.integers(0, len(givens), n_dossiers), strict=True)]
    commune_of = rng.integers(0, len(communes), n_dossiers)
    timer = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS documentpage_search_vector")
        with cursor.copy("COPY dossiers_dossier (id, created_at, updated_at, number, category, matter, holder_name, "
                         "holder_search_key, commune_id, status, warehouse, shelf, box, created_by_id) FROM STDIN") as cp:
            for i in range(n_dossiers):
                cp.write_row((i + 1, "2026-01-01", "2026-01-01", f"NCC-{i + 1:06d}", "ncc", "Hưởng trợ cấp",
                              names[i], fold(names[i]), communes[commune_of[i]][0], "ocr_done", "Kho 1",
                              f"K{i // 2000:03d}", f"H{i // 50:05d}", user.pk))
        with cursor.copy("COPY dossiers_document (id, dossier_id, title, created_at) FROM STDIN") as cp:
            for i in range(n_dossiers):
                cp.write_row((i + 1, i + 1, "Quyết định trợ cấp", "2026-01-01"))
        with cursor.copy("COPY dossiers_documentversion (id, document_id, number, stored_file, file_name, file_format, "
                         "size, sha256, page_count, uploaded_by_id, uploaded_at, note, is_current, ocr_status, "
                         "ocr_pages_done, ocr_message) FROM STDIN") as cp:
            for i in range(n_dossiers):
                cp.write_row((i + 1, i + 1, 1, f"dossiers/bench/{i}.pdf", f"{i}.pdf", "pdf", 1000,
                              f"{i:064x}", PAGES_PER_DOSSIER, user.pk, "2026-01-01", "", True, "done",
                              PAGES_PER_DOSSIER, ""))
        with cursor.copy("COPY dossiers_documentpage (version_id, dossier_id, commune_id, is_current, number, text, "
                         "search_key, confidence) FROM STDIN") as cp:
            vocabulary = np.array(words)
            for i in range(n_dossiers):
                commune = communes[commune_of[i]]
                village = villages[i % len(villages)]
                for page in range(1, PAGES_PER_DOSSIER + 1):
                    body = " ".join(vocabulary[rng.integers(0, len(vocabulary), 45)])
                    text = (f"Ông (bà) {names[i]} sinh năm {1930 + i % 40}, thôn {village}, {commune[1]}. {body}. "
                            f"Số tiền {(i % 90 + 10) * 100_000} đồng, trang {page}.")
                    cp.write_row((i + 1, i + 1, commune[0], True, page, text, fold(text), 90.0))
        for table in ("dossiers_dossier", "dossiers_document", "dossiers_documentversion"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    load_seconds = time.perf_counter() - timer
    timer = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_documentpage SET search_vector = to_tsvector('simple'::regconfig, search_key)")
        cursor.execute("CREATE INDEX documentpage_search_vector ON dossiers_documentpage USING gin (search_vector)")
        cursor.execute("ANALYZE dossiers_documentpage")
    index_seconds = time.perf_counter() - timer
    return {"names": names, "communes": communes, "commune_of": commune_of, "load": load_seconds,
            "index": index_seconds, "ids": [c for c, _ in communes]}


def _queries(world: dict, count: int) -> list[str]:
    import numpy as np

    from ansinh.core.text import fold

    rng = np.random.default_rng(SEED + 1)
    out = []
    for k in range(count):
        i = int(rng.integers(0, len(world["names"])))
        name, commune = world["names"][i], world["communes"][world["commune_of"][i]][1]
        kind = k % 5
        out.append([name, fold(name), f"{name.split()[-1]} {commune}", "thương binh liệt sĩ", "khongcotu"][kind])
    return out


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def search(world: dict, queries: list[str], baseline_sample: int) -> dict:
    from django.db import connection, transaction

    from ansinh.dossiers.models import DocumentPage
    from ansinh.dossiers.selectors import _pg_search, pages_matching, search_terms

    ids = world["ids"]
    indexed, hits = [], []
    for q in queries:
        terms = search_terms(q)
        result: list = []
        indexed.append(_time(lambda t=terms, r=result: r.extend(pages_matching(commune_ids=ids, terms=t))))
        hits.append(len(result))
    sequential = []
    for q in queries[:baseline_sample]:
        terms = search_terms(q)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            qs = DocumentPage.objects.filter(commune_id__in=ids, is_current=True)
            sequential.append(_time(lambda t=terms, q=qs: list(_pg_search(q, t)[:50])))
    return {"indexed": indexed, "sequential": sequential, "hits": hits}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(q * (len(ordered) - 1))), len(ordered) - 1)]


def _page_png() -> bytes:
    from ansinh.demo.scans import text_page

    out = io.BytesIO()
    text_page(OCR_TEXT, noise=4000, seed=SEED).save(out, format="PNG")
    return out.getvalue()


def _ocr_one(png: bytes) -> str:
    from PIL import Image

    from ansinh.dossiers.ocr import read_page

    return read_page(Image.open(io.BytesIO(png)))[0]


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def ocr(pages: int) -> dict:
    png = _page_png()
    start = time.perf_counter()
    texts = [_ocr_one(png) for _ in range(pages)]
    one = time.perf_counter() - start
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    os.environ.update(env)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_ocr_one, [png] * pages))
    two = time.perf_counter() - start
    truth = " ".join(OCR_TEXT.split())
    read = " ".join(texts[0].split())
    accuracy = 1 - _distance(read, truth) / len(truth)
    return {"one": pages / one * 60, "two": pages / two * 60, "accuracy": accuracy, "chars": len(truth)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 200.000 dossiers")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=20, help="queries run again as a sequential scan")
    parser.add_argument("--ocr-pages", type=int, default=4)
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-ocr", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not args.skip_search:
        _drop(url)
    _django.setup(url)
    if not args.skip_search:
        n = int(200_000 * args.scale)
        world = build(n)
        print(f"dossiers {n:,} · pages {n * PAGES_PER_DOSSIER:,} · load (COPY) {world['load']:.1f} s · "
              f"vectors + GIN index {world['index']:.1f} s")
        timings = search(world, _queries(world, args.queries), args.baseline)
        idx, seq = timings["indexed"], timings["sequential"]
        print(f"search, {len(idx)} queries (with/without diacritics), province-wide: p50 {_p(idx, .5):.1f} ms · "
              f"p95 {_p(idx, .95):.1f} ms · max {max(idx):.1f} ms · median hits {statistics.median(timings['hits'])}")
        print(f"baseline sequential scan, {len(seq)} queries: p50 {_p(seq, .5):.1f} ms · p95 {_p(seq, .95):.1f} ms · "
              f"ratio {_p(seq, .5) / max(_p(idx, .5), 0.001):.1f}×")
    if args.skip_ocr:
        return
    figures = ocr(args.ocr_pages)
    print(f"OCR (Tesseract vie, A4 300 dpi, {figures['chars']} characters): one worker {figures['one']:.1f} pages/min · "
          f"two workers {figures['two']:.1f} pages/min · character accuracy {figures['accuracy'] * 100:.2f}%")


if __name__ == "__main__":
    main()
