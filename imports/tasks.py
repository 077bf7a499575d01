"""django-q2 entry points; nothing else."""

from imports.pipeline.job import run_import as _run_import
from imports.pipeline.recovery import recover_stalled_imports as _recover_stalled_imports
from imports.undo.job import run_undo as _run_undo


def run_import(import_id: str) -> None:
    _run_import(import_id)


def run_undo(import_id: str) -> None:
    _run_undo(import_id)


def recover_stalled_imports() -> dict[str, list[str]]:
    return _recover_stalled_imports()
