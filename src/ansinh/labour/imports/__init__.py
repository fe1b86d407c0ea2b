"""The import kinds of the labour app (registered with the shared lifecycle when the app is ready):
``labour_supply`` (``supply``), ``labour_employers``, ``labour_vacancies``, ``labour_placements``,
``labour_enrolments`` (``registers``)."""

from ansinh.labour.imports.registers import (
    EMPLOYER_KIND,
    EMPLOYER_SCHEMA,
    ENROLMENT_KIND,
    ENROLMENT_SCHEMA,
    KIND_BY_SLUG,
    PLACEMENT_KIND,
    PLACEMENT_SCHEMA,
    VACANCY_KIND,
    VACANCY_SCHEMA,
)
from ansinh.labour.imports.supply import SUPPLY_KIND, SUPPLY_SCHEMA, TEMPLATE_EXAMPLE, TEMPLATE_TITLE

__all__ = ["EMPLOYER_KIND", "EMPLOYER_SCHEMA", "ENROLMENT_KIND", "ENROLMENT_SCHEMA", "KIND_BY_SLUG", "PLACEMENT_KIND",
           "PLACEMENT_SCHEMA", "SUPPLY_KIND", "SUPPLY_SCHEMA", "TEMPLATE_EXAMPLE", "TEMPLATE_TITLE", "VACANCY_KIND",
           "VACANCY_SCHEMA"]
