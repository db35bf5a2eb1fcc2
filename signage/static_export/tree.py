"""The directory a static copy lives in: files written aside and renamed into place, so a host or a sync
job never reads half a file; a manifest of the files the copy owns, with each one's hash and ETag, so the
next run asks only for what changed and removes what the copy no longer holds; and a journal of the files
a run has put in place, so a run stopped half-way leaves nothing the next one does not know about.

Files the copy does not own (a host's own configuration, a README) are never touched."""
import hashlib
import json
import os
import shutil
from pathlib import Path

MANIFEST = ".signage-export.json"
JOURNAL = ".signage-export.journal"
#: Where files are written before they are renamed into place: on the copy's own file system, so the rename
#: is atomic, and emptied at the start of each run, so a run killed mid-write leaves nothing behind.
ASIDE = ".signage-export.tmp"
#: Bump when the manifest's shape changes: a manifest of another format is read as none (all is rewritten).
FORMAT = 1


class UnsafePath(ValueError):
    """A path that would leave the copy's directory."""


class ExportTree:
    """The copy's directory, its manifest and this run's journal."""

    def __init__(self, root: Path, *, before: dict | None = None, journal: str = JOURNAL):
        """Open the copy at `root`; a worker of a run passes the run's `before` and a journal of its own."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        if before is None:
            shutil.rmtree(self.root / ASIDE, ignore_errors=True)
            (self.root / ASIDE).mkdir()
            before = self._read_manifest()
            for path in self._read_journals():  # put in place by a run that stopped: owned, hash unknown
                before.setdefault(path, {"sha256": None, "etag": None})
        self.before = before
        self.now: dict[str, dict] = {}
        self.written = self.unchanged = self.bytes_written = self._asides = 0
        self._journal = open(self.root / journal, "a", encoding="utf-8")

    def _read_manifest(self) -> dict:
        try:
            manifest = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        files = manifest.get("files") if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None
        return dict(files) if isinstance(files, dict) else {}

    def _read_journals(self) -> list[str]:
        paths = []
        for journal in self.root.glob(JOURNAL + "*"):  # the run's own, and one per worker
            try:
                paths += [line for line in journal.read_text(encoding="utf-8").splitlines() if line]
            except OSError:
                continue
        return paths

    def merge(self, now: dict, written: int, unchanged: int, bytes_written: int) -> None:
        """Take in what a worker of this run held and did."""
        self.now.update(now)
        self.written += written
        self.unchanged += unchanged
        self.bytes_written += bytes_written

    def etag(self, path: str) -> str | None:
        """The ETag the copy's file was answered with, while that file is still there."""
        known = self.before.get(path)
        if known and known.get("etag") and known.get("sha256") and self._file(path).is_file():
            return known["etag"]
        return None

    def holds(self, path: str) -> bool:
        """Whether the copy has this file from an earlier run, as that run wrote it."""
        known = self.before.get(path)
        return bool(known and known.get("sha256")) and self._file(path).is_file()

    def keep(self, path: str) -> None:
        """Keep a file as the earlier run wrote it."""
        self.now[path] = self.before[path]
        self.unchanged += 1

    def put(self, path: str, body: bytes, etag: str | None) -> None:
        """Hold `body` at `path`, writing it only when it differs from what the copy has."""
        digest = hashlib.sha256(body).hexdigest()
        known = self.before.get(path)
        target = self._file(path)
        if known and known.get("sha256") == digest and target.is_file():
            self.unchanged += 1
        else:
            self._journal.write(path + "\n")
            self._journal.flush()
            target.parent.mkdir(parents=True, exist_ok=True)
            self._asides += 1
            aside = self.root / ASIDE / f"{os.getpid()}.{self._asides}"
            aside.write_bytes(body)
            os.replace(aside, target)  # atomic on one file system: readers see the old file or the new one
            self.written += 1
            self.bytes_written += len(body)
        self.now[path] = {"sha256": digest, "etag": etag}

    def finish(self) -> int:
        """Remove the files the copy owned and no longer holds, write the manifest, and return how many
        files were removed."""
        removed = 0
        for path in sorted(set(self.before) - set(self.now)):
            target = self._file(path)
            if target.is_file():
                target.unlink()
                removed += 1
            self._prune(target.parent)
        manifest = self.root / MANIFEST
        aside = self.root / ASIDE / MANIFEST
        aside.write_text(json.dumps({"format": FORMAT, "files": self.now}, sort_keys=True, separators=(",", ":")),
                         encoding="utf-8")
        os.replace(aside, manifest)
        self._journal.close()
        for journal in self.root.glob(JOURNAL + "*"):
            journal.unlink(missing_ok=True)
        shutil.rmtree(self.root / ASIDE, ignore_errors=True)
        return removed

    def close(self) -> None:
        """Stop without finishing: the journal stays, so the next run knows what this one wrote."""
        self._journal.close()

    def total_bytes(self) -> int:
        """The size of the files the copy holds now."""
        return sum(self._file(path).stat().st_size for path in self.now if self._file(path).is_file())

    def _file(self, path: str) -> Path:
        # checked as text (the plan builds paths from codes and numbers): a stat per part would cost more
        # than the write
        if path.startswith("/") or "\\" in path or "\x00" in path or \
                any(part in ("", ".", "..") for part in path.split("/")):
            raise UnsafePath(path)
        return self.root / path

    def _prune(self, folder: Path) -> None:
        """Remove folders the removal left empty, up to the copy's root."""
        root = self.root
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:  # not empty, or gone
                return
            folder = folder.parent
