"""Warn about places a study file should not live.

SQLite's write-ahead log needs every writer on one computer: a network share
can corrupt it, and a sync client (Dropbox, OneDrive ...) can copy the file
without its log. We cannot prevent that, but the obvious cases are cheap to
spot, so the app and the command line say so.
"""

from __future__ import annotations

from pathlib import Path

SYNCED_FOLDER_NAMES = ("dropbox", "onedrive", "google drive", "googledrive", "icloud", "box sync")
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "afpfs", "fuse.sshfs", "9p", "davfs"}


def _mount_type(path: Path, mounts: str) -> str | None:
    best, best_type = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (str(path) + "/").startswith(mount_point.rstrip("/") + "/") and len(mount_point) > len(
            best
        ):
            best, best_type = mount_point, parts[2]
    return best_type


def location_warning(path: Path, *, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """A one-line warning if `path` looks like a network share or a synced folder."""
    resolved = path.resolve()
    lowered = [part.lower() for part in resolved.parts]
    for name in SYNCED_FOLDER_NAMES:
        if any(part.startswith(name) for part in lowered):
            return (
                f"{path}: looks like a synced folder ({name}); keep study files on a local "
                "disk and share copies with 'lessonstudy backup' and 'lessonstudy merge'"
            )
    try:
        mounts = mounts_file.read_text()
    except OSError:
        return None
    kind = _mount_type(resolved, mounts)
    if kind in NETWORK_FILESYSTEMS:
        return (
            f"{path}: is on a network share ({kind}); keep study files on a local disk, "
            "or changes may be lost"
        )
    return None
