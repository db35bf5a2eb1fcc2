"""Pages of long lists: `limit` and an opaque `cursor`, read by keyset so every page costs the same."""
import re
from dataclasses import dataclass

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import BigInteger, Select

from signage.rules.findings import N_

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
#: "a" (after) or "b" (before), then a key: every string of this form is a cursor, so none can fail.
CURSOR_PATTERN = r"^[ab](0|[1-9][0-9]{0,17})$"
_DIRECTIONS = {"a": "after", "b": "before"}
INTEGER_MAX, BIG_MAX = 2**31 - 1, 2**63 - 1


class Cursor(fields.String):
    """Where a list continues: copied from a Link header, read as (direction, key)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": CURSOR_PATTERN,
                                   "description": "Where to continue: copy it from a Link header."}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(CURSOR_PATTERN, text):
            raise ValidationError(N_("Not a cursor; follow the Link header."))
        return _DIRECTIONS[text[0]], int(text[1:])


class PageQuerySchema(Schema):
    """The query of any list: how many items, and where to continue."""

    class Meta:
        unknown = RAISE

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"Items per page, at most {MAX_LIMIT}."})
    cursor = Cursor(load_default=None, allow_none=False)


@dataclass(frozen=True)
class Page:
    """One page of items, and the cursors of the pages after and before it (None at either end)."""

    items: list
    next_cursor: str | None
    prev_cursor: str | None


def encode_cursor(direction: str, key: int) -> str:
    """Return the cursor continuing after (or before) the item with this key."""
    return ("a" if direction == "after" else "b") + str(key)


def keyset_page(session, query: Select, key_column, *, limit: int, cursor: tuple | None, descending: bool) -> Page:
    """Return one page of query's rows ordered by a unique integer key, continuing from a loaded cursor.

    One statement per page, whatever the list's length: the key's index finds where to start.
    """
    direction, key = cursor or ("after", None)
    if key is not None:  # past the largest key the column holds there is nothing: no need to ask the database
        key = min(key, BIG_MAX if isinstance(key_column.type, BigInteger) else INTEGER_MAX)
    forward = direction == "after"
    ascending = forward != descending
    if key is not None:
        query = query.where(key_column > key if ascending else key_column < key)
    query = query.order_by(key_column.asc() if ascending else key_column.desc()).limit(limit + 1)
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit] if forward else list(reversed(rows[:limit]))
    if not rows:
        return Page([], None, None)
    first, last = _key(rows[0], key_column), _key(rows[-1], key_column)
    after_exists = more if forward else key is not None
    before_exists = key is not None if forward else more
    return Page(rows, encode_cursor("after", last) if after_exists else None,
                encode_cursor("before", first) if before_exists else None)


def offset_page(items: list, *, limit: int, cursor: tuple | None) -> Page:
    """Return one page of a short, computed list (a site's findings), with the same cursors."""
    direction, key = cursor or ("after", 0)
    start = key if direction == "after" else max(key - limit, 0)
    page = items[start:start + limit]
    end = start + len(page)
    return Page(page, encode_cursor("after", end) if end < len(items) else None,
                encode_cursor("before", start) if start > 0 and page else None)


def _key(row, key_column):
    return getattr(row, key_column.key)
