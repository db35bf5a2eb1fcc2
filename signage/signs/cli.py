"""`flask signs pack`: print every current sign of a site or an organisation into one PDF."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from signage.auth.services import find_organisation
from signage.database import reads_only, utcnow
from signage.errors import SignageError
from signage.extensions import db
from signage.signs import services
from signage.signs.spec import SIZES
from signage.sites.models import Site

signs_cli = AppGroup("signs", help="Print signs.")


@signs_cli.command("pack")
@click.option("--site", "site_id", type=int, default=None, help="Pack the current signs of this site id.")
@click.option("--org", "org_name", default=None, help="Pack every active site of this organisation (legal name).")
@click.option("--size", type=click.Choice(tuple(SIZES), case_sensitive=False), default=None,
              help="Print every sign at this size; by default each sign at its own.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PDF file to write; by default signs-<site code or date>.pdf here.")
@reads_only
def pack(site_id, org_name, size, output):
    """Write one PDF with a page per current sign, showing progress while it renders."""
    if (site_id is None) == (org_name is None):
        raise click.UsageError("Give exactly one of --site ID or --org NAME.")
    try:
        signs, default_name = _signs(site_id, org_name)
        size = size.upper() if size else None
        with click.progressbar(length=len(signs), label="Rendering signs") as bar:
            data = services.sign_pack(signs, size=size, base_url=current_app.config["PUBLIC_BASE_URL"],
                                      now=utcnow(), on_page=lambda _index: bar.update(1))
    except SignageError as error:
        raise click.ClickException(error.summary()) from None
    output = output or Path(default_name)
    output.write_bytes(data)
    click.echo(f"Wrote {len(signs)} signs to {output}.")


def _signs(site_id, org_name):
    if site_id is not None:
        site = db.session.get(Site, site_id)
        if site is None:
            raise click.ClickException(f"No site with id {site_id}.")
        return services.pack_signs_for_site(site), f"signs-{site.code}.pdf"
    organisation = find_organisation(org_name)
    return services.pack_signs_for_organisation(organisation.id), f"signs-{utcnow().date().isoformat()}.pdf"

