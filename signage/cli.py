"""Command-line tools: users, API tokens, audit verification, demo data, housekeeping, the outbox and the rule
reference."""
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from signage.audit import log_checks, notes
from signage.audit.verification import checkpoint_break, verify_log
from signage.auth import services as accounts
from signage.auth.models import ROLES, TOKEN_SCOPES, User
from signage.database import reads_only, utcnow
from signage.errors import SignageError
from signage.extensions import db
from signage import labels
from signage.config import pack_settings
from signage.consent.keys import add_key
from signage.consent.receipts import receipt_keys_dir
from signage.demo import DEMO_LOGINS, DEMO_OWNER, DEMO_PASSWORD, seed_demo
from signage.demo_scale import seed_sites
from signage.housekeeping import run_housekeeping
from signage.jobs.services import failed_job_count, retry_failed as retry_failed_jobs
from signage.outbox.services import send_pending
from signage.rules.reference import rules_reference
from signage.signs.cli import signs_cli
from signage.static_export.cli import export_static_command
from signage.translation import force_locale

users_cli = AppGroup("users", help="Manage dashboard users.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")
audit_cli = AppGroup("audit", help="Check the audit log.")
demo_cli = AppGroup("demo", help="Demo data for a first look.")
receipts_cli = AppGroup("receipts", help="The keys that sign consent receipts.")


@receipts_cli.command("rotate-key")
def rotate_receipt_key():
    """Add a new receipt-signing key, which signs from now on; old keys stay published."""
    kid = add_key(receipt_keys_dir())
    click.echo(f"New receipt key {kid} in {receipt_keys_dir()}: it signs every receipt from now on. "
               "Earlier keys stay in /.well-known/jwks.json, so old receipts still verify.")


@users_cli.command("create")
@click.option("--org", "org_name", required=True, help="Organisation legal name; created if new.")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None)
def create_user(org_name, email, role, name):
    """Create a user; the password comes from SIGNAGE_PASSWORD or a prompt."""
    password = os.environ.get("SIGNAGE_PASSWORD") or click.prompt("Password", hide_input=True,
                                                                   confirmation_prompt=True)
    now = utcnow()
    try:
        organisation = _organisation(org_name, now)
        user = accounts.create_user(organisation, {"email": email, "password": password, "role": role,
                                                   "name": name}, by="cli", now=now)
        db.session.commit()
    except SignageError as error:
        db.session.rollback()
        raise click.ClickException(error.summary()) from None
    click.echo(f"Created {user.role} {user.email} in {organisation.legal_name}.")


def _organisation(name, now):
    try:
        return accounts.find_organisation(name)
    except SignageError:
        return accounts.create_organisation({"legal_name": name}, by="cli", now=now)


@tokens_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="cli", help="A label to tell tokens apart.")
@click.option("--scope", type=click.Choice(TOKEN_SCOPES), default="read", show_default=True,
              help="read: GET and HEAD only; read-write: whatever the user's role allows.")
@click.option("--expires-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help=f"The last day the token works (at most {accounts.MAX_TOKEN_DAYS} days away); "
                   f"{accounts.DEFAULT_TOKEN_DAYS} days from now when not given.")
