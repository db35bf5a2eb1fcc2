"""The audit log as a transparency log, as an outsider meets it over HTTP: a checkpoint signed in the
transaction of each notice publication, opened with the published verifier key; tiles holding the entries'
leaf hashes; a public entry proved in the log; two checkpoints proved consistent; and a rewrite of history
after a saved checkpoint caught by `flask audit verify --against`, even when the chain and the tiles were
rewritten to match."""
import base64
import hashlib
import json

from sqlalchemy import text

from signage.audit import merkle, notes
from signage.audit.transparency import sign_checkpoint
from signage.database import utcnow
from signage.housekeeping import run_housekeeping
from signage.sites.services import change_status, update_site
from helpers import T0, rewrite_history, tampering


def opened_checkpoint(client) -> notes.Checkpoint:
    response = client.get("/log/checkpoint")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers
    key = client.get("/log/key").get_data(as_text=True)
    return notes.parse_checkpoint(notes.open_note(response.get_data(as_text=True), notes.parse_verifier(key)))


def entry_count(db) -> int:
    return db.session.scalar(text("SELECT count(*) FROM audit_entries"))


def b64(values):
    return [base64.b64decode(value) for value in values]


def test_a_notice_publication_commits_with_a_checkpoint_covering_it(client, live_site, db):
    checkpoint = opened_checkpoint(client)
    assert checkpoint.origin.endswith("/log") and checkpoint.size == entry_count(db)
    published = db.session.scalar(text("SELECT max(id) FROM audit_entries WHERE action = 'notice.published'"))
    assert published <= checkpoint.size


def test_the_tiles_hold_each_entrys_leaf_hash_and_a_public_entry_is_proved_in_the_log(client, live_site, db):
    checkpoint = opened_checkpoint(client)
    size = checkpoint.size
    tile = client.get(f"/log/tile/0/000.p/{size}")
    assert tile.status_code == 200 and len(tile.data) == 32 * size
    rows = db.session.execute(text("SELECT id, canonical, action FROM audit_entries ORDER BY id")).all()
    leaves = [hashlib.sha256(b"\x00" + bytes(row.canonical)).digest() for row in rows[:size]]
    assert [tile.data[i * 32:(i + 1) * 32] for i in range(size)] == leaves
    assert merkle.root(merkle.in_memory(leaves), size) == checkpoint.root
    public = next(row for row in rows[:size] if row.action == "notice.published")
    entry = client.get(f"/log/entry/{public.id - 1}")
    assert entry.status_code == 200 and json.loads(entry.data)["action"] == "notice.published"
    proof = client.get(f"/log/proof/inclusion?index={public.id - 1}&size={size}").get_json()
    assert merkle.verify_inclusion(public.id - 1, size, merkle.leaf_hash(entry.data), b64(proof["hashes"]),
                                   checkpoint.root)
    private = next(row for row in rows if row.action not in ("notice.published", "site.status_changed"))
    assert client.get(f"/log/entry/{private.id - 1}").status_code == 404  # its hash only


def test_two_checkpoints_are_proved_consistent(client, live_site, db, owner, settings):
    site, _sign = live_site
    first = opened_checkpoint(client)
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=settings, reason="shorter")
    db.session.commit()
    second = opened_checkpoint(client)
    assert second.size > first.size
    proof = client.get(f"/log/proof/consistency?old={first.size}&size={second.size}").get_json()
    assert merkle.verify_consistency(first.size, second.size, b64(proof["hashes"]), first.root, second.root)
    assert client.get(f"/log/proof/consistency?old=0&size={second.size}").status_code == 400
    assert client.get(f"/log/proof/inclusion?index={second.size}&size={second.size}").status_code == 400
    assert client.get("/log/proof/inclusion?index=-1&size=1").status_code == 400


def test_unknown_tiles_and_paths_are_not_found(client, live_site):
    for path in ("/log/tile/0/999", "/log/tile/0/0001", "/log/tile/9/000", "/log/tile/0/000.p/256", "/log/tile/x"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "application/problem+json", path


def saved(tmp_path, client):
    path = tmp_path / "checkpoint"
    path.write_text(client.get("/log/checkpoint").get_data(as_text=True))
    return str(path)


def test_the_log_extends_a_saved_checkpoint_until_history_is_rewritten_chain_and_tiles_included(
        client, runner, live_site, db, owner, settings, tmp_path):
    site, _sign = live_site
    checkpoint = saved(tmp_path, client)
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=settings, reason="later")
    db.session.commit()
    result = runner.invoke(args=["audit", "verify", "--against", checkpoint])
    assert result.exit_code == 0 and "the log extends the checkpoint" in result.output
    # rewrite the activation's reason, then every later hash, as someone owning the database would
    with tampering(db) as session:
        rows = rewrite_history(session, b'"go live"', b'"tested"')
    changed = [row.id for row in rows if b'"go live"' in bytes(row.canonical)]
    assert changed
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the chain alone cannot tell
    result = runner.invoke(args=["audit", "verify", "--against", checkpoint])
    # the tiles still hold the published leaves: the entry is named
    assert result.exit_code == 1 and f"Entry {changed[0]} was changed after the checkpoint" in result.output
    with tampering(db) as session:  # the tiles rewritten as well
        session.execute(text("DELETE FROM log_hashes"))
        session.execute(text("DELETE FROM log_checkpoints"))
    sign_checkpoint(now=utcnow())
    db.session.commit()
    result = runner.invoke(args=["audit", "verify", "--against", checkpoint])
    assert result.exit_code == 1 and "no longer hash to the checkpoint's root" in result.output


def test_a_checkpoint_file_that_does_not_parse_or_verify_is_refused_with_a_reason(client, runner, live_site, tmp_path):
    bad = tmp_path / "bad"
    bad.write_text("not a checkpoint\n")
    result = runner.invoke(args=["audit", "verify", "--against", str(bad)])
    assert result.exit_code == 2 and "a note is its text" in result.output
    forged = tmp_path / "forged"
    lines = client.get("/log/checkpoint").get_data(as_text=True).split("\n")
    lines[1] = str(int(lines[1]) - 1)  # a smaller log claimed under the same signature
    forged.write_text("\n".join(lines))
    result = runner.invoke(args=["audit", "verify", "--against", str(forged)])
    assert result.exit_code == 2 and "does not verify" in result.output


def test_housekeeping_adds_new_entries_to_the_log_and_signs_when_due(client, live_site, db, owner, settings):
    site, _sign = live_site
    before = opened_checkpoint(client)
    change_status(site, "suspended", reason="works", by=owner, now=T0, settings=settings)
    db.session.commit()  # a status change signs nothing itself
    assert opened_checkpoint(client).size == before.size
    db.session.execute(text("UPDATE log_checkpoints SET signed_at = :old"), {"old": "2000-01-01 00:00:00.000000"}
                       if db.engine.dialect.name == "sqlite" else {"old": "2000-01-01T00:00:00+00:00"})
    db.session.commit()
    report = run_housekeeping()
    assert report["checkpoints"] == 1 and report["logged"] >= 1
    assert opened_checkpoint(client).size == entry_count(db)
    assert run_housekeeping()["checkpoints"] == 0  # nothing new, signed a moment ago
