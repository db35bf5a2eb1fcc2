"""The hash chain: canonical bytes, entry hashes and verification. Pure functions."""
import hashlib
import itertools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, NamedTuple

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Break:
    """The first place where the stored chain differs from what was appended."""

    seq: int
    reason: str
    #: The organisation the broken entry belongs to by its hashed content; None when that is unknown.
    organisation_id: int | None = None

    def describe(self) -> str:
        return f"Entry {self.seq} {self.reason}."


class StoredEntry(NamedTuple):
    """One row of audit_entries as verification reads it: every stored column.

    created_at is text in the form 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC), as SQLite stores it and as the
    PostgreSQL query formats it, so that it compares with the hashed ISO time without parsing.
    """

    seq: int
    prev_hash: str
    hash: str
    canonical: bytes
    organisation_id: int | None
    subject_type: str
    subject_id: int | None
    action: str
    created_at: str
    #: the acting user's id as the hashed actor gives it first, None for the system or a job's own label
    actor_id: int | None


def canonical_bytes(content: dict) -> bytes:
    """Serialise an entry's content the one way that is hashed: sorted, compact, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default).encode("utf-8")


def canonical_json(content) -> str:
    """The canonical form as text: what JSON columns store (see signage.app)."""
    return canonical_bytes(content).decode("utf-8")


def _json_default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in an audit entry")


def entry_hash(prev_hash: str, canonical: bytes) -> str:
    """Hash an entry's canonical bytes together with its predecessor's hash."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()


def columns_match(row: StoredEntry) -> bool:
    """Say whether the row's plain columns say what its hashed bytes say.

    The columns are copies kept for filtering by SQL; editing one would move an entry to another
    organisation or subject without touching the hash. Canonical keys are sorted, so "action" comes
    first and "seq", "subject", "time" last; strings in JSON never hold a bare quote, so the bytes
    compared cannot be matched by text that an entry carries elsewhere.
    """
    return _columns_match(*row)


#: The opening bytes of each action, the bytes of each user's id opening the actor, and the bytes after
#: each organisation's key, computed once: a log holds a few dozen actions and a few thousand users and
#: organisations, read millions of times. Ids are checked for their type first, since 1.0 and True would
#: find the entry of 1.
_OPENINGS: dict[str, bytes] = {}
_ACTORS: dict[int, bytes] = {}
_MARKERS: dict[int | None, bytes] = {}
#: Bounded: rewritten columns must not grow the caches without end.
_CACHED = 10_000


def _opening(action) -> bytes | None:
    """Return the bytes an entry of this action begins with, or None for an action no entry can have."""
    if type(action) is not str or '"' in action or "\\" in action:
        return None
    opening = b'{"action":"%s",' % action.encode()
    if len(_OPENINGS) < _CACHED:
        _OPENINGS[action] = opening
    return opening


def _actor(actor_id: int) -> bytes:
    """Return the bytes that open the actor of an entry by this user."""
    opened = b'"actor":{"id":%d,' % actor_id
    if len(_ACTORS) < _CACHED:
        _ACTORS[actor_id] = opened
    return opened


def _marker(organisation_id: int | None) -> bytes:
    """Return the bytes that follow the entry's last organisation key: its id (or null), then the reason."""
    marker = b'null,"reason":' if organisation_id is None else b'%d,"reason":' % organisation_id
    if len(_MARKERS) < _CACHED:
        _MARKERS[organisation_id] = marker
    return marker


def actor_ref(described: dict) -> int | None:
    """Return the actor id an entry's column holds: the user's id when the described actor opens with it.

    Keys are sorted, so a user's "id" comes first and `"actor":{"id":N,` is what verification compares
    the column with; an actor without an integer id first (the system, a job's label) has None.
    """
    value = described.get("id")
    if type(value) is int and min(described) == "id":
        return value
    return None


