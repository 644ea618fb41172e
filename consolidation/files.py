"""What a path names, checked before anything opens it.

A FIFO or a device (``/dev/zero``) given as a file would block or never end; a folder cannot be read as a
table.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def not_a_regular_file(path: str | os.PathLike) -> str | None:
    """Return why ``path`` cannot be read as a data file, or None when it is a regular file.

    The reason is a phrase: "does not exist", "is a folder", "is a FIFO (named pipe)", ... Symbolic links
    are followed. Never opens the path.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "does not exist"
    except NotADirectoryError:
        return "does not exist (a part of the path is a file, not a folder)"
    except ValueError:  # e.g. an embedded NUL
        return "is not a valid path"
    except OSError as exc:
        return f"cannot be opened ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def is_excel(path: str | os.PathLike) -> bool:
    """Return True when the file name says it is a spreadsheet workbook (read by no reader here yet)."""
    return Path(path).suffix.lower() in EXCEL_SUFFIXES
