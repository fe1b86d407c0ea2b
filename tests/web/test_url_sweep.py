"""Every URL of the project, as every role, with hostile request parameters (issue #8, items 3 and 4).

What is swept
-------------
* **URLs** come from ``get_resolver().url_patterns`` (walked recursively through ``include``, with namespaces),
  not from a hand-written list, so a pattern is swept the day it is added. The table ``AUTHZ`` says for each named
  pattern of the project's apps which object fills its path and the status each role gets; a pattern of those
  apps without a row fails ``test_every_url_pattern_has_its_row``. Patterns of the apps still being built
  (payroll, poverty review, labour…) are swept without a row: ids that do not exist, every role, and one round
  of hostile parameters for each role a page serves, the rounds in turn. The Django admin (``/quan-tri/``) is swept with GET
  only (its POSTs are Django's own add, change and delete forms): its superuser with an existing object of each
  model, a missing and a huge id (but not the add and change forms that render a ``<select>`` of every
  administrative unit: Django's widget, seconds a page); every other role must be sent to the admin's login.
* **Objects**: one world per module, built through the services as users would (a programme with its lists, a
  posted list with a payment batch and a results file, a registry import, a list upload, a register import, a file
  to match, pairs and a merge, a proposed parameter change), inside a transaction rolled back at the end. Each
  request runs in its own savepoint, rolled back too, so that a POST (an empty «submit», «merge», «start a run»…)
  never changes what the next request sees.
* Each path converter is filled with (a) the existing object, (b) an id that no object has and (c) the huge id
  ``99999999999999999999``. Django's ``<int:pk>`` accepts it (``int()`` has no limit); the lookup then finds
  nothing (Django ≥ 5.0 treats an out-of-range integer as matching no row), so it is a 404 like (b).
* **Roles**: a commune officer of each of two communes, the district specialist, the provincial specialist, the
  leader, the batch's payment agent and another agent, the inspector, the administrator, one user of each role
  that holds no right in these apps (the job centre's, vocational education's), an anonymous visitor.
* **Hostile parameters**: ``HOSTILE_QUERIES`` (the issue's list and a few more). To keep the sweep short
  they are sent in four *rounds* — each round puts at most one value of each parameter in the
  same query string (``?commune=abc&page=-5&q=<script>…``), every second round as an htmx request. A round that
  fails, or answers otherwise than the plain page, is sent again one query string at a time, so that a parameter
  can neither hide another one nor go unnamed in the report. POST requests carry the round in the body as well,
  with hostile values for the form fields the views read. The roles the page serves share the rounds, two each in
  turn, so that every round reaches it (a page served to one role gets every round); a role it
  refuses (403, 404, the login redirect: answered before any parameter is read) gets one round, a different one
  per role, so that each round also reaches the page from the refused side (``Sweep.run``).

What is asserted
----------------
* never a 500 (``Client(raise_request_exception=False)``; the exception is named in the report);
* a ``<script>`` (or ``<x>``) sent in a parameter never comes back unescaped; no redirect off the site;
* a GET with hostile parameters answers as the plain page does, or with a 404;
* the plain request gets the status of ``AUTHZ``; anonymous visitors are sent to the login page;
* an object that does not exist is a 404 for every signed-in role.

All failures of an app are collected and reported at once (method, URL, role, status, cause).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from ansinh.accounts.models import Role, User
from ansinh.geo.models import AdminUnit, Level, Structure

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

MISSING_ID = 2_000_000_000  # no object has it
HUGE_ID = "99999999999999999999"  # beyond any integer column
OWN_APPS = ("registry", "policy", "programmes", "payments", "matching", "planning", "dossiers", "casework",
            "api_pages", "web")  # every pattern has its AUTHZ row
# The sweep is reported in groups: the site's own pages (login, logout, home), each app above, the Django admin,
# and «others» — the apps being built (payroll, poverty review, labour…), swept with ids that do not exist and a
# round of hostile parameters for each role a page serves, without a row in the table yet.
GROUPS = ("site", "registry", "policy", "programmes", "payments", "matching", "planning", "dossiers", "casework",
          "api_pages", "admin", "api", "others")
# The API (/api/v1/) authenticates connected systems by key, never by the pages' session: every role of the sweep
# (signed in to the pages) and the anonymous visitor get its 401 JSON error — except the schema and its documents,
# which are public. Who may do what through the API, with keys, is tests/api/test_authorization_matrix.py.
API_PUBLIC = ("api:openapi-view", "api:openapi-json")


def _group(app: str) -> str:
    return "site" if app in ("", "web") else app if app in GROUPS else "others"

# ------------------------------------------------------------------------------------------ hostile parameters

SCRIPT = "<script>alert(1)</script>"
HOSTILE_QUERIES = [
    # the issue's list
    "commune=99999999999999999999999", "commune=-1", "commune=abc",
    "page=0", "page=-5", "page=99999999999", "page=1e9",
    "programme=1%00",
    "q=%3Cscript%3Ealert(1)%3C/script%3E", "q=%27%20OR%201=1--", "q=" + "x" * 5000,
    "status=%3Cx%3E", "band=zzz", "group=%27%20OR%201=1", "sex=Z", "age=999",
    "format=../../etc/passwd", "next=//evil.example",
    # more of the same kind: NUL bytes (PostgreSQL refuses them in a string literal), a full-width digit
    # (``str.isdigit()`` accepts it), the explanation page's own parameters, the list page's filter, the admin's
    # ordering and page
    "q=a%00b", "group=%00", "status=%00", "commune=%EF%BC%91", "parameter=%3Cscript%3E%00",
    "variable=%3Cscript%3Ealert(1)%3C/script%3E&period=2020-13",
    "variable=tgxh_monthly_allowance&period=99999-01&set=%00&set=age&extra=%3D%3D",
    "variable=tgxh_monthly_allowance&period=2024-07&birth_date=31/02/2020&household_income_per_capita=abc"
    "&household_deprivation_count=99999999999999999999&tgxh_category=zzz&set=birth_date=%00&set=%3Cx%3E=1",
    "flagged=1",
    "pk=-1&id=99999999999999999999999&o=%3Cx%3E&p=-1",
]
# POST bodies: the round's parameters and hostile values for the fields the forms and actions read
BODY_FIELDS = ("agent", "membership_id", "person_id", "keep", "resolution", "justification", "kind",
               "decision_number", "decision_date", "signer", "reason", "note", "valid_only", "confirm_warnings",
               "death", "left", "joined", "relationship", "full_name", "birth", "pid", "cmnd", "phone", "village",
               "address_detail", "register", "channel", "start", "value", "reference", "auto_merge_enabled",
               "auto_merge_threshold", "review_threshold", "output_kind", "against_registry", "username", "password",
               "ethnicity_code", "social_insurance_no")
BODY_VALUES = ("99999999999999999999999", "-1", SCRIPT, "a\x00b", "x" * 500, "1e9", "' OR 1=1--", "31/02/2020",
               "<x>")
ACTIONS = ("commit", "map", "cancel", SCRIPT)  # the import pages' ``action``, one per round


def _rounds(queries: list[str]) -> list[list[str]]:
    """The query strings grouped so that no parameter appears twice in a round (greedy, in order)."""
    rounds: list[tuple[set[str], list[str]]] = []
    for query in queries:
        keys = {key for key, _ in parse_qsl(query, keep_blank_values=True)}
        for used, members in rounds:
            if not used & keys:
                used |= keys
                members.append(query)
                break
        else:
            rounds.append((set(keys), [query]))
    return [members for _, members in rounds]


ROUNDS = _rounds(HOSTILE_QUERIES)


def _body(round_no: int, queries: list[str]) -> dict[str, str]:
    data = {key: value for query in queries for key, value in parse_qsl(query, keep_blank_values=True)}
    for i, name in enumerate(BODY_FIELDS):
        data.setdefault(name, BODY_VALUES[(i + round_no) % len(BODY_VALUES)])
    data["action"] = ACTIONS[round_no % len(ACTIONS)]
    data["map:Cột\x00 <x>"] = data["map:" + "x" * 300] = ""  # the column mapping step: headers to ignore
    return data


# ---------------------------------------------------------------------------------------------------- the world

NAMED_ROLES = {"officer_a": Role.COMMUNE_OFFICER, "officer_b": Role.COMMUNE_OFFICER,
               "district": Role.DISTRICT_SPECIALIST, "provincial": Role.PROVINCIAL_SPECIALIST, "leader": Role.LEADER,
               "agent": Role.PAYMENT_AGENT, "agent_2": Role.PAYMENT_AGENT, "inspector": Role.INSPECTOR,
               "admin": Role.ADMINISTRATOR}
# Roles of other apps (the job centre, vocational education…) that hold no right in the apps swept here: one user
# each, all answered as the column «other» says (``test_other_roles_hold_no_right_here`` keeps that true).
# The roles of the dossiers and casework apps (both of the district of communes A and B): a row of AUTHZ may give
# their statuses as a fifth element; without it they get the column «other».
APP_ROLES = {"archivist": Role.ARCHIVIST, "handler": Role.COMPLAINT_HANDLER}
OTHER_ROLES = [f"other:{role}" for role in Role.values
               if role not in NAMED_ROLES.values() and role not in APP_ROLES.values()]
ROLES = [*NAMED_ROLES, *APP_ROLES, *OTHER_ROLES, "anonymous"]
C = [*NAMED_ROLES, "other"]  # the columns of AUTHZ


@dataclass
class World:
    users: dict[str, User]
    objects: dict[str, int] = field(default_factory=dict)  # name -> pk


def _commune(name: str) -> AdminUnit:
    return AdminUnit.objects.get(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42", name=name)


def _user(username: str, role: str, area: AdminUnit, **extra) -> User:
    return User.objects.create_user(username=username, password="mat-khau-thu-2026", role=role, area=area,
                                    last_name="Cán bộ", first_name=username, **extra)


def _error_csv(path, schema, **values) -> object:
    """A file with the schema's own headers and one row that cannot be right (so that an error report exists)."""
    row = [values.get(f.name, "Nguyễn Văn Lỗi" if f.name == "full_name" else "???") for f in schema.fields]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([schema.template_headers(), row])
    return path


