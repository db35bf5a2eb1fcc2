"""The audit log as a transparency log: its entries are the leaves of a Merkle tree (audit.merkle) whose
hashes are kept at the levels the tiles publish, and the service signs checkpoints of it (audit.notes)
with an Ed25519 key the database does not hold.

Leaves are added in entry order by `extend_log`, in the transaction of each notice publication (which
signs a checkpoint before it commits) and by housekeeping, which also signs one at least hourly. What is
published: every leaf hash, the tiles, the checkpoints and the verifier key; the bytes of the entries that
are public anyway (notice publications, status changes), so anyone can prove such an entry is in the log.
"""
import base64
import os
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from signage.audit import merkle, notes
from signage.audit.models import AuditEntry, LogCheckpoint, LogHash
from signage.database import utcnow
from signage.extensions import db

#: Entries whose bytes the log publishes: what they say is on the public pages already.
PUBLIC_ACTIONS = ("notice.published", "site.status_changed")
#: Entries hashed into the tree a statement.
BATCH = 5_000
#: How often housekeeping signs a checkpoint when nothing else did, and how soon after one it signs again
#: for entries appended since.
CHECKPOINT_EVERY = timedelta(hours=1)
CHECKPOINT_AFTER_GROWTH = timedelta(minutes=1)
_CHECKPOINT_DUE = "signage.checkpoint_due"
_hashes = LogHash.__table__


def entry_bytes(canonical) -> bytes:
    """An entry's stored bytes; a column rewritten as text (an edit by hand) is hashed as its UTF-8 bytes."""
    return canonical.encode() if isinstance(canonical, str) else bytes(canonical or b"")


def log_size() -> int:
    """How many entries the tree holds."""
    return _stored_count(0)


def _stored_count(level: int) -> int:
    """How many hashes one level of the tree stores (they run from index 0 without a gap)."""
    top = db.session.scalar(select(func.max(_hashes.c.index)).where(_hashes.c.level == level))
    return 0 if top is None else top + 1


def stored(level: int, start: int, count: int) -> list[bytes]:
    """Return the stored hashes of one level, from index `start`, at most `count` of them, in order."""
    return list(db.session.scalars(select(_hashes.c.hash).where(
        _hashes.c.level == level, _hashes.c.index >= start, _hashes.c.index < start + count)
        .order_by(_hashes.c.index)))


def aligned(height: int, index: int) -> bytes:
    """The hash of the complete subtree of 2**height leaves starting at leaf index * 2**height: stored at the
    tile levels, folded from at most 128 stored hashes of the level below otherwise."""
    level = height - height % merkle.TILE_HEIGHT
    width = 1 << (height - level)
    hashes = stored(level, index * width, width)
    if len(hashes) != width:
        raise LookupError(f"the tree has no complete subtree of height {height} at {index}")
    return merkle.fold([bytes(value) for value in hashes])


def extend_log(*, limit: int | None = None) -> int:
    """Add the leaf hashes of entries not yet in the tree (up to `limit`), and the hashes of the tile-level
    subtrees they complete, in the caller's transaction; return how many leaves were added."""
    added = 0
    while limit is None or added < limit:
        size = log_size()
        take = BATCH if limit is None else min(BATCH, limit - added)
        rows = db.session.execute(select(AuditEntry.id, AuditEntry.canonical).where(AuditEntry.id > size)
                                  .order_by(AuditEntry.id).limit(take)).all()
        leaves = []
        for seq, canonical in rows:
            if seq != size + len(leaves) + 1:  # a gap: verification names it; the tree stops before it
                break
            leaves.append({"level": 0, "index": seq - 1, "hash": merkle.leaf_hash(entry_bytes(canonical))})
        if leaves:
            db.session.execute(insert(LogHash), leaves)
            _complete_tiles()
        added += len(leaves)
        if len(leaves) < take:
            break
    return added


