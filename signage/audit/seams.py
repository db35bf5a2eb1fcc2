"""The parts of a walk of the chain in ranges, and how they join at their seams: pure functions."""
from typing import NamedTuple

from signage.audit.chain import GENESIS_HASH, Break, Walk


class Part(NamedTuple):
    """One range walked on its own: the walk, and its first row's id and stored link for the seam check."""

    first: int
    last: int
    walk: Walk
    #: the id of the part's first row, None for a part without rows
    first_id: int | None = None
    #: that row's stored link, None when it is not text (a tampered column)
    first_prev_hash: str | None = None
    first_organisation: int | None = None
    #: whether that row's hashed bytes cannot even be read for their organisation (a tampered column)
    first_unreadable: bool = False


def cut(last_id: int, parts: int) -> list[tuple[int, int]]:
    """Cut ids 1..last_id into at most `parts` contiguous ranges of nearly equal size (none for no ids).

    The walk reads the first range open below and the last open above (see walk_part), so a row with an id
    outside 1..last_id is still walked, as one walk of the whole log would.
    """
    if last_id < 1:
        return []
    parts = max(1, min(parts, last_id))
    step, extra = divmod(last_id, parts)
    ranges, start = [], 1
    for index in range(parts):
        end = start + step - 1 + (1 if index < extra else 0)
        ranges.append((start, end))
        start = end + 1
    return ranges


def joined(parts: list[Part]) -> Walk:
    """Join walked parts, in id order, into the walk one process would have made of the whole chain: the
    same first break, the same count of entries read and the same head."""
    expected_seq, expected_prev, count, head = 1, GENESIS_HASH, 0, None
    for index, part in enumerate(parts):
        if index > 0:  # the opening part began at the chain's start itself; every other one has a seam
            if part.first_id is None:
                continue  # nothing to read here: the next row read, wherever it is, must carry on
            if part.first_id != expected_seq:  # ids missing at the end of the part before, or at this start
                return Walk(Break(expected_seq, "is missing (deleted)"), count + 1, head)
            if part.first_prev_hash != expected_prev:
                found = Break(part.first_id, "cannot be read as an entry (edited)") if part.first_unreadable else \
                    Break(part.first_id, "does not link to the entry before it (inserted, deleted or reordered)",
                          part.first_organisation)
                return Walk(found, count + 1, head)
        count += part.walk.entries
        if part.walk.first_break is not None:
            return Walk(part.walk.first_break, count, part.walk.head or head)
        if part.walk.head is not None:
            head = part.walk.head
            expected_seq, expected_prev = head[0] + 1, head[1]
    return Walk(None, count, head)
