"""Debian packages the tests need (PostgreSQL, Chromium, poppler's pdftoppm, a Bengali font),
installed only when missing.

CI runs as root with Debian's package registry reachable; `apt-get update` runs at most once
per test session.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from typing import Optional

_updated = False


def find(binary: str, *patterns: str) -> Optional[str]:
    """A binary on PATH or at one of the glob patterns (newest version first)."""
    found = shutil.which(binary)
    if found:
        return found
    for pattern in patterns:
        matches = sorted(glob.glob(pattern), reverse=True)
        if matches:
            return matches[0]
    return None


def _install(package: str, wanted: str) -> None:
    global _updated
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"{wanted} is missing and can not be installed (needs root and apt-get): install {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _updated:
        subprocess.run(["apt-get", "update"], check=True, env=env, stdout=subprocess.DEVNULL)
        _updated = True
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", package], check=True, env=env, stdout=subprocess.DEVNULL)


def ensure(binary: str, package: str, *patterns: str) -> str:
    """The path of `binary`, installing Debian `package` with apt-get if it is missing."""
    found = find(binary, *patterns)
    if found:
        return found
    _install(package, binary)
    found = find(binary, *patterns)
    if not found:
        raise RuntimeError(f"{package} was installed but {binary} was not found")
    return found


def ensure_file(pattern: str, package: str) -> str:
    """A file matching the glob `pattern` (a font), installing Debian `package` if none does."""
    matches = sorted(glob.glob(pattern))
    if not matches:
        _install(package, pattern)
        matches = sorted(glob.glob(pattern))
    if not matches:
        raise RuntimeError(f"{package} was installed but nothing matches {pattern}")
    return matches[0]
