"""Writes of the payroll app: generation, the sheets' workflow, register changes, results, recoveries, exports.
One user action = one durable transaction = one audit row."""
