"""Atomic writes: nothing half-written is ever visible at a final path.

Every writer in pld writes to a temporary sibling and renames it into place.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pld_core.errors import OutputError


@contextlib.contextmanager
def atomic_path(final: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it to ``final`` on success.

    The temporary keeps ``final``'s suffix (or ``suffix``) so that libraries that
    choose a format by extension (PyAV, numpy, pyarrow) behave the same.
    """
    final = Path(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{final.name}.tmp-", suffix=final.suffix if suffix is None else suffix, dir=final.parent
        )
        os.close(fd)
    except OSError as exc:
        raise _output_error(final, exc) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    except OSError as exc:
        raise _output_error(final, exc) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def reserved_memmap(tmp: str | Path, dtype: Any, shape: tuple[int, ...]) -> Any:
    """A writable .npy memory map at ``tmp`` with its whole size allocated on disk first.

    Pages of a sparse file are only allocated when written through the map; on a full disk
    that write kills the process (SIGBUS). Allocating up front makes it an OSError here,
    which ``atomic_path`` reports as an OutputError.
    """
    import numpy as np

    array = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=shape)
    with open(tmp, "r+b") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size:
            os.posix_fallocate(handle.fileno(), 0, size)
    return array


def write_text(final: str | Path, text: str) -> Path:
    """Write ``text`` to ``final`` atomically."""
    with atomic_path(final) as tmp:
        tmp.write_text(text)
    return Path(final)


def write_json(final: str | Path, obj: Any) -> Path:
    """Write ``obj`` as indented JSON to ``final`` atomically."""
    return write_text(final, json_text(obj))


def json_text(obj: Any) -> str:
    """``obj`` as the indented JSON text ``write_json`` writes."""
    return json.dumps(obj, indent=2, sort_keys=False, default=_json_default) + "\n"


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _output_error(final: Path, exc: OSError) -> OutputError:
    reason = {
        errno.ENOSPC: "no space left on device",
        errno.EACCES: "permission denied",
        errno.EROFS: "read-only file system",
        errno.EDQUOT: "disk quota exceeded",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"{final}: cannot write ({reason})")
