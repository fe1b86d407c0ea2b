"""ansinh.payroll — monthly payrolls: people with meritorious service (NCC), social assistance (TGXH) and the Hà Tĩnh
NQ 151/2019 top-up (docs/payroll.md).

``engine.settle`` is pure and imports no Django (like ``ansinh.policy``); ``cli`` is the ``ansinh payroll settle``
command. The Django app around them: ``sources`` (the engine's inputs from the registers and the earlier months),
``services`` (generation, the sheets' workflow, register changes, recoveries, exports), ``imports`` (the payment
agent's results on ``core.imports``), ``reconciliation``, ``selectors``, the pages.
"""
