"""Write the static copy: ask the app itself for every planned address, in process, and keep the answers.

Each address is asked as a browser would ask it, through the whole app (its routes, caches and headers),
so a page in the copy is the page the app serves. A file the copy holds is asked for with the ETag it was
answered with: the app answers 304 without rendering when nothing changed, which is what makes a second
run cheap. Full tiles and public entries never change and are not asked for again."""
import contextvars
import multiprocessing
import queue
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flask import Flask
from flask.testing import FlaskClient

from signage.extensions import db
from signage.static_export.plan import Planned, plan_copy
from signage.static_export.tree import JOURNAL, ExportTree


@dataclass
class Summary:
    """What a run did."""

    asked: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    bytes_written: int = 0
    total_bytes: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    #: addresses the app did not answer with 200 or 304: their files are kept as they were
    failed: list = field(default_factory=list)


def export_static(app: Flask, root: Path, *, jobs: int = 1, on_planned: Callable[[int], None] | None = None,
                  on_done: Callable[[int], None] | None = None) -> Summary:
    """Bring the copy at `root` in step with the app, asking for its addresses in `jobs` processes; call
    on_planned(total) once the plan is known and on_done(n) as addresses are done. Must run inside an app
    context (the plan reads the database)."""
    started = time.perf_counter()
    planned, counts = plan_copy()
    db.session.rollback()  # no transaction of ours stays open while the requests read (SQLite's locks)
    summary = Summary(counts=counts)
    if on_planned:
        on_planned(len(planned) + 1)
    tree = ExportTree(root)
    on_done = on_done or (lambda _n: None)
    try:
        if jobs > 1 and len(planned) > jobs:
            _in_workers(app, planned, tree, summary, jobs, on_done)
        else:
            # a context of its own: each request then opens and closes its own app context and session,
            # as a request to a server does, instead of piling its rows into the command's session
            contextvars.Context().run(_ask_all, app, planned, tree, summary, on_done)
        _copy_static(Path(app.static_folder), tree)
        on_done(1)
        summary.removed = tree.finish()
    except BaseException:
        tree.close()
        raise
    summary.written, summary.unchanged, summary.bytes_written = tree.written, tree.unchanged, tree.bytes_written
    summary.total_bytes = tree.total_bytes()
    summary.seconds = time.perf_counter() - started
    return summary


def _in_workers(app: Flask, planned: list[Planned], tree: ExportTree, summary: Summary, jobs: int,
                on_done) -> None:
    """Ask for the addresses in `jobs` forked processes, each with its own connections and its own journal,
    every jobs-th address each (so the slow PDFs spread evenly); merge what each held and did."""
    db.engine.dispose()  # a connection must not cross a fork: each worker opens its own
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    workers = [context.Process(target=_worker, args=(app, planned[number::jobs], tree, number, messages),
                               daemon=True) for number in range(jobs)]
    for worker in workers:
        worker.start()
    try:
        finished = 0
        while finished < jobs:
            try:
                kind, value = messages.get(timeout=1)
            except queue.Empty:  # a worker killed outright (out of memory, a signal) says nothing
                dead = [worker.exitcode for worker in workers if worker.exitcode not in (None, 0)]
                if dead:
                    raise ExportFailed(f"a worker of the export stopped with exit code {dead[0]}") from None
                continue
            if kind == "done":
                on_done(value)
            elif kind == "held":
                now, written, unchanged, bytes_written, asked, failed = value
                tree.merge(now, written, unchanged, bytes_written)
                summary.asked += asked
                summary.failed += failed
                finished += 1
            else:  # a worker failed: stop the others; the journals keep what they wrote
                raise ExportFailed(value)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


class ExportFailed(RuntimeError):
    """A worker of the export stopped on an error (its traceback is the message)."""


def _worker(app: Flask, planned: list[Planned], run_tree: ExportTree, number: int, messages) -> None:
    try:
        tree = ExportTree(run_tree.root, before=run_tree.before, journal=f"{JOURNAL}.{number}")
        summary = Summary()
        contextvars.Context().run(_ask_all, app, planned, tree, summary, lambda count: messages.put(("done", count)))
        tree.close()
        messages.put(("held", (tree.now, tree.written, tree.unchanged, tree.bytes_written, summary.asked,
                               summary.failed)))
    except BaseException:
        messages.put(("failed", traceback.format_exc()))


def _ask_all(app: Flask, planned: list[Planned], tree: ExportTree, summary: Summary, on_done) -> None:
    # Flask's own client, not app.test_client_class (a test suite's may wrap it), and no cookie jar
    client = FlaskClient(app, app.response_class, use_cookies=False)
    done = 0
    for item in planned:
        _ask(client, item, tree, summary)
        done += 1
        if done == 200:
            on_done(done)
            done = 0
    on_done(done)


def _ask(client, item: Planned, tree: ExportTree, summary: Summary) -> None:
    first = item.paths[0]
    if item.immutable and all(tree.holds(path) for path in item.paths):
        for path in item.paths:
            tree.keep(path)
        return
    headers = {"Accept-Language": item.language} if item.language else {}
    etag = tree.etag(first) if all(tree.holds(path) for path in item.paths) else None
    if etag:
        headers["If-None-Match"] = etag
    response = client.get(item.url, headers=headers)
    summary.asked += 1
    if response.status_code == 304:
        for path in item.paths:
            tree.keep(path)
    elif response.status_code == 200:
        body = response.get_data()
        for path in item.paths:
            tree.put(path, body, response.headers.get("ETag"))
    else:
        summary.failed.append((item.url, response.status_code))
        for path in item.paths:
            if tree.holds(path):
                tree.keep(path)
    response.close()


def _copy_static(folder: Path, tree: ExportTree) -> None:
    """The stylesheets, scripts and images the pages link, under /static/ as the app serves them."""
    for file in sorted(folder.rglob("*")):
        if file.is_file() and not file.name.startswith("."):
            tree.put("static/" + file.relative_to(folder).as_posix(), file.read_bytes(), None)
