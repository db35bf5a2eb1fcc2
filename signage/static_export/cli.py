"""`flask export-static DIR`: write or bring up to date the static copy of every public page."""
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from signage.database import reads_only
from signage.static_export.export import ExportFailed, export_static


@click.command("export-static")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--jobs", type=click.IntRange(1, 64), default=min(4, os.cpu_count() or 1), show_default=True,
              help="Processes asking for pages at once (a notice's PDF takes about 50 ms to render).")
@with_appcontext
@reads_only
def export_static_command(directory: Path, jobs: int):
    """Write every public page, the open data, the keys and the log's checkpoint and tiles into DIRECTORY,
    under the paths the app serves them at; a second run rewrites only what changed and removes what went."""
    bar = None

    def on_planned(total: int):
        nonlocal bar
        bar = click.progressbar(length=total, label="Exporting", show_pos=True, file=sys.stderr)
        bar.__enter__()

    def on_done(count: int):
        bar.update(count)

    try:
        summary = export_static(current_app._get_current_object(), directory, jobs=jobs, on_planned=on_planned,
                                on_done=on_done)
    except ExportFailed as failed:  # the files a worker put in place stay owned (its journal): run it again
        raise click.ClickException(f"The export stopped before it finished: {failed}") from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    counts = summary.counts
    click.echo(f"{counts['sites']:,} sites, {counts['signs']:,} signs, {counts['listed']:,} register rows, "
               f"log of {counts['log_size']:,} entries: asked {summary.asked:,} addresses in "
               f"{summary.seconds:.1f} s; wrote {summary.written:,} files ({summary.bytes_written / 1e6:.1f} MB), "
               f"{summary.unchanged:,} unchanged, removed {summary.removed:,}; the copy holds "
               f"{summary.total_bytes / 1e6:.1f} MB in {directory}")
    for url, status in summary.failed:
        click.echo(f"not exported: {url} answered {status}; the copy keeps what it had", err=True)
    if summary.failed:
        raise SystemExit(1)
