"""Pages of long lists: `limit` and an opaque `cursor`, read by keyset so every page costs the same."""
import base64
import binascii
import json
from dataclasses import dataclass

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import Select

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuerySchema(Schema):
    """The query of any list: how many items, and where to continue."""

    class Meta:
        unknown = RAISE

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"Items per page, at most {MAX_LIMIT}."})
    cursor = fields.String(load_default=None, validate=validate.Length(max=200),
                           metadata={"description": "Where to continue: copy it from a Link header, never build it."})


@dataclass(frozen=True)
class Page:
    """One page of items, and the cursors of the pages after and before it (None at either end)."""

    items: list
    next_cursor: str | None
    prev_cursor: str | None


def encode_cursor(direction: str, key) -> str:
    """Return an opaque cursor continuing after (or before) the item with this key."""
    return base64.urlsafe_b64encode(json.dumps([direction, key]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, object]:
    """Return (direction, key) from a cursor, or raise ValidationError naming the cursor."""
    try:
        direction, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError("Not a cursor this list gave; follow the Link header.", "cursor") from None
    if direction not in ("after", "before") or not isinstance(key, int) or isinstance(key, bool):
        raise ValidationError("Not a cursor this list gave; follow the Link header.", "cursor")
    return direction, key


def keyset_page(session, query: Select, key_column, *, limit: int, cursor: str | None, descending: bool) -> Page:
    """Return one page of query's rows ordered by a unique integer key, continuing from cursor.

    One statement per page, whatever the list's length: the key's index finds where to start.
    """
    direction, key = decode_cursor(cursor) if cursor else ("after", None)
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


def offset_page(items: list, *, limit: int, cursor: str | None) -> Page:
    """Return one page of a short, computed list (a site's findings), with the same cursors."""
    direction, key = decode_cursor(cursor) if cursor else ("after", 0)
    start = key if direction == "after" else max(key - limit, 0)
    if start < 0:
        raise ValidationError("Not a cursor this list gave; follow the Link header.", "cursor")
    page = items[start:start + limit]
    end = start + len(page)
    return Page(page, encode_cursor("after", end) if end < len(items) else None,
                encode_cursor("before", start) if start > 0 and page else None)


def _key(row, key_column):
    return getattr(row, key_column.key)
