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

#: How far before its end an entry's organisation is looked for first: it sits just before the reason,
#: which the fixed tail follows, so a search from the start would read through every change first.
NEAR_END = 320

#: Every stored column in StoredEntry's order, then the entry before (its id and hash) and the entry's
#: position in the range, for each entry the server could not vouch for, in id order, and the range's last
#: entry (read once, in the same snapshot: the head of a walk that found nothing; its count needs no scan,
#: since every entry but the first was checked to follow the one before it, so the ids run on from the
#: first one to the last). The checks run on each row as it is read, so the window that links each entry
#: to the one before carries only ids, hashes and the verdict, and the few suspects are read again by id.
SUSPECTS_SQL = r"""
SELECT entry.id, entry.prev_hash, entry.hash, entry.canonical, entry.organisation_id, entry.subject_type,
       entry.subject_id, entry.action, to_char(entry.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
       entry.actor_id, linked.before_id, linked.before_hash, linked.position,
       (SELECT id FROM audit_entries {where} ORDER BY id DESC LIMIT 1) AS last_id,
       (SELECT hash FROM audit_entries {where} ORDER BY id DESC LIMIT 1) AS last_hash
FROM (
  SELECT id, prev_hash, sound, lag(id) OVER w AS before_id, lag(hash) OVER w AS before_hash,
         row_number() OVER w AS position
  FROM (
    SELECT id, prev_hash, hash, coalesce(
      encode(sha256(convert_to(prev_hash, 'UTF8') || '\x0a'::bytea || canonical), 'hex') = hash
      AND strpos(action, '"') = 0 AND strpos(action, '\') = 0
      AND strpos(subject_type, '"') = 0 AND strpos(subject_type, '\') = 0
      -- the action opens the bytes, then the actor: a user's id first, equal to the column; no column, no id there
      -- (compared as prefixes: a position() that finds nothing reads the whole entry)
      AND substring(canonical from 1 for octet_length(opening)) = opening
      AND (actor_id IS NOT NULL OR substring(canonical from octet_length(opening) + 1 for 5) <> '"id":'::bytea)
      -- a year of four digits after Christ, so the type's own output (DateStyle ISO) is 'YYYY-MM-DD HH:MM:SS'
      -- and a fraction without its trailing zeros, which isoformat() writes in full or not at all
      AND created_at >= '0001-01-01 00:00:00+00' AND created_at < '10000-01-01 00:00:00+00'
      AND substring(canonical from octet_length(canonical) - octet_length(tail) + 1) = tail
      -- the organisation's marker, and no organisation key after it: the last one in the entry is its own
      AND marker_at > 1
      AND position(',"organisation_id":'::bytea in substring(canonical from marker_at + 1)) = 0,
      false) AS sound
    FROM (
      SELECT *, CASE WHEN near_at > 0 THEN near + near_at - 1 ELSE position(marker in canonical) END AS marker_at
      FROM (
        SELECT *, position(marker in substring(canonical from near)) AS near_at
        FROM (
          SELECT id, prev_hash, hash, canonical, action, subject_type, actor_id, created_at,
                 greatest(1, octet_length(canonical) - {near_end}) AS near,
                 convert_to(',"seq":' || id || ',"subject":{"id":' || coalesce(subject_id::text, 'null')
                            || ',"type":"' || subject_type || '"},"time":"'
                            -- in bytes, not characters: counting characters costs more than the rest
                            || replace(CASE WHEN octet_length(stamp) = 19 THEN stamp
                                            ELSE stamp || repeat('0', 26 - octet_length(stamp)) END, ' ', 'T')
                            || '+00:00"}', 'UTF8') AS tail,
                 convert_to(',"organisation_id":' || coalesce(organisation_id::text, 'null') || ',"reason":', 'UTF8')
                   AS marker,
                 convert_to('{"action":"' || action || '","actor":{' || coalesce('"id":' || actor_id::text || ',', ''),
                            'UTF8') AS opening
          FROM (SELECT *, (created_at AT TIME ZONE 'UTC')::text AS stamp FROM audit_entries {where}
                ORDER BY id OFFSET 0) stored
          -- each level computed once: the planner would otherwise copy these expressions into every test
          ORDER BY id OFFSET 0
        ) expected
        ORDER BY id OFFSET 0
      ) searched
      ORDER BY id OFFSET 0
    ) found
    ORDER BY id OFFSET 0
  ) checked
  WINDOW w AS (ORDER BY id)
) linked
CROSS JOIN LATERAL (SELECT * FROM audit_entries WHERE audit_entries.id = linked.id LIMIT 1) entry
WHERE NOT coalesce(sound AND before_id = linked.id - 1 AND linked.prev_hash = before_hash, false)
ORDER BY linked.id
""".replace("{near_end}", str(NEAR_END))
SETTINGS_SQL = ("SELECT set_config('enable_sort', %s, true), set_config('jit', %s, true), "
                "set_config('DateStyle', %s, true)")


