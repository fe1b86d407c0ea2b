"""Writes of the dossiers app: the dossiers (``dossiers``), their scans (``scans``), the OCR (``reading``)."""

from ansinh.dossiers.services.dossiers import (  # noqa: F401
    DossierDetails,
    dossier_confirm,
    dossier_create,
    dossier_lend,
    dossier_move,
    dossier_return,
)
from ansinh.dossiers.services.reading import ocr_run  # noqa: F401
from ansinh.dossiers.services.scans import ocr_retry, scan_add, scan_replace  # noqa: F401