def _checked(kind, actor, path, target=None):
    from ansinh.core import imports

    record = imports.import_receive(kind=kind, actor=actor, file=path, file_name=path.name, target=target)
    record, _ = imports.import_check(record=record)
    assert record.error_report, f"{path.name}: {record.status} {record.message}"  # the report page needs one
    return record


def _build_world(tmp) -> World:
    from django.utils import timezone

    from ansinh.core import imports
    from ansinh.core.models import ImportStatus
    from ansinh.geo.selectors import communes_in_area
    from ansinh.matching import services as matching
    from ansinh.matching.files import MATCH_SCHEMA
    from ansinh.matching.imports import MATCH_FILE_KIND
    from ansinh.matching.models import CandidatePair, MatchRun
    from ansinh.payments import services as payments
    from ansinh.payments.imports import RESULTS_KIND, RESULTS_SCHEMA
    from ansinh.policy import services as policy
    from ansinh.programmes.imports import LIST_UPLOAD_KIND, REGISTER_KIND, REGISTER_SCHEMA
    from ansinh.programmes.models import BeneficiaryGroup, BeneficiaryList, RowFlag
    from ansinh.programmes.services import workflow as lists
    from ansinh.programmes.services.generation import registry_lists_generate
    from ansinh.registry import services as registry
    from ansinh.registry.imports import REGISTRY_KIND, REGISTRY_SCHEMA
    from programmes import factories as f
    from programmes.upload_files import mau04, mau04_row

    # Communes A and B are both of the former Thành phố Hà Tĩnh (the district specialist's area); commune C is
    # of another former district.
    commune_a, commune_b = _commune("Phường Thành Sen"), _commune("Xã Cẩm Bình")
    district = commune_a.legacy_district
    assert district is not None and district.level == Level.DISTRICT and commune_b.legacy_district_id == district.pk
    in_district = communes_in_area(district).values_list("pk", flat=True)
    commune_c = (AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42")
                 .exclude(pk__in=list(in_district)).order_by("name").first())
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    u = {
        "officer_a": _user("xa_a", Role.COMMUNE_OFFICER, commune_a),
        "officer_b": _user("xa_b", Role.COMMUNE_OFFICER, commune_b),
        "district": _user("huyen", Role.DISTRICT_SPECIALIST, district),
        "provincial": _user("so", Role.PROVINCIAL_SPECIALIST, province),
        "leader": _user("lanhdao", Role.LEADER, province),
        "agent": _user("buudien", Role.PAYMENT_AGENT, province),
        "agent_2": _user("nganhang", Role.PAYMENT_AGENT, province),
        "inspector": _user("thanhtra", Role.INSPECTOR, province),
        # as in the demo, the administrator is also the Django admin's superuser
        "admin": _user("quantri", Role.ADMINISTRATOR, province, is_staff=True, is_superuser=True),
        "archivist": _user("luutru", Role.ARCHIVIST, district),
        "handler": _user("tiepdan", Role.COMPLAINT_HANDLER, district),
        **{name: _user(f"khac_{i}", name.split(":", 1)[1], province) for i, name in enumerate(OTHER_ROLES)},
    }
    world = World(users=u)
    o = world.objects

    # -- registry: a household of commune A (its head is the person of the person pages), one of commune C
    household = registry.household_create(
        actor=u["officer_a"], commune=commune_a, village="Tổ dân phố 3", code="HT18073SWEEP1",
        head={"full_name": "Nguyễn Văn Hùng", "sex": "M", "birth_date": dt.date(1968, 5, 12),
              "birth_precision": "day", "pid": "042068001234"})
    o["household_a"], o["person_a"] = household.pk, household.head_id
    o["person_c"] = registry.household_create(
        actor=u["provincial"], commune=commune_c, village="Thôn 1", code="HTSWEEPC1",
        head={"full_name": "Phan Văn Cường", "sex": "M", "birth_date": dt.date(1970, 1, 1),
              "birth_precision": "year"}).head_id

    # -- programmes: people of both communes on the registers, the lists drawn from them
    ncc = f.person(commune_a, "Nguyễn Văn An", birth=dt.date(1945, 3, 2))
    twin_1 = f.person(commune_a, "Hoàng Thị Én", sex="F", birth=dt.date(1938, 7, 7))
    twin_2 = f.person(commune_a, "Hoàng Thị Én", sex="F", birth=dt.date(1938, 7, 7))
    head = f.person(commune_b, "Võ Văn Giang", birth=dt.date(1970, 2, 2))
    wife = f.person(commune_b, "Đặng Thị Hà", sex="F", birth=dt.date(1972, 3, 3))
    poor = f.household(commune_b, "HTPOORSWEEP", [head, wife])
    f.enrol("ncc", commune=commune_a, who=ncc)
    f.enrol("tgxh", commune=commune_a, who=twin_1, category="elderly_80_no_pension")
    f.enrol("tgxh", commune=commune_a, who=twin_2, category="elderly_80_no_pension")
    f.enrol("poor", commune=commune_b, hh=poor, start=dt.date(2019, 1, 1))
    programme = f.covid_programme(u["provincial"])
    o["programme"] = programme.pk
    from ansinh.programmes.services import design
    from programmes.test_designer import tet

    o["design"] = design.programme_design_create(actor=u["provincial"], data=tet(), province_code="42").pk
    o["group_2"] = BeneficiaryGroup.objects.get(programme=programme, code="2").pk
    registry_lists_generate(programme=programme, actor=u["provincial"])
    list_a = BeneficiaryList.objects.get(programme=programme, group__code="6", commune=commune_a)  # draft, flagged
    o["list_a"] = list_a.pk
    o["flag_a"] = RowFlag.objects.filter(row__beneficiary_list=list_a).order_by("pk").first().pk
    list_b = BeneficiaryList.objects.get(programme=programme, group__code="7", commune=commune_b)
    list_b = lists.list_submit(actor=u["officer_b"], beneficiary_list=list_b)
    list_b = lists.list_appraise(actor=u["district"], beneficiary_list=list_b)
    list_b = lists.list_approve(actor=u["leader"], beneficiary_list=list_b, decision_number="1234/QĐ-UBND",
                                decision_date=dt.date(2020, 5, 8), signer="Đặng Quốc Vinh",
                                decision_pdf=SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF\n",
                                                                content_type="application/pdf"))
    o["list_b"] = lists.list_post(actor=u["officer_b"], beneficiary_list=list_b).pk

    # -- payments: the batch of the posted list for ``agent``, a results file with an error row
    batch = payments.batch_create(actor=u["provincial"], beneficiary_list=list_b, agent=u["agent"])
    o["batch"] = batch.pk
    o["result_import"] = _checked(RESULTS_KIND, u["agent"], _error_csv(tmp / "ket-qua.csv", RESULTS_SCHEMA, seq="1",
                                                                        amount="750000"), {"batch": batch}).pk

    # -- the files of the import lifecycle, each with an error row
    o["registry_import"] = _checked(REGISTRY_KIND, u["officer_a"],
                                    _error_csv(tmp / "ho.csv", REGISTRY_SCHEMA, household_code="HTLOI1")).pk
    group_4 = BeneficiaryGroup.objects.get(programme=programme, code="4")
    o["list_upload"] = _checked(LIST_UPLOAD_KIND, u["officer_a"],
                                mau04(tmp / "mau04.xlsx", [mau04_row(1, "Trần Văn Lỗi", "01/01/1990", "Nam", "12")]),
                                {"programme": programme, "commune": commune_a, "group": group_4}).pk
    o["register_import"] = _checked(REGISTER_KIND, u["officer_b"], _error_csv(tmp / "so.csv", REGISTER_SCHEMA),
                                    {"register": "ncc"}).pk
    # a file to match has no error rows (every row is matched on what it has): as a finished match leaves it,
    # with a report of its odd cells
    record = imports.import_receive(kind=MATCH_FILE_KIND, actor=u["officer_a"], file=_error_csv(
        tmp / "ghep.csv", MATCH_SCHEMA), file_name="ghep.csv", target={"against_registry": False, "output_kind": "xlsx"})
    record.output_file.save("ket-qua.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    record.error_report.save("bao-cao-loi.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    record.status, record.committed_at = ImportStatus.COMMITTED, timezone.now()
    record.save()
    o["file_match"] = record.pk

    # -- matching: a run; pairs inside A, across A and B, inside C; a merge inside A
    run = MatchRun.objects.create(created_by=u["provincial"], review_threshold=0.9, auto_merge_threshold=0.999,
                                  status="finished")
    o["run"] = run.pk
    evidence = [{"label": "Họ tên", "weight": 7.5, "agreed": True, "levels": ["giống"]}]

    def pair(low, high):
        return CandidatePair.objects.create(run=run, person_low=low, person_high=high, probability=0.98,
                                            match_weight=11.0, band="review", evidence=evidence).pk

    o["pair_a"], o["pair_ab"] = pair(twin_1, twin_2), pair(ncc, wife)
    o["pair_c"] = pair(f.person(commune_c, "Lê Thị Cúc", sex="F", pid=None),
                       f.person(commune_c, "Lê Thị Cúc", sex="F", pid=None))
    kept = f.person(commune_a, "Lê Văn Tám", birth=dt.date(1960, 1, 1), pid=None)
    merged = f.person(commune_a, "Lê Văn Tám", birth=dt.date(1960, 1, 1), pid=None)
    o["merge_a"] = matching.persons_merge(actor=u["officer_a"], kept=kept, merged=merged).pk

    _dossiers_and_casework(world, tmp, commune_a)
    _personal_data_protection(world)

    # -- policy: a change proposed by the administrator, waiting for another one
    o["change"] = policy.parameter_change_propose(actor=u["admin"], parameter="tgxh.standard_level",
                                                  start=dt.date(2026, 7, 1), value=540000, reference="SWEEP").pk
    _planning_world(world, tmp, district=district, district_c=commune_c.legacy_district, province=province)
    return world


def _planning_world(world: World, tmp, *, district, district_c, province) -> None:
    """The plan: the Sở with the district offices of A and B's former district (``unit_a``) and of C's
    (``unit_c``), an indicator with a target of the Sở and one of ``unit_a``, the six-month form with an obligation
    of each unit, a six-month report of each (``report_a`` by the district specialist), a task of ``unit_a``, a
    conclusion being composed (a bullet made a task), a register entry with its .docx, a file of achievements with
    an error row."""
    from ansinh.planning.imports import ACHIEVEMENT_KIND, ACHIEVEMENT_SCHEMA
    from ansinh.planning.models import ReportForm, ReportObligation
    from ansinh.planning.services import documents, org, plan, register, reports, tasks

    u, o = world.users, world.objects
    start = dt.date(2008, 4, 1)
    so = org.org_unit_create(actor=u["provincial"], code="sweep-so", name="Sở LĐ-TBXH", kind="department",
                             valid_from=start, admin_unit=province)
    unit_a = org.org_unit_create(actor=u["provincial"], code="sweep-a", name="Phòng LĐ-TBXH A", kind="district_office",
                                 valid_from=start, parent=so, admin_unit=district)
    unit_c = org.org_unit_create(actor=u["provincial"], code="sweep-c", name="Phòng LĐ-TBXH C", kind="district_office",
                                 valid_from=start, parent=so, admin_unit=district_c)
    period = plan.period_open(actor=u["provincial"], code="2020-H1")
    jobs = plan.indicator_define(actor=u["provincial"], code="sweep_jobs", name="Việc làm", measure_unit="người",
                                 field="labour")
    o["indicator"] = jobs.pk
    o["target_so"] = plan.target_set(actor=u["provincial"], indicator=jobs, unit=so, year=2020, value=100,
                                     reason="SWEEP").pk
    o["target_a"] = plan.target_set(actor=u["provincial"], indicator=jobs, unit=unit_a, year=2020, value=60,
                                    reason="SWEEP").pk
    form = ReportForm.objects.create(code="sweep-bc", name="Báo cáo 6 tháng", period_kind="half")
    form.indicators.set([jobs])
    for unit in (so, unit_a, unit_c):
        ob = ReportObligation.objects.create(form=form, unit=unit, due_days=5, valid_from=start)
        if unit == unit_a:
            o["obligation_a"] = ob.pk
    o["report_form"] = form.pk
    o["unit_a"], o["unit_c"] = unit_a.pk, unit_c.pk
    conclusion = documents.conclusion_create(actor=u["provincial"], title="Kết luận sơ kết", signer_name="Lê Thu Hà",
                                             meeting_date=dt.date(2020, 7, 5), period=period)
    documents.conclusion_item_add(actor=u["provincial"], conclusion=conclusion, section="key", text="Chi trả",
                                  units=[unit_a], task={"code": "SWEEP-KL", "deadline": dt.date(2020, 12, 31)})
    o["conclusion"] = conclusion.pk
    o["report_a"] = reports.report_open(actor=u["district"], form=form, unit=unit_a, period=period,
                                        today=period.end).pk
    o["report_c"] = reports.report_open(actor=u["provincial"], form=form, unit=unit_c, period=period,
                                        today=period.end).pk
    o["task_a"] = tasks.task_create(actor=u["provincial"], year=2020, code="SWEEP-1", title="Nhiệm vụ", owner=unit_a,
                                    assigned_on=dt.date(2020, 1, 15), deadline=dt.date(2020, 6, 30)).pk
    doc = register.document_number_take(actor=u["provincial"], issuer="SLĐTBXH", doc_type="TB",
                                        issued_on=dt.date(2020, 7, 14), summary="Thông báo kết luận")
    doc.docx.save("tb.docx", ContentFile(b"PK\x03\x04"))
    o["document"] = doc.pk
    o["achievement_import"] = _checked(ACHIEVEMENT_KIND, u["provincial"],
                                       _error_csv(tmp / "ket-qua-thuc-hien.csv", ACHIEVEMENT_SCHEMA),
                                       {"period": period}).pk
def _dossiers_and_casework(world: World, tmp, commune_a) -> None:
    """A dossier of commune A with a scan read (a fake reader: no Tesseract here), a loan, the archivist's zip with
    an error row; a petition of commune A received by the handler, an entry of the register of citizen reception;
    an inspection of commune A."""
    import io
    import zipfile

    from django.utils import timezone

    from ansinh.casework.services import inspections, petitions, receptions
    from ansinh.demo.scans import scan_bytes, text_page
    from ansinh.dossiers import services as dossiers
    from ansinh.dossiers.imports import SCAN_ZIP_KIND

    u, o = world.users, world.objects
    d = dossiers.dossier_create(actor=u["archivist"], commune=commune_a, details=dossiers.DossierDetails(
        number="NCC-SWEEP1", category="ncc", matter="Trợ cấp", holder_name="Nguyễn Văn Đức"))
    o["dossier_a"] = d.pk
    scan = SimpleUploadedFile("qd.png", scan_bytes([text_page("x", size=(400, 300))], "png"))
    version = dossiers.scan_add(actor=u["archivist"], dossier=d, title="Quyết định", file=scan, file_name="qd.png")
    dossiers.ocr_run(version_id=version.pk, reader=lambda image: ("Nguyễn Văn Đức thương binh", 90.0))
    o["version_a"], o["document_a"] = version.pk, version.document_id
    today = timezone.localdate()
    o["borrowing_a"] = dossiers.dossier_lend(actor=u["archivist"], dossier=d, borrower="Lê Văn Mượn", borrower_unit="",
                                             purpose="Xét duyệt", borrowed_on=today, due_on=today).pk
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("NCC-KHONGCO.pdf", b"%PDF-1.4 no")
    path = tmp / "ban-quet.zip"
    path.write_bytes(archive.getvalue())
    o["scan_import"] = _checked(SCAN_ZIP_KIND, u["archivist"], path).pk
    o["petition_a"] = petitions.petition_receive(actor=u["handler"], commune=commune_a, details=petitions.PetitionDetails(
        kind="complaint", channel="post", received_on=today, petitioner_name="Trần Thị Mai",
        summary="Khiếu nại")).pk
    o["reception_a"] = receptions.reception_record(
        actor=u["handler"], commune=commune_a, received_by=u["handler"], details=receptions.ReceptionDetails(
            received_at=timezone.now() - dt.timedelta(hours=1), place="Phòng tiếp công dân", session="regular",
            kind="feedback", content="Phản ánh", outcome="guided", outcome_note="Đã hướng dẫn",
            citizens=[receptions.Citizen("Trần Thị Mai")])).pk
    o["inspection_a"] = inspections.inspection_create(
        actor=u["inspector"], commune=commune_a, title="Thanh tra chi trả", decision_number="01/QĐ-TTr",
        decision_date=today, subject="UBND phường", team="Đoàn 1").pk


def _personal_data_protection(world: World) -> None:
    """A data subject's request about person A (to acknowledge) and a breach whose 72-hour clock runs."""
    from django.utils import timezone

    from ansinh.api import protection
    from ansinh.registry.models import Person

    u, o = world.users, world.objects
    o["data_request"] = protection.request_receive(actor=u["admin"], person=Person.objects.get(pk=o["person_a"]), details=protection.RequestDetails(
        kind="provide", channel="post", received_on=timezone.localdate(), requester_name="Nguyễn Văn Hùng",
        details="Xin bản sao dữ liệu")).pk
    o["breach"] = protection.breach_record(actor=u["admin"], details=protection.BreachDetails(
        detected_at=timezone.now(), description="Gửi nhầm tệp", data_affected="Họ tên")).pk


@contextmanager
def _rolled_back() -> Iterator[None]:
    """A transaction (a savepoint when nested) always rolled back. Marked as Django's TestCase marks its own, so
    that the services' ``atomic(durable=True)`` run inside it as they run inside any test."""
    atomic = transaction.atomic()
    atomic._from_testcase = True
    with atomic:
        try:
            yield
        finally:
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction rolled back at the end (as a TestCase class)."""
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), _rolled_back():
        yield _build_world(tmp_path_factory.mktemp("files"))


# ----------------------------------------------------------------------------------- the authorization table
#
# For each page of the project's apps: the objects that fill its path, the method (POST with an empty body for
# the POST-only views, and for the form pages as well), and the status each role gets, derived from the
# permission modules:
#
# * registry (``registry/permissions.py``): readers = officers, district, province, administrator, leader,
#   inspector — never a payment agent; editors = the same without the leader and the inspector; importers = the
#   editors. Every record is scoped to the reader's area (``accounts.permissions.scope_to_area``); an import is
#   seen by its uploader only (``registry.selectors.registry_imports_for_user``).
# * policy (``policy/permissions.py``): readers = the registry's readers; only the administrator proposes and
#   decides (``PARAMETER_MANAGERS``). Parameter changes are not scoped by area.
# * programmes (``programmes/permissions.py``): readers = every role but the payment agent; lists scoped to the
#   area; uploaders = officers, district, province; register importers = officers, district, province. A list
#   file is seen by its uploader, the users covering its commune and the province-wide readers; a register file
#   by the importers covering the uploader's area.
# * payments (``payments/permissions.py``): a batch is seen by the programme readers covering its commune and by
#   its own payment agent (another agent: 404); its results files likewise.
# * matching (``matching/permissions.py``): a pair, or a merge, is seen by a registry reader covering *both*
#   people's communes; a file to match by its uploader only; runs by every registry reader.
#
# The world: commune A (Phường Thành Sen) and commune B (Xã Cẩm Bình) are both of the former Thành phố Hà Tĩnh,
# the district specialist's area; commune C is elsewhere in the province. ``person_a``/``household_a``, ``list_a``
# (group 6, draft, with flags), ``pair_a``, ``merge_a`` and the files of ``officer_a`` are of A; ``list_b`` (group
# 7, posted, with its signed decision), the payment batch of ``agent`` and the register file of ``officer_b`` are
# of B; ``pair_ab`` joins A and B; ``person_c`` and ``pair_c`` are of C. The other roles cover the province.
#
# 404 = the object is not the user's to see (outside the area, not their file, or a role that never reads that
# kind of object): the same answer as for an object that does not exist. 403 = the user sees the object (or the
# page is not about one object) but the role may not use that page. 302 = the POST was taken and answered by a
# redirect with a message (often the service's refusal: a leader cannot resolve a flag, an empty form…).
# 422 = an incomplete form shown again. Anonymous visitors go to the login page (checked for every URL).

READ_ALL = (200, 200, 200, 200, 200, 403, 403, 200, 200, 403)  # every reader's page; no agent's
EDITORS = (200, 200, 200, 200, 403, 403, 403, 403, 200, 403)  # a page of the registry's editors
PLAN_A = (404, 404, 200, 200, 200, 404, 404, 200, 200, 404)  # a page of unit_a (A and B's former district)
PLAN_A_POST = (404, 404, 302, 302, 302, 404, 404, 302, 302, 404)
PLAN_A_404 = (404,) * 10
PLAN_C = (404, 404, 404, 200, 200, 404, 404, 200, 200, 404)  # a page of unit_c (another former district)
PLAN_FORM = (403, 403, 403, 200, 403, 403, 403, 403, 403, 403)  # a definition form: the planners' only
PLAN_FORM_POST = (403, 403, 403, 422, 403, 403, 403, 403, 403, 403)  # sent empty: shown again with its errors
PLAN_READ = (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)  # an object of the department (not of one unit)
PLAN_READ_POST = (403, 403, 403, 422, 403, 404, 404, 403, 403, 404)  # its form, sent empty
PLAN_A_FORM_POST = (404, 404, 403, 422, 403, 404, 404, 403, 403, 404)  # the form of an object of unit_a
D_READ = (200, 200, 200, 200, 200, 403, 403, 200, 200, 403)  # the dossiers' readers
D_KEEP = (403, 403, 200, 200, 403, 403, 403, 403, 403, 403)  # the keepers' pages (archivist, district, province)
D_KEEP_FORM = (403, 403, 422, 422, 403, 403, 403, 403, 403, 403)
D_IN_A = (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)  # an object of commune A
D_WRITE_A = (403, 404, 302, 302, 403, 404, 404, 403, 403, 404)  # a keeper's action on an object of commune A
NOBODY = (404, 404, 404, 404, 404, 404, 404, 404, 404, 404)  # another user's file
ALL_403 = (403, 403, 403, 403, 403, 403, 403, 403, 403, 403)
P_READ = (403, 403, 403, 403, 200, 403, 403, 200, 200, 403)  # petitions: handler, leader, inspector, administrator
P_IN_A = (404, 404, 404, 404, 200, 404, 404, 200, 200, 404)
P_STEP = (404, 404, 404, 404, 302, 404, 404, 302, 302, 404)
I_READ = (403, 403, 200, 200, 200, 403, 403, 200, 200, 403)  # inspections: inspector, ledger keepers, leader, admin
I_IN_A = (404, 404, 200, 200, 200, 404, 404, 200, 200, 404)
I_STEP = (404, 404, 302, 302, 302, 404, 404, 302, 302, 404)
STEPS = ("submit", "appraise", "return", "post", "close", "check", "approve", "resolve_all", "supplement")
PD_READ = (403, 403, 403, 403, 403, 403, 403, 200, 200, 403)  # personal-data protection: inspector, administrator
PD_ADMIN = (403, 403, 403, 403, 403, 403, 403, 403, 200, 403)
PD_ONE = (404, 404, 404, 404, 404, 404, 404, 200, 200, 404)
PD_STEP = (404, 404, 404, 404, 404, 404, 404, 302, 302, 404)

AUTHZ: list[tuple] = [  # (name, path objects, method, statuses of the columns C[, statuses of APP_ROLES])
    # name                          path objects              method  oA   oB  dist prov lead agt  ag2 insp adm oth
    ("login", {}, "GET", (200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("login", {}, "POST", (200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("logout", {}, "POST", (302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("web:home", {}, "GET", (200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # -- registry
    ("registry:person_list", {}, "GET", READ_ALL),
    ("registry:person_list", {}, "POST", READ_ALL),
    ("registry:household_list", {}, "GET", READ_ALL),
    ("registry:household_create", {}, "GET", EDITORS),
    ("registry:household_create", {}, "POST", EDITORS),
    ("registry:import_upload", {}, "GET", EDITORS),
    ("registry:import_upload", {}, "POST", EDITORS),
    ("registry:import_template", {}, "GET", EDITORS),
    ("registry:person_detail", {"pk": "person_a"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("registry:person_detail", {"pk": "person_c"}, "GET", (404, 404, 404, 200, 200, 404, 404, 200, 200, 404)),
    ("registry:person_edit", {"pk": "person_a"}, "GET", (200, 404, 200, 200, 403, 404, 404, 403, 200, 404)),
    ("registry:person_edit", {"pk": "person_a"}, "POST", (200, 404, 200, 200, 403, 404, 404, 403, 200, 404)),
    ("registry:person_death", {"pk": "person_a"}, "POST", (302, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("registry:household_detail", {"pk": "household_a"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("registry:household_add_member", {"pk": "household_a"}, "POST", (422, 404, 422, 422, 403, 404, 404, 403, 422, 404)),
    ("registry:household_remove_member", {"pk": "household_a"}, "POST",
     (302, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("registry:household_change_head", {"pk": "household_a"}, "POST", (302, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("registry:household_move", {"pk": "household_a"}, "POST", (422, 404, 422, 422, 403, 404, 404, 403, 422, 404)),
    ("registry:import_detail", {"pk": "registry_import"}, "GET", (200, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("registry:import_commit", {"pk": "registry_import"}, "POST", (302, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("registry:import_error_report", {"pk": "registry_import"}, "GET",
     (200, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    # -- policy
    ("policy:parameter_list", {}, "GET", READ_ALL),
    ("policy:change_propose", {}, "GET", (403, 403, 403, 403, 403, 403, 403, 403, 200, 403)),
    ("policy:change_propose", {}, "POST", (403, 403, 403, 403, 403, 403, 403, 403, 200, 403)),
    ("policy:change_queue", {}, "GET", READ_ALL),
    ("policy:explain", {}, "GET", READ_ALL),
    ("policy:change_approve", {"pk": "change"}, "POST", (403, 403, 403, 403, 403, 404, 404, 403, 302, 404)),
    ("policy:change_reject", {"pk": "change"}, "POST", (403, 403, 403, 403, 403, 404, 404, 403, 302, 404)),
    ("policy:change_withdraw", {"pk": "change"}, "POST", (403, 403, 403, 403, 403, 404, 404, 403, 302, 404)),
    # -- programmes
    ("programmes:programme_list", {}, "GET", READ_ALL),
    ("programmes:register_import_upload", {}, "GET", (200, 200, 200, 200, 403, 403, 403, 403, 403, 403)),
    ("programmes:register_import_upload", {}, "POST", (200, 200, 200, 200, 403, 403, 403, 403, 403, 403)),
    # the designer: provincial specialists write, leaders approve or return; everyone else a 404
    ("programmes:design_list", {}, "GET", (404, 404, 404, 200, 200, 404, 404, 404, 404, 404)),
    ("programmes:design_create", {}, "GET", (404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    ("programmes:design_create", {}, "POST", (404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    *[("programmes:design_row", {"kind": kind}, "GET", (404, 404, 404, 200, 404, 404, 404, 404, 404, 404))
      for kind in ("nhom", "nguon")],
    ("programmes:design_detail", {"pk": "design"}, "GET", (404, 404, 404, 200, 200, 404, 404, 404, 404, 404)),
    ("programmes:design_detail", {"pk": "design"}, "POST", (404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    *[("programmes:design_step", {"pk": "design", "step": step}, "POST",
       (404, 404, 404, 302, 302, 404, 404, 404, 404, 404)) for step in ("approve", "return")],
    ("programmes:design_step", {"pk": "design", "step": "khong-co"}, "POST",
     (404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("programmes:programme_detail", {"pk": "programme"}, "GET", (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("programmes:programme_generate", {"pk": "programme"}, "POST", (302, 302, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("programmes:upload_start", {"pk": "programme"}, "GET", (200, 200, 200, 200, 403, 404, 404, 403, 403, 404)),
    ("programmes:upload_start", {"pk": "programme"}, "POST", (200, 200, 200, 200, 403, 404, 404, 403, 403, 404)),
    ("programmes:upload_template", {"pk": "group_2"}, "GET", (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("programmes:list_detail", {"pk": "list_a"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("programmes:list_detail", {"pk": "list_b"}, "GET", (404, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("programmes:list_export", {"pk": "list_a"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("programmes:list_decision_pdf", {"pk": "list_b"}, "GET", (404, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    *[("programmes:list_step", {"pk": "list_a", "step": step}, "POST", (302, 404, 302, 302, 302, 404, 404, 302, 302, 404))
      for step in STEPS],
    ("programmes:list_step", {"pk": "list_b", "step": "khong-co"}, "POST",
     (404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("programmes:flag_resolve", {"pk": "flag_a"}, "POST", (302, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("programmes:upload_detail", {"pk": "list_upload"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("programmes:upload_commit", {"pk": "list_upload"}, "POST", (302, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("programmes:upload_report", {"pk": "list_upload"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("programmes:register_import_detail", {"pk": "register_import"}, "GET",
     (404, 200, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("programmes:register_import_commit", {"pk": "register_import"}, "POST",
     (404, 302, 302, 302, 404, 404, 404, 404, 404, 404)),
    ("programmes:register_import_report", {"pk": "register_import"}, "GET",
     (404, 200, 200, 200, 404, 404, 404, 404, 404, 404)),
    # -- payments
    ("payments:batch_list", {}, "GET", (200, 200, 200, 200, 200, 200, 200, 200, 200, 403)),
    ("payments:batch_create", {"list_pk": "list_b"}, "POST", (404, 302, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("payments:batch_detail", {"pk": "batch"}, "GET", (404, 200, 200, 200, 200, 200, 404, 200, 200, 404)),
    ("payments:batch_export", {"pk": "batch"}, "GET", (404, 200, 200, 200, 200, 200, 404, 200, 200, 404)),
    ("payments:results_upload", {"pk": "batch"}, "POST", (404, 302, 302, 302, 302, 302, 404, 302, 302, 404)),
    ("payments:batch_reconcile", {"pk": "batch"}, "POST", (404, 302, 302, 302, 302, 302, 404, 302, 302, 404)),
    ("payments:results_detail", {"pk": "result_import"}, "GET", (404, 200, 200, 200, 200, 200, 404, 200, 200, 404)),
    ("payments:results_commit", {"pk": "result_import"}, "POST", (404, 302, 302, 302, 302, 302, 404, 302, 302, 404)),
    ("payments:results_report", {"pk": "result_import"}, "GET", (404, 200, 200, 200, 200, 200, 404, 200, 200, 404)),
    ("payments:reconciliation", {"pk": "programme"}, "GET", (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("payments:reconciliation_xlsx", {"pk": "programme"}, "GET", (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    # -- matching
    ("matching:pair_list", {}, "GET", READ_ALL),
    ("matching:duplicate_check", {}, "POST", READ_ALL),
    ("matching:merge_list", {}, "GET", READ_ALL),
    ("matching:run_start", {}, "POST", (302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("matching:settings", {}, "GET", (403, 403, 403, 200, 403, 403, 403, 403, 200, 403)),
    ("matching:settings", {}, "POST", (403, 403, 403, 200, 403, 403, 403, 403, 200, 403)),
    ("matching:file_upload", {}, "GET", EDITORS),
    ("matching:file_upload", {}, "POST", EDITORS),
    ("matching:pair_detail", {"pk": "pair_a"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("matching:pair_detail", {"pk": "pair_ab"}, "GET", (404, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("matching:pair_detail", {"pk": "pair_c"}, "GET", (404, 404, 404, 200, 200, 404, 404, 200, 200, 404)),
    ("matching:pair_merge", {"pk": "pair_a"}, "POST", (302, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("matching:pair_merge", {"pk": "pair_c"}, "POST", (404, 404, 404, 302, 302, 404, 404, 302, 302, 404)),
    ("matching:pair_different", {"pk": "pair_ab"}, "POST", (404, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("matching:merge_detail", {"pk": "merge_a"}, "GET", (200, 404, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("matching:merge_undo", {"pk": "merge_a"}, "POST", (302, 404, 302, 302, 302, 404, 404, 302, 302, 404)),
    ("matching:run_status", {"pk": "run"}, "GET", (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("matching:file_detail", {"pk": "file_match"}, "GET", (200, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("matching:file_commit", {"pk": "file_match"}, "POST", (302, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("matching:file_report", {"pk": "file_match"}, "GET", (200, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("matching:file_download", {"pk": "file_match"}, "GET", (200, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    # -- planning (``planning/permissions.py``): readers = the registry's readers; a unit (its reports, tasks) is
    # seen by the users whose area covers the unit's area (``unit_a``: the former district of A and B; ``unit_c``:
    # C's) and by the province-wide readers; only provincial specialists plan and import; documents are the
    # department's (every reader). POSTs answer with a redirect and the service's message (a refusal included).
    ("planning:dashboard", {}, "GET", READ_ALL),
    ("planning:unit_tree", {}, "GET", READ_ALL),
    ("planning:unit_detail", {"pk": "unit_a"}, "GET", PLAN_A),
    ("planning:unit_detail", {"pk": "unit_c"}, "GET", PLAN_C),
    ("planning:tracking", {}, "GET", READ_ALL),
    ("planning:report_open", {}, "POST", (302, 302, 302, 302, 302, 403, 403, 302, 302, 403)),
    ("planning:report_detail", {"pk": "report_a"}, "GET", PLAN_A),
    ("planning:report_detail", {"pk": "report_a"}, "POST", PLAN_A_POST),
    ("planning:report_detail", {"pk": "report_c"}, "GET", PLAN_C),
    *[("planning:report_step", {"pk": "report_a", "step": step}, "POST", PLAN_A_POST)
      for step in ("gui", "chap-nhan", "tra-lai", "mo-khoa")],
    ("planning:report_step", {"pk": "report_a", "step": "khong-co"}, "POST", PLAN_A_404),
    # the definition pages: read by every reader (a target or an obligation of a unit by those covering it); the
    # forms are the planners' (403 for every other role that sees the page or the object)
    ("planning:indicator_list", {}, "GET", READ_ALL),
    ("planning:indicator_create", {}, "GET", PLAN_FORM),
    ("planning:indicator_create", {}, "POST", PLAN_FORM_POST),
    ("planning:indicator_detail", {"pk": "indicator"}, "GET", PLAN_READ),
    ("planning:target_list", {}, "GET", READ_ALL),
    ("planning:target_create", {}, "GET", PLAN_FORM),
    ("planning:target_create", {}, "POST", PLAN_FORM_POST),
    ("planning:target_detail", {"pk": "target_a"}, "GET", PLAN_A),
    ("planning:target_detail", {"pk": "target_a"}, "POST", PLAN_A_FORM_POST),
    ("planning:target_detail", {"pk": "target_so"}, "GET", PLAN_C),
    ("planning:report_form_list", {}, "GET", READ_ALL),
    ("planning:report_form_create", {}, "GET", PLAN_FORM),
    ("planning:report_form_create", {}, "POST", PLAN_FORM_POST),
    ("planning:report_form_detail", {"pk": "report_form"}, "GET", PLAN_READ),
    ("planning:report_form_detail", {"pk": "report_form"}, "POST", PLAN_READ_POST),
    ("planning:obligation_end", {"pk": "obligation_a"}, "POST", (404, 404, 403, 302, 403, 404, 404, 403, 403, 404)),
    ("planning:task_create", {}, "GET", PLAN_FORM),
    ("planning:task_create", {}, "POST", PLAN_FORM_POST),
    ("planning:conclusion_list", {}, "GET", READ_ALL),
    ("planning:conclusion_create", {}, "GET", PLAN_FORM),
    ("planning:conclusion_create", {}, "POST", PLAN_FORM_POST),
    ("planning:conclusion_detail", {"pk": "conclusion"}, "GET", PLAN_READ),
    ("planning:conclusion_detail", {"pk": "conclusion"}, "POST", PLAN_READ_POST),
    ("planning:conclusion_issue", {"pk": "conclusion"}, "POST", (403, 403, 403, 302, 403, 404, 404, 403, 403, 404)),
    # correcting what was defined: the planners' forms (403 for every other reader of the object); the world's
    # conclusion paragraph has no key of its own here, so the paragraph pages are reached with an id that is not one
    # of the conclusion's (the planner's 404; tests/planning/test_editing_pages.py goes through them)
    ("planning:indicator_edit", {"pk": "indicator"}, "GET", (403, 403, 403, 200, 403, 404, 404, 403, 403, 404)),
    ("planning:indicator_edit", {"pk": "indicator"}, "POST", PLAN_READ_POST),
    ("planning:task_edit", {"pk": "task_a"}, "GET", (404, 404, 403, 200, 403, 404, 404, 403, 403, 404)),
    ("planning:task_edit", {"pk": "task_a"}, "POST", PLAN_A_FORM_POST),
    *[(f"planning:conclusion_item_{name}", {"pk": "conclusion", "item": MISSING_ID}, method,
       (403, 403, 403, 404, 403, 404, 404, 403, 403, 404))
      for name, method in (("edit", "GET"), ("edit", "POST"), ("remove", "GET"), ("remove", "POST"), ("up", "POST"),
                           ("down", "POST"))],
    ("planning:task_list", {}, "GET", READ_ALL),
    ("planning:task_detail", {"pk": "task_a"}, "GET", PLAN_A),
    ("planning:task_detail", {"pk": "task_a"}, "POST", PLAN_A_POST),
    ("planning:document_list", {}, "GET", READ_ALL),
    ("planning:incoming_list", {}, "GET", READ_ALL),
    ("planning:incoming_create", {}, "GET", PLAN_FORM),
    ("planning:incoming_create", {}, "POST", PLAN_FORM_POST),
    ("planning:document_detail", {"pk": "document"}, "GET", (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("planning:document_file", {"pk": "document", "fmt": "docx"}, "GET",
     (200, 200, 200, 200, 200, 404, 404, 200, 200, 404)),
    ("planning:document_file", {"pk": "document", "fmt": "pdf"}, "GET", (404,) * 10),
    ("planning:import_upload", {}, "GET", (403, 403, 403, 200, 403, 403, 403, 403, 403, 403)),
    ("planning:import_upload", {}, "POST", (403, 403, 403, 200, 403, 403, 403, 403, 403, 403)),
    ("planning:import_detail", {"pk": "achievement_import"}, "GET", (404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    ("planning:import_report", {"pk": "achievement_import"}, "GET", (404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    # after the report: the POST's «map» round checks the file again and replaces its report file (rolled back in
    # the database, not on disk)
    ("planning:import_commit", {"pk": "achievement_import"}, "POST",
     (404, 404, 404, 302, 404, 404, 404, 404, 404, 404)),
    # -- dossiers (``dossiers/permissions.py``): readers = officers, district, province, leader, inspector,
    # administrator and the archivist — never an agent; keepers (write, import, check) = archivist, district,
    # province. A dossier (and its scans, pages, loans) is seen inside its commune's area; a zip by its uploader.
    ("dossiers:dossier_list", {}, "GET", D_READ, {"archivist": 200}),
    ("dossiers:search", {}, "GET", D_READ, {"archivist": 200}),
    ("dossiers:campaign", {}, "GET", D_READ, {"archivist": 200}),
    ("dossiers:dossier_create", {}, "GET", D_KEEP, {"archivist": 200}),
    ("dossiers:dossier_create", {}, "POST", D_KEEP_FORM, {"archivist": 422}),
    ("dossiers:dossier_detail", {"pk": "dossier_a"}, "GET", D_IN_A, {"archivist": 200}),
    ("dossiers:version_file", {"pk": "version_a"}, "GET", D_IN_A, {"archivist": 200}),
    ("dossiers:page_view", {"pk": "version_a", "number": 1}, "GET", D_IN_A, {"archivist": 200}),
    ("dossiers:page_image", {"pk": "version_a", "number": 1}, "GET", D_IN_A, {"archivist": 200}),
    *[(f"dossiers:{name}", {"pk": obj}, "POST", D_WRITE_A, {"archivist": 302}) for name, obj in (
        ("dossier_move", "dossier_a"), ("dossier_lend", "dossier_a"), ("scan_add", "dossier_a"),
        ("dossier_confirm", "dossier_a"), ("borrowing_return", "borrowing_a"), ("scan_replace", "document_a"),
        ("ocr_retry", "version_a"))],
    ("dossiers:import_upload", {}, "GET", D_KEEP, {"archivist": 200}),
    ("dossiers:import_upload", {}, "POST", D_KEEP_FORM, {"archivist": 422}),
    ("dossiers:import_detail", {"pk": "scan_import"}, "GET", NOBODY, {"archivist": 200}),
    ("dossiers:import_commit", {"pk": "scan_import"}, "POST", NOBODY, {"archivist": 302}),
    ("dossiers:import_report", {"pk": "scan_import"}, "GET", NOBODY, {"archivist": 200}),
    # -- casework (``casework/permissions.py``): petitions read by the handler, leader, inspector, administrator;
    # received by the handler only; a step answered by a redirect (the service or the form refuses). Inspections
    # read by the inspector, the payroll's ledger keepers (district, province), leader, administrator; recorded by
    # the inspector. Both scoped to commune A's area.
    ("casework:petition_list", {}, "GET", P_READ, {"handler": 200}),
    ("casework:petition_report", {}, "GET", P_READ, {"handler": 200}),
    ("casework:petition_create", {}, "GET", ALL_403, {"handler": 200}),
    ("casework:petition_create", {}, "POST", ALL_403, {"handler": 422}),
    ("casework:petition_detail", {"pk": "petition_a"}, "GET", P_IN_A, {"handler": 200}),
    ("casework:petition_step", {"pk": "petition_a", "step": "accept"}, "POST", P_STEP, {"handler": 302}),
    # the register of citizen reception: read like the petitions, written by the handler
    ("casework:reception_list", {}, "GET", P_READ, {"handler": 200}),
    ("casework:reception_create", {}, "GET", ALL_403, {"handler": 200}),
    ("casework:reception_create", {}, "POST", ALL_403, {"handler": 422}),
    ("casework:reception_detail", {"pk": "reception_a"}, "GET", P_IN_A, {"handler": 200}),
    ("casework:inspection_list", {}, "GET", I_READ),
    ("casework:recovery_followup", {}, "GET", I_READ),
    ("casework:inspection_create", {}, "GET", (403, 403, 403, 403, 403, 403, 403, 200, 403, 403)),
    ("casework:inspection_create", {}, "POST", (403, 403, 403, 403, 403, 403, 403, 422, 403, 403)),
    ("casework:inspection_detail", {"pk": "inspection_a"}, "GET", I_IN_A),
    *[(f"casework:{name}", {"pk": "inspection_a"}, "POST", I_STEP) for name in (
        "demand_add", "inspection_conclude", "inspection_to_ledger")],
    # -- personal-data protection (``api/permissions.py``): the access log read by the administrator and the
    # inspector; the export of one person's data by the administrator; the registers of requests and breaches kept
    # by the administrator and read by the inspector (a step he may not take answers with a redirect and a message).
    # Province-wide registers: anyone else a 403 on the lists, a 404 on a request or a breach.
    ("api_pages:access_log", {}, "GET", PD_READ),
    ("api_pages:access_log", {}, "POST", PD_READ),
    ("api_pages:person_data", {}, "GET", PD_ADMIN),
    ("api_pages:person_data", {}, "POST", (403, 403, 403, 403, 403, 403, 403, 403, 422, 403)),
    ("api_pages:request_list", {}, "GET", PD_READ),
    ("api_pages:request_list", {}, "POST", (403, 403, 403, 403, 403, 403, 403, 403, 422, 403)),
    ("api_pages:request_detail", {"pk": "data_request"}, "GET", PD_ONE),
    *[("api_pages:request_step", {"pk": "data_request", "step": step}, "POST", PD_STEP)
      for step in ("phan-hoi", "tra-loi", "tu-choi")],
    ("api_pages:request_step", {"pk": "data_request", "step": "khong-co"}, "POST", (404,) * 10),
    ("api_pages:breach_list", {}, "GET", PD_READ),
    ("api_pages:breach_list", {}, "POST", (403, 403, 403, 403, 403, 403, 403, 403, 422, 403)),
    ("api_pages:breach_detail", {"pk": "breach"}, "GET", PD_ONE),
    *[("api_pages:breach_step", {"pk": "breach", "step": step}, "POST", PD_STEP) for step in ("thong-bao", "ket-thuc")],
    ("api_pages:breach_step", {"pk": "breach", "step": "khong-co"}, "POST", (404,) * 10),
]


# ------------------------------------------------------------------------------------------- the URL patterns

@dataclass(frozen=True)
class Pattern:
    route: str  # the whole pattern, prefixes included
    name: str | None  # namespaced ("registry:person_detail"); None for an unnamed pattern
    converters: dict  # {parameter: converter} of a path() pattern
    regex: bool  # a re_path() pattern (the admin has two)
    app: str  # the first namespace ("registry", "admin"…), "" at the top level


def url_patterns(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    """Every pattern of the project, with its prefix and namespace."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Pattern(route=prefix + str(entry.pattern), name=f"{namespace}{entry.name}" if entry.name else None,
                          converters=dict(getattr(entry.pattern, "converters", {})),
                          regex=not isinstance(entry.pattern, RoutePattern), app=namespace.split(":")[0])