def _columns_match(seq, _prev_hash, _hash, canonical, organisation_id, subject_type, subject_id, action,
                   stamp, actor_id) -> bool:
    try:
        opening = _OPENINGS[action]
    except KeyError:
        opening = _opening(action)
    except TypeError:  # a column rewritten with an unhashable type
        return False
    if opening is None or not canonical.startswith(opening):
        return False
    if actor_id is None:
        if canonical.startswith(b'"actor":{"id":', len(opening)):
            return False
    elif type(actor_id) is not int or not canonical.startswith(_ACTORS.get(actor_id) or _actor(actor_id), len(opening)):
        return False
    # a column rewritten with another type (a float id, a number for a date) never matches
    if type(subject_type) is not str or '"' in subject_type or "\\" in subject_type:
        return False
    if subject_id is None:
        subject = "null"
    elif type(subject_id) is int:
        subject = subject_id
    else:
        return False
    # 'YYYY-MM-DD HH:MM:SS.ffffff' exactly, as stored; isoformat() leaves out a zero fraction
    if type(stamp) is not str or len(stamp) != 26 or stamp[10] != " " or stamp[19] != ".":
        return False
    moment = stamp[:10] + "T" + (stamp[11:19] if stamp.endswith(".000000") else stamp[11:])
    tail = f',"seq":{seq},"subject":{{"id":{subject},"type":"{subject_type}"}},"time":"{moment}+00:00"}}'
    if not canonical.endswith(tail.encode()):
        return False
    if organisation_id is not None and type(organisation_id) is not int:
        return False
    marker = _MARKERS.get(organisation_id) or _marker(organisation_id)
    start = canonical.rfind(b',"organisation_id":')
    return start > 0 and canonical.startswith(marker, start + 19)


def content_organisation(canonical: bytes) -> int | None:
    """Return the organisation an entry belongs to by its hashed content, or None if unreadable."""
    try:
        value = json.loads(canonical).get("organisation_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


class Walk(NamedTuple):
    """What a walk of the chain found: the first break, how many entries it checked, and the last one."""

    first_break: Break | None
    entries: int
    #: (seq, hash) of the last entry checked and found sound: a checkpoint worth keeping.
    head: tuple[int, str] | None


def verify_chain(rows: Iterable[StoredEntry], *, start_seq: int = 1,
                 start_hash: str = GENESIS_HASH) -> Break | None:
    """Walk stored rows in id order; return the first break or None."""
    return walk_chain(rows, start_seq=start_seq, start_hash=start_hash).first_break


def walk_chain(rows: Iterable[StoredEntry], *, start_seq: int = 1, start_hash: str | None = GENESIS_HASH) -> Walk:
    """Walk stored rows in id order, stopping at the first break.

    An edited entry fails its own hash or its columns; a deleted, inserted or reordered one breaks
    the numbering or the link to its predecessor; a row whose stored types were changed is a break too.
    With start_hash None the first row's link is taken as stored: a part of the chain walked on its own,
    whose seam the caller checks against the part before it (see first_link).
    """
    expected_seq, expected_prev, count = start_seq, start_hash, 0
    if start_hash is None:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return Walk(None, 0, None)
        expected_prev = first[1] if type(first[1]) is str else ""
        rows = itertools.chain((first,), rows)
    sha256, matches = hashlib.sha256, _columns_match
    for row in rows:
        count += 1
        try:
            seq, prev_hash, stored_hash, canonical = row[0], row[1], row[2], row[3]
            # the sound row first, in as few steps as it takes: a log is read millions of rows at a time
            if seq != expected_seq or prev_hash != expected_prev:
                found = _link_break(seq, prev_hash, expected_seq, expected_prev, canonical)
            elif sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest() != stored_hash:
                found = Break(seq, "does not match its hash (edited)", content_organisation(canonical))
            elif not matches(*row):
                found = Break(seq, "has columns that differ from its hashed content (edited)",
                              content_organisation(canonical))
            else:
                expected_seq, expected_prev = seq + 1, stored_hash
                continue
        except (TypeError, ValueError, AttributeError, UnicodeError):
            found = Break(row[0] if isinstance(row[0], int) else expected_seq, "cannot be read as an entry (edited)")
        return Walk(found, count, (expected_seq - 1, expected_prev) if expected_seq > start_seq else None)
    return Walk(None, count, (expected_seq - 1, expected_prev) if expected_seq > start_seq else None)


def _link_break(seq, prev_hash, expected_seq, expected_prev, canonical) -> Break | None:
    if seq > expected_seq:
        return Break(expected_seq, "is missing (deleted)")
    if seq < expected_seq:
        return Break(seq, "is out of order or duplicated", content_organisation(canonical))
    if prev_hash != expected_prev:
        return Break(seq, "does not link to the entry before it (inserted, deleted or reordered)",
                     content_organisation(canonical))
    return None
