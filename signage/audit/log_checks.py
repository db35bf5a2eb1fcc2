"""Checking that the transparency log today extends a checkpoint saved earlier (`flask audit verify
--against`): the saved note's signature, then its root recomputed from the entries' own bytes, and, when a
copy of the log's tiles was saved with it (a static export), the first entry whose bytes changed."""
from pathlib import Path

from sqlalchemy import select

from signage.audit import merkle, notes
from signage.audit.models import AuditEntry
from signage.audit.transparency import BATCH, entry_bytes, stored, verifier_line
from signage.extensions import db


class CheckpointMismatch(Exception):
    """What `against_checkpoint` found: the log does not extend the saved checkpoint."""

    def describe(self) -> str:
        return str(self.args[0])


def _leaves(size: int):
    """Recompute the first `size` leaf hashes from the entries' own bytes, a batch a statement."""
    last = 0
    while last < size:
        rows = db.session.execute(select(AuditEntry.id, AuditEntry.canonical)
                                  .where(AuditEntry.id > last, AuditEntry.id <= size)
                                  .order_by(AuditEntry.id).limit(BATCH)).all()
        if not rows:
            return
        for seq, canonical in rows:
            if seq != last + 1:
                raise CheckpointMismatch(f"Entry {last + 1} is missing (deleted): the checkpoint covers it.")
            last = seq
            yield merkle.leaf_hash(entry_bytes(canonical))


def against_checkpoint(note: str, verifier: str | None = None, saved_leaves=None) -> notes.Checkpoint:
    """Check that the log today extends a checkpoint saved earlier: its signature (by `verifier`, a verifier
    key line, or the log's own key), then the root of its first `size` entries recomputed from their bytes.
    Raise NoteError for a file that does not parse or verify, CheckpointMismatch naming what differs.

    saved_leaves, the leaf hashes of a copy of the log saved with the checkpoint (a static export's tiles,
    exported_leaves), names the entry that changed even when the stored tiles were rewritten too."""
    key = notes.parse_verifier(verifier if verifier else verifier_line())
    saved = notes.parse_checkpoint(notes.open_note(note, key))
    if saved.origin != key.name:
        raise notes.NoteError(f"the checkpoint is of the log {saved.origin}, not of {key.name}")
    count, recomputed = merkle.streamed_root(_leaves(saved.size))
    if count < saved.size:
        raise CheckpointMismatch(f"The log holds {count} entries; the checkpoint covers {saved.size}: entries "
                                 f"were deleted.")
    if recomputed == saved.root:
        return saved
    first = _first_changed_leaf(saved.size, saved_leaves)
    if first is not None:
        raise CheckpointMismatch(f"Entry {first + 1} was changed after the checkpoint of {saved.size} entries: its "
                                 f"bytes no longer hash to the leaf the log published.")
    raise CheckpointMismatch(f"The first {saved.size} entries no longer hash to the checkpoint's root: history was "
                             f"rewritten, the stored tiles with it. Compare with a saved copy of the tiles (a static "
                             f"export) to find the entry.")


def _first_changed_leaf(size: int, saved_leaves=None) -> int | None:
    """The first leaf whose entry's bytes no longer hash to the leaf hash the tiles hold (the saved copy's
    when given, the database's otherwise), if any does."""
    if saved_leaves is not None:
        for index, (leaf, held) in enumerate(zip(_leaves(size), saved_leaves)):
            if held != leaf:
                return index
        return None
    for index, leaf in enumerate(_leaves(size)):
        if index % BATCH == 0:
            kept = stored(0, index, BATCH)
        held = kept[index % BATCH] if index % BATCH < len(kept) else None
        if held is None or bytes(held) != leaf:
            return index
    return None


def exported_leaves(root: Path, size: int):
    """Yield the first `size` leaf hashes from the level-0 tiles of a copy of the log under `root` (a
    static export's log/ folder), a tile at a time; raise CheckpointMismatch when a tile is missing or short."""
    for index in range(-(-size // merkle.TILE_WIDTH)):
        width = min(merkle.TILE_WIDTH, size - index * merkle.TILE_WIDTH)
        path = root / merkle.tile_path(0, index, width)
        try:
            data = path.read_bytes()
        except OSError:
            raise CheckpointMismatch(f"The saved copy has no tile {path}: it cannot name the entry.") from None
        if len(data) != 32 * width:
            raise CheckpointMismatch(f"The saved tile {path} holds {len(data)} bytes, not {32 * width}.")
        for offset in range(0, len(data), 32):
            yield data[offset:offset + 32]