def _fill(pattern: Pattern, values: dict[str, object]) -> str:
    """The path of ``pattern`` with each converter (or regex group) replaced by ``values[parameter]``."""
    if pattern.regex:
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]),
                       pattern.route.replace("^", "").replace("$", ""))
    else:
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern.route)
    return "/" + route


@dataclass
class Target:
    app: str  # the sweep is reported per app
    label: str  # the pattern's name and what filled it
    method: str  # GET or POST; "?" = GET, or POST when the view answers GET with a 405
    path: str
    expected: dict[str, int] | None = None  # role -> status of the plain request
    hostile: bool = True  # send the hostile rounds too
    ends_session: bool = False  # a logout: sent from a client of its own
    admin: bool = False
    roles: tuple[str, ...] = tuple(ROLES)


def targets(world: World) -> list[Target]:
    """Every URL pattern of the project, filled with existing objects, a missing id and a huge id."""
    rows: dict[str, list] = {}
    for row in AUTHZ:
        rows.setdefault(row[0], []).append(row)
    out: list[Target] = []
    for pattern in url_patterns():
        app = _group(pattern.app)
        if pattern.app == "admin":
            out.extend(_admin_targets(pattern, world))
            continue
        if pattern.app == "api":
            out.append(_api_target(pattern))
            continue
        ints = [p for p, conv in pattern.converters.items() if type(conv).__name__ == "IntConverter"]
        if pattern.name not in rows:  # an app being built: no row yet, still swept
            values = {p: MISSING_ID if p in ints else "khong-co" for p in pattern.converters}
            out.append(Target(app, pattern.name or pattern.route, "?", _fill(pattern, values)))
            continue
        for row in rows[pattern.name]:
            name, objects, method, codes = row[:4]
            extra = row[4] if len(row) > 4 else {}
            values = {p: world.objects.get(v, v) for p, v in objects.items()}
            shown = ", ".join(f"{p}={v}" for p, v in objects.items())
            expected = dict(zip(C, codes, strict=True)) | {r: extra.get(r, codes[-1]) for r in APP_ROLES}
            out.append(Target(app, f"{name} {method}" + (f" [{shown}]" if shown else ""), method,
                              reverse(name, kwargs=values), expected, ends_session=name.endswith("logout")))
        name, objects, method, _ = rows[pattern.name][0][:4]
        for missing, word in ((MISSING_ID, "missing"), (HUGE_ID, "huge")) if ints else ():
            values = {p: missing if p in ints else world.objects.get(v, v) for p, v in objects.items()}
            out.append(Target(app, f"{name} {method} [{word} id]", method, _fill(pattern, values),
                              dict.fromkeys([*C, *APP_ROLES], 404), hostile=False))
    return out


