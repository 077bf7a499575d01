"""File formats only (no Django): each reader turns an uploaded file into rows.

Every way a file can be unreadable ends in a ``FileReadError`` (or a subclass
of it) whose text is shown to the user as it is.
"""


class FileReadError(ValueError):
    """The file cannot be read.

    ``str(error)`` is a sentence shown to the user as-is, saying what was wrong
    and what to do.
    """
