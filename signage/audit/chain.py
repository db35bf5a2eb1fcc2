"""The hash chain: canonical bytes, entry hashes and verification. Pure functions."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Break:
    """The first place where the stored chain differs from what was appended."""

    seq: int
    reason: str

    def describe(self) -> str:
        return f"Entry {self.seq} {self.reason}."


def canonical_bytes(content: dict) -> bytes:
    """Serialise an entry's content the one way that is hashed: sorted, compact, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default).encode("utf-8")


def _json_default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in an audit entry")


def entry_hash(prev_hash: str, canonical: bytes) -> str:
    """Hash an entry's canonical bytes together with its predecessor's hash."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()


def verify_chain(rows: Iterable[tuple], *, start_seq: int = 1, start_hash: str = GENESIS_HASH) -> Break | None:
    """Walk (id, prev_hash, hash, canonical) rows in id order; return the first break or None.

    An edited entry fails its own hash; a deleted, inserted or reordered one
    breaks the numbering or the link to its predecessor.
    """
    expected_seq, expected_prev = start_seq, start_hash
    sha256 = hashlib.sha256
    for seq, prev_hash, stored_hash, canonical in rows:
        if seq > expected_seq:
            return Break(expected_seq, "is missing (deleted)")
        if seq < expected_seq:
            return Break(seq, "is out of order or duplicated")
        if prev_hash != expected_prev:
            return Break(seq, "does not link to the entry before it (inserted, deleted or reordered)")
        if sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest() != stored_hash:
            return Break(seq, "does not match its hash (edited)")
        expected_seq, expected_prev = seq + 1, stored_hash
    return None
