"""Writes of the poverty app, one module per job; each public service runs in one durable transaction and leaves
one audit row (the in-transaction helpers say so in their docstring).

- ``surveys``: rounds, the list of households to review, the survey (form and file), classification by the rules.
- ``rounds``: the steps after the survey — meeting, posting, complaints, district, decision (→ the standing
  registers through ``programmes.services.registers.household_registers_apply``), certificates.
- ``housing``: housing support on the programmes machinery (schemes, houses, stages, photos, tranche lists).
- ``tables``: set-based inserts and updates of the households of a round.
"""
