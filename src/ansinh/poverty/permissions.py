"""Who may do what in the poverty review and the housing support: the role sets, the round workflow
(``ROUND_WORKFLOW``) and the housing workflow (``HOUSING_WORKFLOW``), both on the shared engine ``core.workflow``.

The steps follow the procedure of the standard in force (docs/poverty.md): the commune draws up the list,
surveys, classifies, holds the village meeting, posts the results publicly and records the complaints; it
reports to the district (annual rounds), whose specialist gives the opinion; the commune chairman's decision is
recorded (number, date, signer) and the certificates issued. Whoever held the meeting, posted or reported a
round never gives the district's opinion on it (engine and database).
"""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.poverty.models import (
    HousingCase,
    HousingEvent,
    HousingStatus,
    HousingStep,
    ReviewRound,
    RoundEvent,
    RoundStatus,
    RoundStep,
)

SURVEYORS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
# As for the registry file: the administrator may import too (``ansinh import-registry`` allows it).
IMPORTERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})
APPRAISERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
# The commune chairman signs the decision; the commune officer (or the province) records it in ansinh.
RECORDERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST, Role.LEADER})
CLASSIFIERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})
READERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST, Role.LEADER,
                     Role.INSPECTOR, Role.ADMINISTRATOR})
HOUSING_PROPOSERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
HOUSING_APPRAISERS = APPRAISERS
HOUSING_APPROVERS = frozenset({Role.LEADER})
HOUSING_BUILDERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
HOUSING_ACCEPTORS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
SCHEME_MANAGERS = frozenset({Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})

S, T = RoundStatus, RoundStep
MAKERS = (T.MEETING, T.POST, T.REPORT)
ROUND_WORKFLOW = Workflow(
    model=ReviewRound, event_model=RoundEvent, event_field="review_round", steps=RoundStep, statuses=RoundStatus,
    noun="kỳ rà soát", audit_prefix="poverty_round", scope=lambda r: r.commune_id, covers=user_covers_commune,
    select_related=("commune",),
    transitions=[
        Transition(T.OPEN, source=(), roles=SURVEYORS | IMPORTERS),
        Transition(T.LIST, source=[S.DRAFT], roles=SURVEYORS),
        Transition(T.SURVEY, source=[S.DRAFT], roles=SURVEYORS | IMPORTERS),
        Transition(T.CLASSIFY, source=[S.DRAFT], roles=CLASSIFIERS),
        Transition(T.OUTCOME, source=[S.DRAFT], roles=SURVEYORS),
        Transition(T.MEETING, source=[S.DRAFT], target=S.MET, roles=SURVEYORS, stamp="met"),
        Transition(T.POST, source=[S.MET], target=S.POSTED, roles=SURVEYORS, stamp="posted"),
        Transition(T.COMPLAINT, source=[S.POSTED], roles=SURVEYORS),
        Transition(T.RESOLVE, source=[S.POSTED], roles=SURVEYORS),
        Transition(T.REPORT, source=[S.POSTED], target=S.REPORTED, roles=SURVEYORS, stamp="reported"),
        Transition(T.RETURN, source=[S.REPORTED], target=S.DRAFT, roles=APPRAISERS, not_by=MAKERS),
        Transition(T.ENDORSE, source=[S.REPORTED], target=S.ENDORSED, roles=APPRAISERS, not_by=MAKERS,
                   stamp="endorsed",
                   refusal="Bạn đã {did} kỳ rà soát này nên không được cho ý kiến (nguyên tắc người lập – người duyệt)."),
        # Annual rounds need the district's opinion (the service refuses POSTED for them); regular rounds are
        # decided by the commune chairman after the posting (QĐ 24/2021 Điều 5).
        Transition(T.RECOGNISE, source=[S.ENDORSED, S.POSTED], target=S.RECOGNISED, roles=RECORDERS,
                   stamp="recognised"),
        Transition(T.CERTIFY, source=[S.RECOGNISED], roles=SURVEYORS),
    ])

H, HS = HousingStatus, HousingStep
HOUSING_WORKFLOW = Workflow(
    model=HousingCase, event_model=HousingEvent, event_field="case", steps=HousingStep, statuses=HousingStatus,
    noun="hồ sơ hỗ trợ nhà ở", audit_prefix="poverty_housing", scope=lambda c: c.commune_id,
    covers=user_covers_commune, select_related=("household", "scheme__programme"),
    transitions=[
        Transition(HS.PROPOSE, source=(), roles=HOUSING_PROPOSERS),
        Transition(HS.APPRAISE, source=[H.PROPOSED], target=H.APPRAISED, roles=HOUSING_APPRAISERS,
                   not_by=[HS.PROPOSE], stamp="appraised"),
        Transition(HS.REJECT, source=[H.PROPOSED, H.APPRAISED], target=H.REJECTED,
                   roles=HOUSING_APPRAISERS | HOUSING_APPROVERS, not_by=[HS.PROPOSE]),
        Transition(HS.APPROVE, source=[H.APPRAISED], target=H.APPROVED, roles=HOUSING_APPROVERS,
                   not_by=[HS.PROPOSE, HS.APPRAISE], stamp="approved"),
        Transition(HS.START, source=[H.APPROVED], target=H.STARTED, roles=HOUSING_BUILDERS),
        Transition(HS.FINISH, source=[H.STARTED], target=H.FINISHED, roles=HOUSING_BUILDERS),
        Transition(HS.ACCEPT, source=[H.FINISHED], target=H.ACCEPTED, roles=HOUSING_ACCEPTORS),
        Transition(HS.PHOTO, source=[H.APPROVED, H.STARTED, H.FINISHED, H.ACCEPTED], roles=HOUSING_BUILDERS),
    ])


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def can_read_poverty(user) -> bool:
    return _has(user, READERS) and user.area_id is not None


def can_import_surveys(user) -> bool:
    return _has(user, IMPORTERS) and user.area_id is not None


def require_survey_importer(user) -> None:
    if not can_import_surveys(user):
        raise PermissionDenied("Vai trò của bạn không được nhập phiếu rà soát hộ nghèo, hộ cận nghèo "
                               "(hoặc chưa được phân công địa bàn).")


def can_open_rounds(user) -> bool:
    return _has(user, SURVEYORS) and user.area_id is not None


def require_round_opener(user, commune_id: int) -> None:
    if not can_open_rounds(user):
        raise PermissionDenied("Vai trò của bạn không được lập kỳ rà soát hộ nghèo, hộ cận nghèo.")
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Xã/phường này nằm ngoài địa bàn bạn được phân công.")


def can_classify_year(user) -> bool:
    return _has(user, CLASSIFIERS) and user.area_id is not None


def require_year_classifier(user) -> None:
    if not can_classify_year(user):
        raise PermissionDenied("Vai trò của bạn không được phân loại lại các kỳ rà soát.")


def can_manage_schemes(user) -> bool:
    return _has(user, SCHEME_MANAGERS)


def require_scheme_manager(user) -> None:
    if not can_manage_schemes(user):
        raise PermissionDenied("Chỉ chuyên viên Sở hoặc quản trị hệ thống được lập chương trình hỗ trợ nhà ở.")


def can_propose_housing(user) -> bool:
    return _has(user, HOUSING_PROPOSERS) and user.area_id is not None