def _complete_tiles() -> None:
    level = 0
    while True:
        below = _stored_count(level)
        above_level = level + merkle.TILE_HEIGHT
        done = _stored_count(above_level)
        complete = below // merkle.TILE_WIDTH
        if complete <= done:
            return
        rows = []
        for index in range(done, complete):
            hashes = stored(level, index * merkle.TILE_WIDTH, merkle.TILE_WIDTH)
            rows.append({"level": above_level, "index": index, "hash": merkle.fold([bytes(h) for h in hashes])})
        db.session.execute(insert(LogHash), rows)
        level = above_level


def tree_root(size: int) -> bytes:
    return merkle.root(aligned, size)


def tile(level: int, index: int, width: int) -> bytes | None:
    """Return a tile's bytes (its hashes, 32 bytes each) at tlog-tiles level `level`, or None when the tree
    does not hold that many hashes there yet."""
    hashes = stored(level * merkle.TILE_HEIGHT, index * merkle.TILE_WIDTH, width)
    return b"".join(bytes(value) for value in hashes) if len(hashes) == width else None


def public_entry(index: int) -> bytes | None:
    """Return the bytes of leaf `index` when its entry is public anyway (a notice published, a status
    changed), else None."""
    entry = db.session.execute(select(AuditEntry.action, AuditEntry.canonical)
                               .where(AuditEntry.id == index + 1)).first()
    if entry is None or entry.action not in PUBLIC_ACTIONS or index >= log_size():
        return None
    return entry_bytes(entry.canonical)


# The signing key, kept in a file the database does not hold.

def origin_for(base_url: str) -> str:
    """The log's origin (and key name): the public base URL without its scheme, then /log."""
    parts = urlsplit(base_url)
    return f"{parts.netloc}{parts.path.rstrip('/')}/log"


def key_path() -> Path:
    configured = current_app.config.get("LOG_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "log_signing_key"


def log_signer() -> tuple[str, Ed25519PrivateKey]:
    """Return the log's key name and signing key, making them on first use (name from the public base URL,
    fixed from then on: checkpoints name their origin for the log's whole life)."""
    path = key_path()
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        name = origin_for(current_app.config["PUBLIC_BASE_URL"])
        raw = key.private_bytes_raw()
        text = f"PRIVATE+KEY+{name}+{notes.key_id(name, key.public_key().public_bytes_raw()).hex()}+" + \
            base64.b64encode(notes.ED25519 + raw).decode()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # exclusive: two workers starting together keep the one key that was written first
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(text + "\n")
    return _signer_in(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _signer_in(path: str, _modified: int) -> tuple[str, Ed25519PrivateKey]:
    """The key file read once per version of it, not at every checkpoint and every /log/key request."""
    return notes.signer_from_text(Path(path).read_text())


def verifier_line() -> str:
    name, key = log_signer()
    return notes.verifier_key(name, key)


def sign_checkpoint(*, now: datetime) -> LogCheckpoint:
    """Bring the tree up to the last entry and sign a checkpoint of it, in the caller's transaction."""
    extend_log()
    size = log_size()
    root = tree_root(size)
    name, key = log_signer()
    checkpoint = LogCheckpoint(size=size, root=root, note=notes.sign_note(notes.checkpoint_text(name, size, root),
                                                                           name, key), signed_at=now)
    db.session.add(checkpoint)
    return checkpoint


def latest_checkpoint() -> LogCheckpoint | None:
    return db.session.scalar(select(LogCheckpoint).order_by(LogCheckpoint.id.desc()).limit(1))


def checkpoint_due(*, now: datetime) -> bool:
    """Say whether housekeeping should sign: an hour passed since the last checkpoint, or a minute and the
    log grew since."""
    latest = latest_checkpoint()
    if latest is None:
        return True
    age = now - latest.signed_at
    return age >= CHECKPOINT_EVERY or (age >= CHECKPOINT_AFTER_GROWTH and latest.size < log_size())


def checkpoint_before_commit() -> None:
    """Sign a checkpoint just before the current transaction commits (once, however many notices it
    published): the checkpoint then covers them, and commits or rolls back with them."""
    db.session.info[_CHECKPOINT_DUE] = True


@event.listens_for(Session, "before_commit")
def _sign_if_due(session) -> None:
    if session.info.pop(_CHECKPOINT_DUE, False):
        sign_checkpoint(now=utcnow())


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_CHECKPOINT_DUE, None)
