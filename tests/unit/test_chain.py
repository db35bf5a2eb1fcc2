"""The hash chain notices every kind of tampering, in the hashed bytes or in any column, and names the entry."""
from datetime import datetime, timedelta, timezone

import pytest

from signage.audit.chain import (GENESIS_HASH, StoredEntry, actor_ref, canonical_bytes, columns_match,
                                 entry_hash, verify_chain, walk_chain)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def build_chain(count):
    rows, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        when = T0 + timedelta(seconds=seq, microseconds=1500 * (seq % 2))
        # odd entries by a user through a token, even ones by the system
        actor = ({"type": "user", "id": 7, "label": "lin@example.com", "via": "token 2"} if seq % 2
                 else {"type": "system", "label": "t"})
        content = {"seq": seq, "time": when, "action": "site.updated", "actor": actor,
                   "subject": {"type": "sites", "id": seq * 10}, "organisation_id": 3,
                   "changes": {"n": [seq - 1, seq], "organisation_id": [1, 2]}, "reason": 'moved "here", not 4'}
        canonical = canonical_bytes(content)
        digest = entry_hash(prev, canonical)
        rows.append(StoredEntry(seq, prev, digest, canonical, 3, "sites", seq * 10, "site.updated",
                                when.strftime("%Y-%m-%d %H:%M:%S.%f"), actor_ref(actor)))
        prev = digest
    return rows


def test_intact_chain_verifies():
    assert verify_chain(build_chain(5)) is None


def test_canonical_form_is_independent_of_key_order():
    assert canonical_bytes({"b": 1, "a": "é"}) == canonical_bytes({"a": "é", "b": 1}) == '{"a":"é","b":1}'.encode()


def test_edited_entry_is_named():
    rows = build_chain(5)
    rows[2] = rows[2]._replace(canonical=rows[2].canonical.replace(b'"n":[2,3]', b'"n":[2,4]'))
    found = verify_chain(rows)
    assert found.seq == 3 and "edited" in found.reason and found.organisation_id == 3


@pytest.mark.parametrize("column, value", [
    ("organisation_id", 4), ("organisation_id", 31), ("organisation_id", None), ("subject_type", "signs"),
    ("subject_id", 999), ("subject_id", None), ("action", "site.registered"),
    ("action", 'site.updated","actor":{"label":"t'), ("created_at", "2026-11-02 09:00:03.000001"),
    ("created_at", "2025-11-02 09:00:03.000000"), ("actor_id", 8), ("actor_id", 70), ("actor_id", None),
])
def test_a_column_edited_outside_the_hash_is_named(column, value):
    rows = build_chain(5)
    rows[2] = rows[2]._replace(**{column: value})
    found = verify_chain(rows)
    assert found.seq == 3 and "columns" in found.reason


def test_a_system_entry_given_to_a_user_is_named():
    rows = build_chain(5)
    assert rows[1].actor_id is None and rows[2].actor_id == 7
    rows[1] = rows[1]._replace(actor_id=7)
    found = verify_chain(rows)
    assert found.seq == 2 and "columns" in found.reason


def test_only_a_user_id_opening_the_actor_is_its_column():
    assert actor_ref({"type": "user", "id": 7, "label": "a"}) == 7
    assert actor_ref({"type": "system", "label": "housekeeping"}) is None
    assert actor_ref({"type": "user", "id": "7", "label": "a"}) is None
    assert actor_ref({"type": "user", "id": True, "label": "a"}) is None
    assert actor_ref({"a": 1, "id": 7}) is None  # "a" would open the hashed actor, not the id


def test_every_column_of_an_untouched_row_matches_even_with_tricky_content():
    assert all(columns_match(row) for row in build_chain(4))


def test_deleted_entry_is_named():
    rows = build_chain(5)
    del rows[1]
    assert verify_chain(rows).seq == 2


def test_reordered_entries_are_named():
    rows = build_chain(5)
    rows[1], rows[2] = rows[2], rows[1]
    assert verify_chain(rows).seq == 2


def test_renumbered_entry_is_named():
    rows = build_chain(5)
    rows[4] = rows[4]._replace(seq=6)
    found = verify_chain(rows)
    assert found.seq == 5 and "missing" in found.reason


def test_inserted_entry_is_named():
    rows = build_chain(5)
    content = {"seq": 3, "time": T0, "action": "site.updated", "actor": {"type": "system", "label": "t"},
               "subject": {"type": "sites", "id": 30}, "organisation_id": 3, "changes": {}, "reason": None}
    forged = canonical_bytes(content)
    forged_row = StoredEntry(3, rows[1].hash, entry_hash(rows[1].hash, forged), forged, 3, "sites", 30,
                             "site.updated", T0.strftime("%Y-%m-%d %H:%M:%S.%f"), None)
    rows = rows[:2] + [forged_row] + [row._replace(seq=row.seq + 1) for row in rows[2:]]
    found = verify_chain(rows)
    assert found.seq == 4 and "link" in found.reason


@pytest.mark.parametrize("column, value", [
    ("created_at", "2026-11-02X09:00:03.000000"), ("created_at", "2026-11-02 09:00:03.000000Z"),
    ("created_at", 5), ("organisation_id", "abc"), ("organisation_id", True), ("subject_id", 30.0),
    ("canonical", "text, not bytes"), ("actor_id", "7"), ("actor_id", 7.0), ("actor_id", True),
])
def test_a_column_rewritten_with_another_form_or_type_is_a_break_not_a_crash(column, value):
    rows = build_chain(5)
    rows[2] = rows[2]._replace(**{column: value})
    found = verify_chain(rows)
    assert found is not None and found.seq == 3


def test_a_walk_reports_how_far_it_got_and_the_last_sound_entry():
    rows = build_chain(5)
    walk = walk_chain(rows)
    assert (walk.first_break, walk.entries, walk.head) == (None, 5, (5, rows[4].hash))
    rows[3] = rows[3]._replace(organisation_id=9)
    walk = walk_chain(rows)
    assert walk.first_break.seq == 4 and walk.head == (3, rows[2].hash)
