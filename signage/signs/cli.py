"""`flask signs pack`: print every current sign of a site or an organisation into one PDF, or a ZIP of PDFs."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from signage.auth.services import find_organisation
from signage.database import reads_only, utcnow
from signage.errors import SignageError
from signage.extensions import db
from signage.signs import packs
from signage.signs.spec import SIZES
from signage.sites.models import Site

signs_cli = AppGroup("signs", help="Print signs.")


@signs_cli.command("pack")
@click.option("--site", "site_id", type=int, default=None, help="Pack the current signs of this site id.")
@click.option("--org", "org_name", default=None, help="Pack every active site of this organisation (legal name).")
@click.option("--size", type=click.Choice(tuple(SIZES), case_sensitive=False), default=None,
              help="Print every sign at this size; by default each sign at its own.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write: a PDF, or a ZIP of PDFs when it ends in .zip or the pack has more than "
                   f"{packs.PACK_PAGES:,} signs; by default signs-<site code or date>.pdf or .zip here.")
@reads_only
def pack(site_id, org_name, size, output):
    """Write one PDF with a page per current sign, showing progress while it renders."""
    if (site_id is None) == (org_name is None):
        raise click.UsageError("Give exactly one of --site ID or --org NAME.")
    try:
        query, default_name = _pack(site_id, org_name)
        count = packs.pack_size(query)
        if count == 0:
            raise click.ClickException(packs.NOTHING_TO_PRINT)
        as_zip = count > packs.PACK_PAGES or (output is not None and output.suffix.lower() == ".zip")
        output = output or Path(default_name + (".zip" if as_zip else ".pdf"))
        size = size.upper() if size else None
        settings = dict(size=size, base_url=current_app.config["PUBLIC_BASE_URL"], now=utcnow())
        with click.progressbar(length=count, label="Rendering signs") as bar:
            def on_page(_index):
                bar.update(1)

            if as_zip:
                # Written file by file as the ZIP streams, so memory holds one PDF at a time.
                failed = []
                with output.open("wb") as file:
                    for part in packs.sign_pack_zip(query, name=output.stem, on_page=on_page,
                                                    on_error=failed.append, **settings):
                        file.write(part)
                if failed:
                    raise click.ClickException(f"{failed[0].summary()} {output} ends with "
                                               f"{packs.ERRORS_FILE}; the files before it are complete.")
            else:
                output.write_bytes(packs.sign_pack(query, on_page=on_page, **settings))
    except SignageError as error:
        raise click.ClickException(error.summary()) from None
    click.echo(f"Wrote {count} signs to {output}.")


def _pack(site_id, org_name):
    if site_id is not None:
        site = db.session.get(Site, site_id)
        if site is None:
            raise click.ClickException(f"No site with id {site_id}.")
        return packs.site_pack(site), f"signs-{site.code}"
    organisation = find_organisation(org_name)
    return packs.organisation_pack(organisation.id), f"signs-{utcnow().date().isoformat()}"
