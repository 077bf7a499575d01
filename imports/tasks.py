"""django-q2 entry points; nothing else."""

from imports.pipeline.check.job import run_check as _run_check
from imports.pipeline.job import run_import as _run_import
from imports.undo.job import run_undo as _run_undo


def run_import(import_id: str) -> None:
    _run_import(import_id)


def run_undo(import_id: str) -> None:
    _run_undo(import_id)


def run_check(import_id: str, generation: int) -> None:
    _run_check(import_id, generation)