def _api_target(pattern: Pattern) -> Target:
    values = dict.fromkeys(pattern.converters, MISSING_ID)
    status = 200 if pattern.name in API_PUBLIC else 404 if pattern.name == "api:api-root" else 401
    return Target("api", pattern.name or pattern.route, "?", _fill(pattern, values),
                  dict.fromkeys([*C, *APP_ROLES], status))


def _admin_object(name: str):
    """The newest object of the model an admin URL is about ("admin:geo_adminunit_change" → an AdminUnit)."""
    for model in admin_site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model._default_manager.order_by("-pk").first()
    return None


def _selects_every_unit(name: str) -> bool:
    """An add or change form of the admin that renders a ``<select>`` of every administrative unit (≈ 12.500
    options, a second or two per page): Django's own widget, nothing of the project's to sweep. The superuser
    skips those two pages; every other role is still sent to the admin's login from them."""
    if not name.endswith(("_add", "_change")):
        return False
    for model, model_admin in admin_site._registry.items():
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            plain = {*model_admin.raw_id_fields, *model_admin.autocomplete_fields, *model_admin.readonly_fields}
            return any(f.many_to_one and f.related_model is AdminUnit and f.editable and f.name not in plain
                       for f in model._meta.get_fields())
    return False


def _admin_targets(pattern: Pattern, world: World) -> list[Target]:
    """The Django admin, GET only (its POSTs are Django's own add, change and delete forms), logout excepted."""
    label, name = pattern.name or pattern.route, pattern.name or ""
    everyone_but_the_superuser = tuple(r for r in ROLES if r != "admin")
    if pattern.regex:  # the app index and the catch-all
        return [Target("admin", label, "GET", _fill(pattern, {"app_label": "geo", "url": "khong-co/"}),
                       hostile=False, admin=True)]
    if not pattern.converters:
        ends = name.endswith("logout")
        return [Target("admin", label, "POST" if ends else "GET", _fill(pattern, {}), ends_session=ends,
                       hostile=name.endswith("_changelist"), admin=True,
                       roles=everyone_but_the_superuser if _selects_every_unit(name) else tuple(ROLES))]
    if name == "admin:view_on_site":
        from django.contrib.contenttypes.models import ContentType

        existing = {"content_type_id": ContentType.objects.get_for_model(User).pk,
                    "object_id": world.users["officer_a"].pk}
    elif name == "admin:auth_user_password_change" or "/accounts/user/" in pattern.route:
        existing = dict.fromkeys(pattern.converters, world.users["officer_a"].pk)
    else:
        obj = _admin_object(name) if name else None
        if obj is None and not name:  # the unnamed «<object_id>/» pattern: the model from its route
            for model in admin_site._registry:
                if f"/{model._meta.app_label}/{model._meta.model_name}/" in pattern.route:
                    obj = model._default_manager.order_by("-pk").first()
        existing = dict.fromkeys(pattern.converters, obj.pk) if obj is not None else None
    out = [Target("admin", f"{label} [existing]", "GET", _fill(pattern, existing), hostile=False, admin=True,
                  roles=everyone_but_the_superuser if _selects_every_unit(name) else tuple(ROLES))
           ] if existing else []
    # the other roles are sent to the admin's login before any object is read: once per pattern is enough
    out += [Target("admin", f"{label} [{word} id]", "GET", _fill(pattern, dict.fromkeys(pattern.converters, value)),
                   hostile=False, admin=True, roles=("admin",) if out or word == "huge" else tuple(ROLES))
            for value, word in ((MISSING_ID, "missing"), (HUGE_ID, "huge"))]
    return out