def range_where(*, above: bool, below: bool) -> str:
    """Return the WHERE clause of a range open below (not above) or above (not below), with %s marks."""
    bounds = (["id >= %s"] if above else []) + (["id <= %s"] if below else [])
    return f"WHERE {' AND '.join(bounds)}" if bounds else ""


def walk_on_server(stream_cursor, plain_cursor, bounds: tuple, *, above: bool, below: bool, start_seq: int = 1,
                   start_hash: str | None, batch_size: int = 2_000) -> tuple[Walk, tuple | None]:
    """Walk a range as walk_chain would, the server checking every entry; return the walk and the range's
    first stored row (None for a range without rows), which the seam check between ranges needs.

    stream_cursor is a server-side cursor (memory stays flat however many entries the server sends);
    plain_cursor sets the transaction's settings. start_seq and start_hash mean what they mean to walk_chain.
    """
    where = range_where(above=above, below=below)
    plain_cursor.execute("SELECT current_setting('enable_sort'), current_setting('jit'), current_setting('DateStyle')")
    saved = plain_cursor.fetchone()
    # along the primary key, in the order the walk needs: left to itself the planner may scan in parallel
    # and sort the whole range on disk (0.75 s against 0.55 s for 125,000 entries here), and compiling
    # the checks with JIT costs more than it saves. For this transaction only, and put back afterwards.
    plain_cursor.execute(SETTINGS_SQL, ("off", "off", "ISO, MDY"))
    walk, first = _walk_suspects(stream_cursor, where, bounds, start_seq, start_hash, batch_size)
    plain_cursor.execute(SETTINGS_SQL, saved)  # not after an error: the rollback puts them back itself
    return walk, first


def _walk_suspects(stream_cursor, where, bounds, start_seq, start_hash, batch_size):
    # the range's bounds for the last entry's id, its hash, then the range itself
    stream_cursor.execute(SUSPECTS_SQL.replace("{where}", where), bounds * 3)
    suspects = itertools.chain.from_iterable(iter(lambda: stream_cursor.fetchmany(batch_size), []))
    first = last = None
    for suspect in suspects:
        row, (before_id, before_hash, position, *last) = suspect[:10], suspect[10:]
        if position == 1:
            first = row  # the first entry of a range has no entry before it here: it is always sent
            found = walk_chain((row,), start_seq=start_seq, start_hash=start_hash)
            head = None
        else:
            found = walk_chain((row,), start_seq=before_id + 1, start_hash=before_hash)
            head = (before_id, before_hash)
        if found.first_break is not None:
            return Walk(found.first_break, position, head), first
    if first is None:  # the first entry is always sent: none came, the range holds none
        return Walk(None, 0, None), None
    last_id, last_hash = last
    return Walk(None, last_id - first[0] + 1, (last_id, last_hash)), first
