"""Reforms used by the OpenFisca YAML tests of this folder (not part of the legislation)."""

from openfisca_core import periods
from openfisca_core.reforms import Reform


class covid_overlap_stack(Reform):
    """NQ 42/2020 overlap rule set to ``stack`` (the amounts of all groups add up)."""

    name = "Hỗ trợ COVID-19: cộng dồn các nhóm"

    def apply(self):
        def modify(parameters):
            parameters.covid.nq42_2020.overlap_rule.update(start=periods.instant("2020-04-01"), value="stack")
            return parameters

        self.modify_parameters(modifier_function=modify)