def create_token(email, name, scope, expires_on):
    """Create an API token for a user and print it once."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}.")
    data = {"name": name, "scope": scope, "expires_on": expires_on.date() if expires_on else None}
    try:
        token, plain = accounts.create_token(user, data, by="cli", now=utcnow())
    except SignageError as error:
        raise click.ClickException(error.summary()) from None
    db.session.commit()
    click.echo(plain)
    click.echo(f"Scope {token.scope}; expires {token.expires_at.isoformat()}.", err=True)


@audit_cli.command("verify")
@click.option("--checkpoint", default=None, metavar="SEQ:HASH",
              help="An entry number and hash saved earlier; history before it must not have changed.")
@click.option("--against", "against", default=None, type=click.Path(exists=True, path_type=Path),
              metavar="CHECKPOINT_FILE|EXPORT_DIR",
              help="A signed checkpoint saved earlier (/log/checkpoint), or a static export saved earlier "
                   "(flask export-static), whose checkpoint and tiles are used: the log today must extend it.")
@click.option("--key", default=None, metavar="VERIFIER_KEY",
              help="The log's verifier key (/log/key) to check --against with; an export's own log/key, or the "
                   "log's own key otherwise.")
@reads_only
def verify(checkpoint, against, key):
    """Walk the chain and the records it vouches for; exit 1 naming everything that was changed,
    removed, moved or inserted, in every organisation."""
    extended = _check_against(against, key) if against else None
    result = verify_log()
    problems = [result.chain_break, *result.record_breaks, _check_checkpoint(checkpoint) if checkpoint else None,
                extended]
    problems = [problem for problem in problems if problem is not None]
    for problem in problems:
        click.echo(f"BROKEN: {problem.describe()}", err=True)
    if problems:
        click.echo(f"{result.entries} entries read.", err=True)
        sys.exit(1)
    head = f" Checkpoint to keep elsewhere: {result.head[0]}:{result.head[1]}" if result.head else ""
    click.echo(f"OK: {result.entries} entries, chain intact, every published notice matches.{head}")


def _check_against(path: Path, key: str | None):
    """Check a saved signed checkpoint, alone or in a saved export whose tiles then name the entry that
    changed; a file that does not parse or verify is refused outright."""
    log = path / "log" if path.is_dir() else None
    try:
        note = _read_text(log / "checkpoint" if log else path)
        if log and key is None and (log / "key").is_file():
            key = _read_text(log / "key").strip()
        # the size the saved tiles are read to; nothing is read from them before the signature checks out
        saved_size = notes.parse_checkpoint(note.rpartition("\n\n")[0] + "\n").size if log else 0
        leaves = log_checks.exported_leaves(log, saved_size) if log else None
        saved = log_checks.against_checkpoint(note, key, leaves)
    except notes.NoteError as refused:
        raise click.BadParameter(f"{refused}.", param_hint="--against") from None
    except log_checks.CheckpointMismatch as mismatch:
        return mismatch
    click.echo(f"OK: the log extends the checkpoint of {saved.size} entries of {saved.origin}.")
    return None


def _read_text(path: Path) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read(notes.MAX_NOTE + 1)
    except (OSError, UnicodeDecodeError) as failed:
        raise click.BadParameter(f"{path} cannot be read: {failed}.", param_hint="--against") from None


def _check_checkpoint(checkpoint):
    seq, _, expected = checkpoint.partition(":")
    if not seq.isdigit() or len(expected) != 64:
        raise click.BadParameter("use SEQ:HASH, e.g. 1200:3fa9…", param_hint="--checkpoint")
    return checkpoint_break(int(seq), expected)


@demo_cli.command("seed")
@click.option("--sites", "extra_sites", type=click.IntRange(0, 1_000_000), default=0,
              help="Also add this many sites to the demo organisation (half active), to try signage at size.")
def seed(extra_sites):
    """Load the demo organisation, users and sites into an empty database; --sites N adds N more sites."""
    if not db.session.scalar(db.select(db.func.count(User.id))):
        seed_demo(now=utcnow())
        db.session.commit()
        click.echo("Demo data loaded.")
    elif not extra_sites:
        click.echo("Database already has users; demo data not loaded.")
    if db.session.scalar(db.select(User.id).where(User.email == DEMO_OWNER)) is not None:
        click.echo(f"Sign in with the password {DEMO_PASSWORD} as")
        for email, can in DEMO_LOGINS:
            click.echo(f"  {email:32} {can}")
    if extra_sites:
        owner = db.session.scalar(db.select(User).where(User.email == DEMO_OWNER))
        if owner is None:
            raise click.ClickException("The demo organisation is not here: --sites adds to it only.")
        with click.progressbar(length=extra_sites, label="Adding sites") as bar:
            seen = [0]

            def advanced(done):
                bar.update(done - seen[0])
                seen[0] = done
            seed_sites(owner.organisation, owner, extra_sites, now=utcnow(), settings=pack_settings(),
                       on_batch=advanced)
        name = owner.organisation.legal_name
        click.echo(f"Added {extra_sites:,} sites to {name}{'' if name.endswith('.') else '.'}")


@click.command("housekeeping")
@click.option("--batch", "batch_size", default=200, show_default=True, help="Sites per committed batch.")
@click.option("--retry-failed", is_flag=True, help="First put jobs set aside after an error back to work.")
def housekeeping(batch_size, retry_failed):
    """Finish organisation-wide jobs and refresh findings that dates moved; safe to run twice."""
    def progress(kind, done, total):
        click.echo(f"{kind}: {done:,}/{total:,}")
    if retry_failed:
        count = retry_failed_jobs(now=utcnow())
        db.session.commit()
        click.echo(f"{count} failed jobs back to work.")
    report = run_housekeeping(batch_size=batch_size, on_batch=progress)
    click.echo(f"Done: {report['batches']} job batches, {report['summaries']} summaries refreshed, "
               f"{report['pages']} notice versions' pages rendered, {report['listed']} register rows filled, "
               f"{report['expired']} consents expired, "
               f"{report['erased']} requests' reply contacts erased, {report['logged']} entries added to the "
               f"transparency log, {report['checkpoints']} checkpoints signed, {report['sent']} messages sent.")
    set_aside = failed_job_count()  # by this run or an earlier one (the server's own housekeeping, say)
    db.session.rollback()
    if set_aside or report["failed"]:
        raise click.ClickException(f"{report['failed']} job batches failed in this run and {set_aside} jobs are set "
                                   "aside after repeated errors (the log says why); run again with --retry-failed "
                                   "once the cause is fixed.")


outbox_cli = AppGroup("outbox", help="E-mail waiting to be sent.")


@outbox_cli.command("send")
def send_outbox():
    """Send the messages waiting in the outbox, once each; safe to run beside the server's own sender."""
    counts = send_pending()
    click.echo(f"Sent {counts['sent']} messages, {counts['failed']} failed.")
    if counts["failed"]:
        raise click.ClickException("Some messages could not be sent (the log says why); they are tried again later.")


