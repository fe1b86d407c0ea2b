"""The models of the labour app: ``market`` (supply, demand, employment services), ``vocational`` (institutions
to diplomas and the training support), ``imports`` (the import records), ``choices`` (the classifications)."""

from ansinh.labour.models.imports import (
    EmployerImport,
    EnrolmentImport,
    PlacementImport,
    SupplyImport,
    VacancyImport,
)
from ansinh.labour.models.market import (
    Employer,
    EmployerYear,
    JobFair,
    JobFairEmployer,
    Placement,
    SupplyCampaign,
    SupplyCandidate,
    SupplyRecord,
    Vacancy,
)
from ansinh.labour.models.vocational import (
    Course,
    CourseEnrolment,
    Diploma,
    Institution,
    Occupation,
    SupportEvent,
    Teacher,
    TrainingProgramme,
    TrainingSupport,
)

__all__ = [
    "Course", "CourseEnrolment", "Diploma", "Employer", "EmployerImport", "EmployerYear", "EnrolmentImport",
    "Institution", "JobFair", "JobFairEmployer", "Occupation", "Placement", "PlacementImport", "SupplyCampaign",
    "SupplyCandidate", "SupplyImport", "SupplyRecord", "SupportEvent", "Teacher", "TrainingProgramme",
    "TrainingSupport", "Vacancy", "VacancyImport",
]
