"""The classifications of the labour registers, with their Vietnamese labels.

The supply classifications follow the content of TT 01/2022/TT-BLĐTBXH, Điều 7 (general education, technical
qualification, main job and employment position, workplace type and economic sector, unemployment, the reason for
not taking part in economic activity); their categories are the ones of the labour force survey the forms use.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GeneralEducation(models.TextChoices):
    NEVER = "never", _("Chưa đi học")
    NO_PRIMARY = "no_primary", _("Chưa tốt nghiệp tiểu học")
    PRIMARY = "primary", _("Tốt nghiệp tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Tốt nghiệp THCS")
    UPPER_SECONDARY = "upper_secondary", _("Tốt nghiệp THPT")


class Qualification(models.TextChoices):
    """Trình độ chuyên môn kỹ thuật cao nhất."""

    NONE = "none", _("Chưa qua đào tạo")
    SHORT = "short", _("Đào tạo dưới 3 tháng (có chứng chỉ)")
    ELEMENTARY = "elementary", _("Sơ cấp")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    COLLEGE = "college", _("Cao đẳng")
    UNIVERSITY = "university", _("Đại học")
    POSTGRADUATE = "postgraduate", _("Trên đại học")


TRAINED = tuple(q for q in Qualification if q != Qualification.NONE)  # «lao động qua đào tạo»


class EconomicStatus(models.TextChoices):
    EMPLOYED = "employed", _("Có việc làm")
    UNEMPLOYED = "unemployed", _("Thất nghiệp")
    INACTIVE = "inactive", _("Không tham gia hoạt động kinh tế")


class EmploymentPosition(models.TextChoices):
    """Vị thế việc làm."""

    EMPLOYER = "employer", _("Chủ cơ sở sản xuất kinh doanh")
    OWN_ACCOUNT = "own_account", _("Tự làm")
    FAMILY = "family", _("Lao động gia đình")
    EMPLOYEE = "employee", _("Làm công ăn lương")
    COOP_MEMBER = "coop_member", _("Xã viên hợp tác xã")


class WorkplaceType(models.TextChoices):
    """Loại hình nơi làm việc (also the ownership of an employer)."""

    HOUSEHOLD = "household", _("Hộ gia đình, cá nhân, hộ kinh doanh")
    STATE = "state", _("Cơ quan, đơn vị sự nghiệp nhà nước")
    SOE = "soe", _("Doanh nghiệp nhà nước")
    PRIVATE = "private", _("Doanh nghiệp ngoài nhà nước")
    FDI = "fdi", _("Doanh nghiệp có vốn đầu tư nước ngoài")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    OTHER = "other", _("Khác")


class Sector(models.TextChoices):
    """Ngành kinh tế, by the three sectors of the national accounts."""

    AGRICULTURE = "agriculture", _("Nông, lâm nghiệp và thủy sản")
    INDUSTRY = "industry", _("Công nghiệp và xây dựng")
    SERVICES = "services", _("Dịch vụ")


class InactiveReason(models.TextChoices):
    STUDYING = "studying", _("Đi học")
    HOMEMAKING = "homemaking", _("Nội trợ")
    ILLNESS = "illness", _("Ốm đau, khuyết tật")
    OLD_AGE = "old_age", _("Già yếu, nghỉ hưu")
    OTHER = "other", _("Lý do khác")


class MatchMethod(models.TextChoices):
    """How a supply row found its registry person."""

    IDENTITY = "identity", _("Khớp số định danh/CMND")
    REVIEWED = "reviewed", _("Xác nhận từ hàng chờ đối chiếu")
    PENDING = "pending", _("Chờ đối chiếu (mô hình ghép trùng)")
    NOT_FOUND = "not_found", _("Không có trong CSDL (cần đăng ký nhân khẩu)")


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    ACCEPTED = "accepted", _("Đúng người này")
    REJECTED = "rejected", _("Không phải người này")


class Channel(models.TextChoices):
    """How a job was found («giải quyết việc làm»), in the order a tie on the same day is attributed."""

    JOB_CENTRE = "job_centre", _("Tư vấn, giới thiệu việc làm qua Trung tâm dịch vụ việc làm")
    JOB_FAIR = "job_fair", _("Qua sàn giao dịch việc làm")
    ABROAD = "abroad", _("Đi làm việc ở nước ngoài theo hợp đồng")
    LOAN = "loan", _("Vay vốn tạo việc làm")
    EMPLOYER = "employer", _("Việc làm mới do doanh nghiệp báo cáo")


CHANNEL_ORDER = {c.value: i for i, c in enumerate(Channel)}


class VacancyStatus(models.TextChoices):
    OPEN = "open", _("Đang tuyển")
    CLOSED = "closed", _("Đã dừng tuyển")


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Đang cập nhật")
    CLOSED = "closed", _("Đã kết thúc")


# ---------------------------------------------------------------- vocational education

class InstitutionKind(models.TextChoices):
    COLLEGE = "college", _("Trường cao đẳng")
    INTERMEDIATE = "intermediate", _("Trường trung cấp")
    CENTRE = "centre", _("Trung tâm giáo dục nghề nghiệp")
    OTHER = "other", _("Doanh nghiệp, cơ sở khác có đăng ký hoạt động GDNN")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Công lập")
    PRIVATE = "private", _("Tư thục")
    FOREIGN = "foreign", _("Có vốn đầu tư nước ngoài")


class TrainingLevel(models.TextChoices):
    COLLEGE = "college", _("Cao đẳng")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    ELEMENTARY = "elementary", _("Sơ cấp")
    SHORT = "short", _("Đào tạo dưới 3 tháng")


# The rural-worker training support (QĐ 46/2015/QĐ-TTg, NQ 56/2017/NQ-HĐND) is for these two levels only.
SUPPORTED_LEVELS = (TrainingLevel.ELEMENTARY, TrainingLevel.SHORT)


class EnrolmentStatus(models.TextChoices):
    STUDYING = "studying", _("Đang học")
    GRADUATED = "graduated", _("Đã tốt nghiệp/hoàn thành")
    DROPPED = "dropped", _("Thôi học")


class DiplomaKind(models.TextChoices):
    COLLEGE = "college", _("Bằng tốt nghiệp cao đẳng")
    INTERMEDIATE = "intermediate", _("Bằng tốt nghiệp trung cấp")
    ELEMENTARY = "elementary", _("Chứng chỉ sơ cấp")
    TRAINING = "training", _("Chứng chỉ đào tạo")


# Which diploma each level gives (Luật Giáo dục nghề nghiệp 2014: bằng tốt nghiệp cao đẳng, trung cấp; chứng chỉ
# sơ cấp; chứng chỉ đào tạo for the courses under 3 months).
DIPLOMA_FOR_LEVEL = {
    TrainingLevel.COLLEGE: DiplomaKind.COLLEGE, TrainingLevel.INTERMEDIATE: DiplomaKind.INTERMEDIATE,
    TrainingLevel.ELEMENTARY: DiplomaKind.ELEMENTARY, TrainingLevel.SHORT: DiplomaKind.TRAINING,
}


class LearnerGroup(models.TextChoices):
    """The learner groups of QĐ 46/2015/QĐ-TTg (each with its own ceiling, ``checks.SUPPORT_CEILINGS``)."""

    DISABLED = "disabled", _("Người khuyết tật")
    POOR_ETHNIC = "poor_ethnic", _("Người thuộc hộ DTTS nghèo; hộ nghèo ở xã, thôn đặc biệt khó khăn")
    PRIORITY = "priority", _("Người DTTS, người có công, hộ nghèo, hộ bị thu hồi đất, lao động nữ mất việc, ngư dân")
    NEAR_POOR = "near_poor", _("Người thuộc hộ cận nghèo")
    RURAL = "rural", _("Phụ nữ, lao động nông thôn khác")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương (Đề án 1956, QĐ 46/2015/QĐ-TTg)")
    PROVINCE = "province", _("Ngân sách tỉnh (NQ 56/2017/NQ-HĐND)")
    OTHER = "other", _("Nguồn khác")


class SupportStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã trình phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    PAID = "paid", _("Đã chi trả")


class SupportStep(models.TextChoices):
    PREPARE = "prepare", _("Lập đề nghị hỗ trợ")
    SUBMIT = "submit", _("Trình phê duyệt")
    RETURN = "return", _("Trả lại")
    APPROVE = "approve", _("Phê duyệt")
    PAY = "pay", _("Ghi nhận đã chi trả")