# -------------------------------------------------------------------------------------------------- the sweep

def _column(role: str) -> str:
    return "other" if role.startswith("other:") else role


def _page(response) -> str:
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode(errors="replace")


class Sweep:
    """A signed-in client per role; each request in a savepoint rolled back; the failures collected."""

    def __init__(self, world: World):
        self.world = world
        self.clients = {role: self._client(role) for role in ROLES}
        self.failures: list[str] = []
        self.sent = 0

    def _client(self, role: str) -> Client:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(self.world.users[role])
        return client

    def send(self, role: str, target: Target, method: str, queries: list[str] = (), *, round_no: int = -1):
        client = self._client(role) if target.ends_session else self.clients[role]
        query = "&".join(queries)
        url = target.path + (f"?{query}" if query else "")
        headers = {"HX-Request": "true"} if round_no % 2 == 0 else {}
        with _rolled_back():
            if method == "POST":
                response = client.post(url, _body(round_no, queries) if queries else {}, headers=headers)
            else:
                response = client.get(url, headers=headers)
            page = _page(response)
            if response.streaming:  # read the file to the end: the test client then closes it (and the handle)
                b"".join(response.streaming_content)
        self.sent += 1
        return response, page

    def problems(self, response, page: str) -> list[str]:
        """What is wrong with a response whatever the page: a server error, a parameter reflected unescaped, a
        redirect off the site."""
        found = []
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            found.append(f"{response.status_code} ({exc[0].__name__}: {str(exc[1])[:200]})" if exc else
                         f"{response.status_code}")
        if SCRIPT in page or "<x>" in page:
            found.append(f"{response.status_code} with a parameter reflected unescaped")
        location = response.get("Location", "")
        if location and urlsplit(location).netloc not in ("", "testserver"):
            found.append(f"{response.status_code}, redirects off the site: {location}")
        if "root:x:0:0" in page:
            found.append("served a system file")
        return found

    def fail(self, role: str, method: str, target: Target, queries: list[str], why: str) -> None:
        query = "&".join(queries)
        shown = f"?{query[:100]}{'…' if len(query) > 100 else ''}" if query else ""
        self.failures.append(f"{method} {target.path}{shown} as {role} ({target.label}): {why}")

    def plain(self, role: str, target: Target, method: str) -> int | None:
        """The request without parameters, against the table; its status (None when it failed outright)."""
        response, page = self.send(role, target, method)
        problems = self.problems(response, page)
        for why in problems:
            self.fail(role, method, target, [], why)
        status = response.status_code
        if problems:
            return None
        if role == "anonymous":
            self._check_anonymous(target, method, response)
        elif target.expected is not None and status != target.expected[_column(role)]:
            self.fail(role, method, target, [], f"{status}, the table says {target.expected[_column(role)]}")
        elif (target.admin and role != "admin" and not target.label.startswith(("admin:login", "admin:logout"))
              and (status != 302 or "/quan-tri/login/" not in response.get("Location", ""))):
            self.fail(role, method, target, [], f"{status}, not the admin's login for a non-staff user")
        return status

    def _check_anonymous(self, target: Target, method: str, response) -> None:
        status, location = response.status_code, response.get("Location", "")
        if target.label.startswith(("login ", "admin:login", "admin:logout")):
            return
        if target.app == "api":  # a key, not a session: the JSON answer of the table, never the login page
            json_answer = response.get("Content-Type", "").startswith("application/json")
            if status != target.expected[C[0]] or not (json_answer or target.label == "api:openapi-view"):
                self.fail("anonymous", method, target, [], f"{status} {response.get('Content-Type')}: not the API's "
                                                           "JSON answer")
            return
        login = "/quan-tri/login/" if target.admin else "/dang-nhap/"
        if status != 302 or not location.startswith(login):
            self.fail("anonymous", method, target, [], f"{status} {location}: not sent to the login page")

    def hostile(self, role: str, target: Target, method: str, plain_status: int, picks) -> None:
        """The rounds ``picks``; a round that fails (or answers otherwise than the plain page) is sent again query
        by query."""
        for round_no in picks:
            queries = ROUNDS[round_no]
            response, page = self.send(role, target, method, queries, round_no=round_no)
            if self._round_ok(response, page, target, method, plain_status):
                continue
            named = False
            for query in queries:
                single, single_page = self.send(role, target, method, [query], round_no=round_no)
                for why in self._why(single, single_page, target, method, plain_status):
                    self.fail(role, method, target, [query], why)
                    named = True
            if not named:
                for why in self._why(response, page, target, method, plain_status):
                    self.fail(role, method, target, queries, why)

    def _why(self, response, page: str, target: Target, method: str, plain_status: int) -> list[str]:
        found = self.problems(response, page)
        # A GET of the project's pages answers as without the parameters (a clean page), or with a 404. (A POST
        # carries hostile form fields, which may change the answer; the admin redirects unknown filters.)
        if (not found and method == "GET" and not target.admin
                and response.status_code not in (plain_status, 404)):
            found.append(f"{response.status_code}, {plain_status} without the parameters")
        return found

    def _round_ok(self, response, page, target, method, plain_status) -> bool:
        return not self._why(response, page, target, method, plain_status)

    def method_of(self, target: Target) -> str:
        if target.method != "?":
            return target.method
        response, _ = self.send("admin", target, "GET")
        return "POST" if response.status_code == 405 else "GET"

    def run(self, target: Target) -> None:
        """Every role: the plain request, then the rounds. The roles the page serves share the rounds: each gets
        two, in turn, so that every round reaches the page (from two roles or more when four are served; a page
        served to one role only gets every round from it). A role it refuses (403, 404, the login redirect) was answered before the
        view read any parameter: it gets one round, a different one for each role, so that every round also
        reaches the page from the refused side. On the pages of the apps being built («others»: no table row, no
        object of theirs in the world) each role served gets one round in turn."""
        method = self.method_of(target)
        answered = [(i, role, status) for i, role in enumerate(target.roles)
                    if (status := self.plain(role, target, method)) is not None]
        if not target.hostile:
            return
        served = [(i, role, status) for i, role, status in answered
                  if not (status in (403, 404) or role == "anonymous")]
        per_role = 1 if target.app == "others" else (len(ROUNDS) if len(served) < 2 else 2)
        for i, role, status in answered:
            if (i, role, status) in served:
                k = served.index((i, role, status))
                picks = [(k * per_role + j) % len(ROUNDS) for j in range(per_role)]
            else:
                picks = [] if target.app == "others" else [i % len(ROUNDS)]
            self.hostile(role, target, method, status, picks)


