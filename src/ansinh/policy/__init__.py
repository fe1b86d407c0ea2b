"""ansinh.policy — rules-as-code of Vietnamese social-assistance policy, as an OpenFisca country package.

This module must not import Django: ``openfisca test --country-package ansinh.policy`` loads it
without any Django settings. The Django side (models, views) lives next to it but is imported only
by Django itself.
"""

import os

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from ansinh.policy.entities import entities
from ansinh.policy.variables.common import UnsetParameterError

COUNTRY_DIR = os.path.dirname(os.path.abspath(__file__))
VARIABLES_DIR = os.path.join(COUNTRY_DIR, "variables")
PARAMETERS_DIR = os.path.join(COUNTRY_DIR, "parameters")


class CountryTaxBenefitSystem(TaxBenefitSystem):
    """The tax-benefit system of ansinh: entities, variables and dated legal parameters."""

    def __init__(self) -> None:
        super().__init__(entities)
        self.add_variables_from_directory(VARIABLES_DIR)
        self.load_parameters(PARAMETERS_DIR)


__all__ = ["CountryTaxBenefitSystem", "UnsetParameterError"]
