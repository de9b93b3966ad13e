"""Print the entries of requirements.lock that a built wheel needs at run time (with hashes).

Walks the wheel's ``Requires-Dist`` (extras and environment markers evaluated here) through the
distributions installed in the running interpreter, so the throwaway venv gets exactly the
runtime closure, pinned and hashed as in the lock, and no development tool.
Usage: python .ci/runtime_lock.py WHEEL requirements.lock [REQUIREMENT...]
(extra requirements, e.g. ``pytest-xdist``, join the closure: the plugin's smoke test)
"""

from __future__ import annotations

import re
import sys
import zipfile
from email.parser import HeaderParser
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def wheel_requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(name).decode())
    return metadata.get_all("Requires-Dist") or []


def closure(roots: list[str]) -> set[str]:
    """Every distribution the roots need here, following the extras they ask for."""
    needed: set[str] = set()
    todo = [(Requirement(r), "") for r in roots]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        extras = sorted(req.extras)
        key_extras = {f"{name}[{e}]" for e in extras}
        if name in needed and key_extras <= needed:
            continue
        needed |= {name, *key_extras}
        try:
            children = requires(req.name) or []
        except PackageNotFoundError:
            continue  # a marker-gated dependency of another platform
        for wanted in ["", *extras]:
            todo += [(Requirement(c), wanted) for c in children]
    return {n for n in needed if "[" not in n}


def _pinned_name(block: str) -> str:
    return canonicalize_name(re.split(r"[=\s;]", block, maxsplit=1)[0])


def main(wheel: str, lock: str, *extra: str) -> int:
    names = closure([*wheel_requirements(Path(wheel)), *extra])
    blocks = re.split(r"\n(?=\S)", Path(lock).read_text())
    picked = [b for b in blocks if _pinned_name(b) in names]
    missing = names - {_pinned_name(b) for b in picked}
    if missing:
        print(f"not in the lock: {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    print("\n".join(b.rstrip() for b in picked))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
