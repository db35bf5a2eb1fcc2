"""A receipt as its page, its PDF and its signed JSON see it: the claims, signed with the service's key."""
from functools import lru_cache
from pathlib import Path

from flask import current_app

from signage.consent.content import receipt_claims
from signage.consent.keys import SigningKeys, load_keys
from signage.consent.models import ConsentReceipt
from signage.consent.services import later_events


def signing_keys() -> SigningKeys:
    """Return the app's receipt keys from RECEIPT_KEYS_DIR (instance/receipt_keys), read again only when the
    directory's key files change: a rotation reaches every worker at its next receipt, without a restart."""
    folder = receipt_keys_dir()
    return _keys(str(folder), tuple(sorted(path.name for path in folder.glob("*.jwk"))) if folder.is_dir() else ())


def receipt_keys_dir() -> Path:
    """Return where the app keeps its receipt-signing keys."""
    return Path(current_app.config.get("RECEIPT_KEYS_DIR") or Path(current_app.instance_path) / "receipt_keys")


@lru_cache(maxsize=4)
def _keys(directory: str, _files: tuple) -> SigningKeys:
    return load_keys(directory)


def releases_dir() -> Path:
    """Return where signed releases are kept, outside the database: RELEASES_DIR or instance/releases."""
    return Path(current_app.config.get("RELEASES_DIR") or Path(current_app.instance_path) / "releases")


def claims_for(receipt: ConsentReceipt) -> dict:
    """Return the receipt's claims: the answer, the notice version shown and what has happened since."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    answer = receipt.record.events[0].content
    later = later_events(receipt)
    site_code, version = answer["site"]["code"], answer["notice"]["version"]
    return receipt_claims(receipt={"uuid": receipt.receipt_uuid, "kind": receipt.kind,
                                   "event_time": receipt.event.event_time.isoformat()},
                          answer=answer, later=later, issuer=base, policy_url=f"{base}/n/{site_code}/v{version}")


def signed_receipt(receipt: ConsentReceipt) -> str:
    """Return the receipt as a compact JWS signed by the service's current key."""
    return signing_keys().sign(claims_for(receipt))