@pytest.fixture
def quiet_request_log():
    """Thousands of refused requests: Django would log each 404 and 403 (and the traceback of a 500, which the
    report names already)."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _report(failures: list[str], sent: int) -> str:
    shown = "\n  ".join(failures[:150])
    more = f"\n  … and {len(failures) - 150} more" if len(failures) > 150 else ""
    return f"{len(failures)} failure(s) in {sent} requests:\n  {shown}{more}"


# -------------------------------------------------------------------------------------------------- the tests

def test_every_url_pattern_has_its_row(world):
    """Every pattern of the project's apps is in the authorization table, no row is stale, and every pattern
    (the admin's included) is swept."""
    patterns = list(url_patterns())
    rows = {row[0] for row in AUTHZ}
    own = [p for p in patterns if p.app in OWN_APPS or (p.app == "" and p.name)]
    assert [p.route for p in own if p.name not in rows] == []
    assert sorted(rows - {p.name for p in patterns}) == []
    swept = targets(world)
    assert {t.app for t in swept} <= set(GROUPS)
    covered = {resolve(t.path).route for t in swept}  # (Django drops a regex's «^» when it joins routes)
    assert [p.route for p in patterns if p.route.replace("^", "") not in covered] == []  # every pattern reached
    assert len(ROUNDS) == 4 and sorted(q for r in ROUNDS for q in r) == sorted(HOSTILE_QUERIES)


def test_other_roles_hold_no_right_here():
    """The roles without a column of their own are in none of the role sets of the apps swept here (the day one
    gets a right, it needs its own column in AUTHZ)."""
    import importlib

    others = {name.split(":", 1)[1] for name in OTHER_ROLES}
    granted = []
    modules = {"api_pages": "api"}  # the pages' namespace and the app that holds them
    for app in ("accounts.models", *(f"{modules.get(a, a)}.permissions" for a in OWN_APPS if a != "web")):
        module = importlib.import_module(f"ansinh.{app}")
        granted += [f"{app}.{name}: {sorted(others & value)}" for name, value in vars(module).items()
                    if isinstance(value, frozenset) and others & value]
    assert granted == []


@pytest.mark.parametrize("app", GROUPS)
def test_every_url_as_every_role_with_hostile_parameters(world, quiet_request_log, app):
    """No 500, nothing reflected unescaped, no redirect off the site; the authorization table holds; a missing
    object is a 404 for everyone."""
    swept = [t for t in targets(world) if t.app == app]
    if not swept:
        pytest.skip(f"no URL of {app} yet")
    sweep = Sweep(world)
    for target in swept:
        sweep.run(target)
    assert sweep.failures == [], _report(sweep.failures, sweep.sent)


def test_login_never_redirects_off_the_site(world):
    """``?next=//evil.example`` on the login form (and the logout): the user lands on the site."""
    client = Client()
    user = world.users["officer_a"]
    with _rolled_back():
        response = client.post("/dang-nhap/?next=//evil.example", {"username": user.username,
                                                                     "password": "mat-khau-thu-2026",
                                                                     "next": "//evil.example"})
        assert response.status_code == 302 and urlsplit(response["Location"]).netloc in ("", "testserver")
        response = client.post("/dang-xuat/", {"next": "//evil.example"})
        assert response.status_code == 302 and urlsplit(response["Location"]).netloc in ("", "testserver")


def test_text_typed_in_a_text_area_reaches_the_database_without_control_characters(world):
    """The sweep's empty and hostile bodies are refused before anything is stored; here each free-text field that
    is stored gets a complete, valid form whose text carries a NUL byte (PostgreSQL refuses it in any text column:
    a 500) and a Windows line break: stored without the NUL, the line break of a text area kept."""
    from ansinh.policy.models import ParameterChange
    from ansinh.programmes.models import BeneficiaryList, RowFlag
    from ansinh.programmes.services import workflow
    from ansinh.registry.models import RegistryImport

    typed, stored = "Đã xác minh\x00 tại hộ,\r\nđủ điều kiện", "Đã xác minh tại hộ,\nđủ điều kiện"
    u, o = world.users, world.objects
    failures = []

    def post(user, url, data, read, expected):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        with _rolled_back():
            response = client.post(url, data)
            if response.status_code >= 500:
                exc = response.exc_info
                failures.append(f"POST {url} {sorted(data)}: {response.status_code} ({exc[0].__name__}: {exc[1]})")
            elif read() != expected:
                failures.append(f"POST {url} {sorted(data)}: stored {read()!r}, not {expected!r}")

    flag = RowFlag.objects.get(pk=o["flag_a"])
    post(u["officer_a"], f"/chuong-trinh/canh-bao/{flag.pk}/xu-ly/", {"resolution": "keep", "justification": typed},
         lambda: RowFlag.objects.get(pk=flag.pk).justification, stored)
    post(u["officer_a"], f"/chuong-trinh/danh-sach/{o['list_a']}/resolve_all/",
         {"kind": flag.kind, "resolution": "keep", "justification": typed},
         lambda: RowFlag.objects.get(pk=flag.pk).justification, stored)
    with _rolled_back():  # list_a submitted: the district returns or appraises it, then the leader approves it
        list_a = BeneficiaryList.objects.get(pk=o["list_a"])
        for kind in set(RowFlag.objects.filter(row__beneficiary_list=list_a).values_list("kind", flat=True)):
            workflow.flags_resolve_all(actor=u["officer_a"], beneficiary_list=list_a, kind=kind, resolution="keep",
                                       justification="Hai người khác nhau")
        list_a = workflow.list_submit(actor=u["officer_a"], beneficiary_list=list_a)
        url = f"/chuong-trinh/danh-sach/{list_a.pk}/"
        post(u["district"], url + "return/", {"reason": typed},
             lambda: BeneficiaryList.objects.get(pk=list_a.pk).return_reason, stored)
        post(u["district"], url + "appraise/", {"note": typed},
             lambda: list_a.events.order_by("-pk").first().note, stored)
        workflow.list_appraise(actor=u["district"], beneficiary_list=list_a)
        post(u["leader"], url + "approve/", {"decision_number": "12/QĐ\x00", "decision_date": "2020-05-08",
                                              "signer": "Đặng\x00 Quốc Vinh"},
             lambda: BeneficiaryList.objects.values_list("decision_number", "decision_signer").get(pk=list_a.pk),
             ("12/QĐ", "Đặng Quốc Vinh"))
    post(_user("quantri2", Role.ADMINISTRATOR, u["admin"].area), f"/chinh-sach/tham-so/de-xuat/{o['change']}/tu-choi/",
         {"reason": typed}, lambda: ParameterChange.objects.get(pk=o["change"]).rejection_reason, stored)
    # the column mapping step: a header typed with a NUL byte, mapped to «ignore»
    post(u["officer_a"], f"/ho-so/nhap-excel/{o['registry_import']}/ghi/", {"action": "map", "map:Cột\x00 lạ": ""},
         lambda: sorted(RegistryImport.objects.get(pk=o["registry_import"]).column_mapping), ["Cột lạ"])
    assert failures == [], "\n".join(failures)