rules_cli = AppGroup("rules", help="The rules the sites are checked against.")
#: The rule reference, in the repository: README links it, findings cite it.
RULES_REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def rules_reference_text() -> str:
    """Return docs/rules.md as the registry and the catalogs make it now."""
    def translate(message, locale):
        with force_locale(locale):
            return labels.tr(message)

    def field_label(name, locale):
        with force_locale(locale):
            return labels.field_label(name)

    with current_app.test_request_context():  # Flask-Babel reads the locale per request
        return rules_reference(translate, field_label)


@rules_cli.command("reference")
@click.option("--check", is_flag=True, help="Only say whether docs/rules.md is up to date (exit 1 if not).")
def rules_reference_command(check):
    """Write docs/rules.md from the rule registry: every rule, required field and pack setting."""
    text = rules_reference_text()
    if check:
        if not RULES_REFERENCE.exists() or RULES_REFERENCE.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{RULES_REFERENCE} is out of date: run `flask --app wsgi rules reference`.")
        click.echo(f"{RULES_REFERENCE} is up to date.")
        return
    RULES_REFERENCE.parent.mkdir(exist_ok=True)
    RULES_REFERENCE.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {RULES_REFERENCE}.")


def register_commands(app: Flask) -> None:
    """Add the signage command groups to `flask`."""
    for group in (users_cli, tokens_cli, audit_cli, demo_cli, receipts_cli, signs_cli, rules_cli, housekeeping,
                  outbox_cli, export_static_command):
        app.cli.add_command(group)
