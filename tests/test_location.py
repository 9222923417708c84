from __future__ import annotations

from pathlib import Path

from lessonstudy.store.location import location_warning


def test_synced_folders_are_spotted(tmp_path: Path) -> None:
    path = tmp_path / "Dropbox" / "maths" / "s.lessonstudy"
    warning = location_warning(path, mounts_file=tmp_path / "none")
    assert warning is not None and "synced folder (dropbox)" in warning


def test_network_shares_are_spotted(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nserver:/staff {tmp_path}/staff nfs4 rw 0 0\n")
    assert "network share (nfs4)" in location_warning(
        tmp_path / "staff" / "s.lessonstudy", mounts_file=mounts
    )
    assert location_warning(tmp_path / "local" / "s.lessonstudy", mounts_file=mounts) is None
    # A folder whose name only starts like the mount point is not on it.
    assert location_warning(tmp_path / "staffroom" / "s.lessonstudy", mounts_file=mounts) is None
