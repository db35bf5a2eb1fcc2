"""The static copy (`flask export-static DIR`) as a static host serves it: Python's own file server, which
knows nothing of signage, answers the QR code's addresses with the pages the app serves; a second run
writes only what changed and removes what went; a run stopped half-way leaves nothing behind; and a saved
copy names the entry a later rewrite of history changed."""
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from signage.audit.transparency import sign_checkpoint
from signage.database import utcnow
from signage.housekeeping import run_housekeeping
from signage.signs.models import Sign
from signage.sites.services import change_status, update_site
from signage.static_export.export import export_static
from signage.static_export.tree import ASIDE, JOURNAL, MANIFEST
from helpers import NORTH_GATE_ZH, T0, rewrite_history, tampering


@pytest.fixture
def static_host():
    """Serve a folder with `python -m http.server`, as any static host would."""
    servers = []

    def serve(folder: Path) -> str:
        server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                                   "--directory", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)
        servers.append(server)
        line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        port = re.search(r"port (\d+)", line).group(1)
        return f"http://127.0.0.1:{port}"
    yield serve
    for server in servers:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def fetched(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # follows the host's redirect to the folder
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, None, b""


def export(runner, folder: Path, jobs: int = 1):
    result = runner.invoke(args=["export-static", "--jobs", str(jobs), str(folder)])
    assert result.exit_code == 0, result.output
    return result.output


def written(output: str) -> int:
    return int(re.search(r"wrote ([\d,]+) files", output).group(1).replace(",", ""))


@pytest.fixture
def two_live(publish, make_sign, db):
    """Two live sites, one with a second sign printed in English first; the log checkpointed."""
    first = publish(site_name="North gate", text_translations=NORTH_GATE_ZH)
    second = publish(site_name="South gate")
    english = make_sign(second, languages=["en", "zh-Hans"])
    run_housekeeping()
    db.session.commit()
    return first, second, english


def test_the_static_host_serves_each_sign_and_notice_address_as_the_app_does(
        client, runner, two_live, tmp_path, static_host, db):
    first, second, english = two_live
    output = export(runner, tmp_path / "copy")
    assert "2 sites, 3 signs, 2 register rows" in output
    host = static_host(tmp_path / "copy")
    signs = [(sign.serial, sign.languages[0]) for sign in db.session.scalars(select(Sign).order_by(Sign.id))]
    assert (english.serial, "en") in signs and any(language == "zh-Hans" for _serial, language in signs)
    for serial, language in signs:
        for path, asked_in in ((f"/S/{serial}", language), (f"/S/{serial}/en/", "en"),
                               (f"/S/{serial}/zh-Hans/", "zh-Hans")):
            status, mimetype, body = fetched(host + path)
            app = client.get(path, headers={"Accept-Language": asked_in})
            assert status == 200 and mimetype == "text/html" and body == app.data, path
            assert f'<html lang="{asked_in}">'.encode() in body
        status, mimetype, body = fetched(f"{host}/S/{serial}/en/notice.json")
        assert mimetype == "application/json" and json.loads(body)["sign"]["serial"] == serial
    for site in (first, second):
        for path in (f"/n/{site.code}/v1/notice.pdf", f"/n/{site.code}/v1/notice.jsonld", f"/n/{site.code}/zh-Hans/"):
            status, mimetype, body = fetched(host + path)
            assert status == 200 and body == client.get(path).data, path
        assert fetched(f"{host}/n/{site.code}/v1/notice.pdf")[1] == "application/pdf"
    for path in ("/register.csv", "/register.geojson", "/log/checkpoint", "/log/key", "/.well-known/jwks.json"):
        status, _mimetype, body = fetched(host + path)
        assert status == 200 and body == client.get(path).data, path
    size = int(fetched(host + "/log/checkpoint")[2].decode().split("\n")[1])
    status, _mimetype, tile = fetched(f"{host}/log/tile/0/000.p/{size}")
    assert status == 200 and tile == client.get(f"/log/tile/0/000.p/{size}").data and len(tile) == 32 * size
    register = fetched(host + "/register/")[2].decode()
    assert register == client.get("/register/page/1/", headers={"Accept-Language": "zh-Hans"}).get_data(as_text=True)
    assert f'href="/n/{first.code}/zh-Hans/"' in register and "北门" in register
    status, _mimetype, css = fetched(host + re.search(r'href="(/static/notice\.css\?v=\w+)"', register).group(1))
    with client.get("/static/notice.css") as served:
        assert status == 200 and css == served.data
    assert fetched(f"{host}/S/NOSUCHSERIAL")[0] == 404


def test_a_second_run_writes_only_what_changed_and_removes_what_went(
        app, runner, two_live, tmp_path, db, owner, settings):
    first, second, english = two_live
    app.config["REGISTER_NUMBERED_ROWS"] = 1  # a page per site, so one going off the list removes a page
    copy = tmp_path / "copy"
    export(runner, copy)
    (copy / "README.host").write_text("the host's own file")
    assert written(export(runner, copy)) == 0
    others = [copy / f"S/{english.serial}/index.html", copy / f"n/{second.code}/v1/notice.pdf",
              copy / f"n/{second.code}/en/notice.json"]
    before = [path.stat().st_mtime_ns for path in others]
    update_site(first, {"retention_period_days": 3}, by=owner, now=T0 + timedelta(days=1), settings=settings,
                reason="shorter")
    db.session.commit()
    run_housekeeping()
    output = export(runner, copy)
    assert json.loads((copy / f"n/{first.code}/en/notice.json").read_text())["version"]["number"] == 2
    assert (copy / f"n/{first.code}/v2/notice.pdf").is_file()
    assert [path.stat().st_mtime_ns for path in others] == before  # the other site's pages are left alone
    assert 0 < written(output) < 50
    old_tile = next((copy / "log/tile/0").glob("000.p/*"))
    change_status(second, "suspended", reason="works", by=owner, now=T0 + timedelta(days=2), settings=settings)
    db.session.commit()
    run_housekeeping()
    sign_checkpoint(now=utcnow())  # the hourly one, early
    db.session.commit()
    assert (copy / "register/page/2/index.html").is_file()
    output = export(runner, copy)
    # the register's page 2 in its three paths, and the log's partial tile the grown tree replaced
    assert "removed 4" in output and not old_tile.exists()
    assert not (copy / "register/page/2").exists() and not (copy / "register/en/page/2").exists()
    assert "暂停" in (copy / f"S/{english.serial}/zh-Hans/index.html").read_text()
    assert (copy / "README.host").read_text() == "the host's own file"
    assert not (copy / ASIDE).exists() and not (copy / JOURNAL).exists()


def test_several_processes_write_the_same_copy_as_one(runner, two_live, tmp_path):
    export(runner, tmp_path / "one")
    export(runner, tmp_path / "two", jobs=2)
    def files(folder):
        return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*")
                if path.is_file()}
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert len(one) > 50 and one.keys() == two.keys()
    assert {path for path in one if one[path] != two[path]} == set()
    assert written(export(runner, tmp_path / "two", jobs=2)) == 0  # incremental in workers too


