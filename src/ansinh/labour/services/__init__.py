"""Writes of the labour app, one module per job; each public service is keyword-only, runs in one durable
transaction, refuses with a Vietnamese ``DomainError`` before writing anything, and leaves one audit row.

- ``supply``: the yearly campaign, corrections of a supply record, the review queue (accept / not found), and the
  set-based write of a checked supply file.
- ``demand``: employers (tax code checked), their yearly figures, vacancies; writes of checked files.
- ``placements``: «giải quyết việc làm» and job fairs; writes of checked files.
- ``vocational``: institutions, teachers, occupations, programmes, courses, enrolments, graduations, diplomas.
- ``support``: the rural-worker training support on ``permissions.SUPPORT_WORKFLOW``.
"""
