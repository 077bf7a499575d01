"""django-q2 entry points; nothing else."""

from imports.pipeline.job import run_import as _run_import


def run_import(import_id: str) -> None:
    _run_import(import_id)
