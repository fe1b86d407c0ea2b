"""Writes of the programmes app, one module per job; each public service runs in one durable transaction
and leaves one audit row.

- ``programmes``: programmes and their groups from a definition.
- ``workflow``: the list steps (on ``permissions.LIST_WORKFLOW``), flags, supplementary lists.
- ``checks``: running the checks on draft lists (the rules of the checks are pure, in ``programmes.checks``).
- ``generation``: lists of groups 5–7 drawn from the standing registers, set-based.
- ``uploads``: writing a checked Mẫu 01–04 file into its list (the ``list_upload`` import kind).
- ``registers``: writing a checked standing-register file (the ``register`` import kind).
"""
