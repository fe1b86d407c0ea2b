"""OpenFisca variables of ansinh.policy (loaded by ``CountryTaxBenefitSystem`` from this folder)."""