def test_a_run_stopped_half_way_leaves_whole_files_and_the_next_run_knows_them(
        app, runner, two_live, tmp_path, db, owner, settings):
    _first, second, _english = two_live
    app.config["REGISTER_NUMBERED_ROWS"] = 1
    copy = tmp_path / "copy"

    def stop(_count):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_static(app, copy, on_done=stop)
    assert not (copy / MANIFEST).exists() and (copy / JOURNAL).is_file()
    assert (copy / "register/page/2/index.html").is_file() and not any((copy / ASIDE).iterdir())
    change_status(second, "suspended", reason="works", by=owner, now=T0 + timedelta(days=2), settings=settings)
    db.session.commit()
    export(runner, copy)
    assert not (copy / "register/page/2/index.html").exists()  # written by the stopped run, owned all the same
    assert not (copy / JOURNAL).exists() and json.loads((copy / MANIFEST).read_text())["format"] == 1


def test_a_saved_copy_names_the_entry_a_rewrite_changed_even_with_the_tiles_rewritten(
        runner, two_live, tmp_path, db):
    saved = tmp_path / "saved"
    export(runner, saved)
    result = runner.invoke(args=["audit", "verify", "--against", str(saved)])
    assert result.exit_code == 0 and "the log extends the checkpoint" in result.output
    with tampering(db) as session:  # rewrite an activation's reason, the chain, the tiles and the checkpoints
        rows = rewrite_history(session, b'"go live"', b'"tested"')
        session.execute(text("DELETE FROM log_hashes"))
        session.execute(text("DELETE FROM log_checkpoints"))
    run_housekeeping()
    sign_checkpoint(now=utcnow())
    db.session.commit()
    changed = next(row.id for row in rows if b'"go live"' in bytes(row.canonical))
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the database agrees with itself
    alone = runner.invoke(args=["audit", "verify", "--against", str(saved / "log" / "checkpoint")])
    assert alone.exit_code == 1 and "no longer hash to the checkpoint's root" in alone.output
    result = runner.invoke(args=["audit", "verify", "--against", str(saved)])
    assert result.exit_code == 1 and f"Entry {changed} was changed after the checkpoint" in result.output


def test_a_checkpoint_in_a_copy_that_was_edited_is_refused(runner, two_live, tmp_path):
    saved = tmp_path / "saved"
    export(runner, saved)
    checkpoint = saved / "log" / "checkpoint"
    lines = checkpoint.read_text().split("\n")
    lines[1] = str(int(lines[1]) - 1)  # a smaller tree than the one signed
    checkpoint.write_text("\n".join(lines))
    result = runner.invoke(args=["audit", "verify", "--against", str(saved)])
    assert result.exit_code == 2 and "does not verify" in result.output
