"""The hash chain notices every kind of tampering and names the entry."""
from signage.audit.chain import GENESIS_HASH, canonical_bytes, entry_hash, verify_chain


def build_chain(count):
    rows, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        canonical = canonical_bytes({"seq": seq, "action": "site.updated", "changes": {"n": [seq - 1, seq]}})
        digest = entry_hash(prev, canonical)
        rows.append((seq, prev, digest, canonical))
        prev = digest
    return rows


def test_intact_chain_verifies():
    assert verify_chain(build_chain(5)) is None


def test_canonical_form_is_independent_of_key_order():
    assert canonical_bytes({"b": 1, "a": "é"}) == canonical_bytes({"a": "é", "b": 1}) == '{"a":"é","b":1}'.encode()


def test_edited_entry_is_named():
    rows = build_chain(5)
    seq, prev, digest, canonical = rows[2]
    rows[2] = (seq, prev, digest, canonical.replace(b'"n":[2,3]', b'"n":[2,4]'))
    found = verify_chain(rows)
    assert found.seq == 3 and "edited" in found.reason


def test_deleted_entry_is_named():
    rows = build_chain(5)
    del rows[1]
    assert verify_chain(rows).seq == 2


def test_reordered_entries_are_named():
    rows = build_chain(5)
    rows[1], rows[2] = rows[2], rows[1]
    assert verify_chain(rows).seq == 2


def test_inserted_entry_is_named():
    rows = build_chain(5)
    forged = canonical_bytes({"seq": 3, "action": "site.updated"})
    rows = rows[:2] + [(3, rows[1][2], entry_hash(rows[1][2], forged), forged)] + [
        (seq + 1, prev, digest, canonical) for seq, prev, digest, canonical in rows[2:]]
    found = verify_chain(rows)
    assert found.seq == 4 and "link" in found.reason
