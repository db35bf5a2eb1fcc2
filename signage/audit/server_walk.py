"""Walking the chain on PostgreSQL: the server checks every entry itself and sends only the ones that may
be broken, which Python then checks exactly as walk_chain checks every entry on SQLite.

Reading every stored column of every entry into Python costs the driver and the interpreter several
microseconds an entry, on the same CPUs the server needs to send them. The server can hash and compare in
C instead (sha256() is built into PostgreSQL 11 and later): the statement below keeps an entry back only
when every check passes — its number follows the one before, its link is that entry's hash, its bytes
hash to its hash, and its columns say what its bytes say. Its test is at least as strict as
chain._columns_match, never looser: an entry it lets through is sound by walk_chain's rules too, and an
entry it sends may still be sound (the organisation's marker appearing twice, say), which walk_chain
then decides. So the walk's answer (first break, entries read, head) is the one walk_chain gives when it
reads every row, and tests hold the two to that on the same tampered logs.
"""
import itertools

from signage.audit.chain import Walk, walk_chain

#: Every stored column in StoredEntry's order, then the entry before (its id and hash) and the entry's
#: position in the range, for each entry the server could not vouch for, in id order.
SUSPECTS_SQL = r"""
SELECT id, prev_hash, hash, canonical, organisation_id, subject_type, subject_id, action, stamp, actor_id,
       before_id, before_hash, position
FROM (
  SELECT *,
         convert_to(',"seq":' || id || ',"subject":{"id":' || coalesce(subject_id::text, 'null')
                    || ',"type":"' || subject_type || '"},"time":"' || substr(stamp, 1, 10) || 'T'
                    || CASE WHEN substr(stamp, 21) = '000000' THEN substr(stamp, 12, 8) ELSE substr(stamp, 12) END
                    || '+00:00"}', 'UTF8') AS tail,
         convert_to(',"organisation_id":' || coalesce(organisation_id::text, 'null') || ',"reason":', 'UTF8')
           AS marker,
         convert_to('{"action":"' || action || '","actor":{' || coalesce('"id":' || actor_id::text || ',', ''), 'UTF8')
           AS opening
  FROM (
    SELECT id, prev_hash, hash, canonical, organisation_id, subject_type, subject_id, action, actor_id,
           to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS stamp,
           lag(id) OVER w AS before_id, lag(hash) OVER w AS before_hash, row_number() OVER w AS position
    FROM audit_entries {where} WINDOW w AS (ORDER BY id)
  ) stored
  OFFSET 0  -- computed once each: the planner would otherwise copy these expressions into every test
) expected
WHERE NOT coalesce(
  before_id = id - 1 AND prev_hash = before_hash
  AND encode(sha256(convert_to(prev_hash, 'UTF8') || '\x0a'::bytea || canonical), 'hex') = hash
  AND strpos(action, '"') = 0 AND strpos(action, '\') = 0
  AND strpos(subject_type, '"') = 0 AND strpos(subject_type, '\') = 0
  -- the action opens the bytes, then the actor: a user's id first, equal to the column; no column, no id there
  -- (compared as prefixes: a position() that finds nothing reads the whole entry)
  AND substring(canonical from 1 for octet_length(opening)) = opening
  AND (actor_id IS NOT NULL OR substring(canonical from octet_length(opening) + 1 for 5) <> '"id":'::bytea)
  AND length(stamp) = 26
  AND substring(canonical from octet_length(canonical) - octet_length(tail) + 1) = tail
  AND position(marker in canonical) > 1
  AND position(',"organisation_id":'::bytea in substring(canonical from position(marker in canonical) + 1)) = 0,
  false)
ORDER BY id
"""
#: The range's last entry and how many it holds: the head and the count of a walk that found nothing.
SETTINGS_SQL = "SELECT set_config('enable_sort', %s, true), set_config('jit', %s, true)"
END_SQL = """
SELECT id, hash, (SELECT count(*) FROM audit_entries {where}) FROM audit_entries {where} ORDER BY id DESC LIMIT 1
"""


def range_where(*, above: bool, below: bool) -> str:
    """Return the WHERE clause of a range open below (not above) or above (not below), with %s marks."""
    bounds = (["id >= %s"] if above else []) + (["id <= %s"] if below else [])
    return f"WHERE {' AND '.join(bounds)}" if bounds else ""


def walk_on_server(stream_cursor, plain_cursor, bounds: tuple, *, above: bool, below: bool, start_seq: int = 1,
                   start_hash: str | None, batch_size: int = 2_000) -> tuple[Walk, tuple | None]:
    """Walk a range as walk_chain would, the server checking every entry; return the walk and the range's
    first stored row (None for a range without rows), which the seam check between ranges needs.

    stream_cursor is a server-side cursor (memory stays flat however many entries the server sends);
    plain_cursor reads the one row of END_SQL. start_seq and start_hash mean what they mean to walk_chain.
    """
    where = range_where(above=above, below=below)
    plain_cursor.execute("SELECT current_setting('enable_sort'), current_setting('jit')")
    saved = plain_cursor.fetchone()
    # along the primary key, in the order the walk needs: left to itself the planner may scan in parallel
    # and sort the whole range on disk (0.75 s against 0.55 s for 125,000 entries here), and compiling
    # the checks with JIT costs more than it saves. For this transaction only, and put back afterwards.
    plain_cursor.execute(SETTINGS_SQL, ("off", "off"))
    walk, first = _walk_suspects(stream_cursor, plain_cursor, where, bounds, start_seq, start_hash, batch_size)
    plain_cursor.execute(SETTINGS_SQL, saved)  # not after an error: the rollback puts them back itself
    return walk, first


def _walk_suspects(stream_cursor, plain_cursor, where, bounds, start_seq, start_hash, batch_size):
    stream_cursor.execute(SUSPECTS_SQL.replace("{where}", where), bounds)
    suspects = itertools.chain.from_iterable(iter(lambda: stream_cursor.fetchmany(batch_size), []))
    first = None
    for suspect in suspects:
        row, before_id, before_hash, position = suspect[:10], suspect[10], suspect[11], suspect[12]
        if position == 1:
            first = row  # the first entry of a range has no entry before it here: it is always sent
            found = walk_chain((row,), start_seq=start_seq, start_hash=start_hash)
            head = None
        else:
            found = walk_chain((row,), start_seq=before_id + 1, start_hash=before_hash)
            head = (before_id, before_hash)
        if found.first_break is not None:
            return Walk(found.first_break, position, head), first
    plain_cursor.execute(END_SQL.replace("{where}", where), bounds * 2)
    end = plain_cursor.fetchone()
    if end is None:
        return Walk(None, 0, None), None
    return Walk(None, end[2], (end[0], end[1])), first
