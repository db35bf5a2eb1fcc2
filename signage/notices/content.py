"""What a notice version says, built from the site record. Pure functions."""
import hashlib

from signage.audit.chain import canonical_bytes
from signage import vocabulary as vocab
from signage.rules.texts import DEFAULT_TEXT_LANGUAGE


def operator_details(organisation) -> dict:
    """Return the operator's identity and contacts as printed on notices, with its names in other
    languages when it gave any (left out otherwise, so notices published before keep their content)."""
    return {
        "legal_name": organisation.legal_name,
        "registration_number": organisation.registration_number,
        "address": organisation.address,
        "email": organisation.contact_email,
        "phone": organisation.contact_phone,
        "dpo": organisation.dpo_contact,
    } | ({"name_translations": organisation.name_translations} if organisation.name_translations else {})


def notice_content(record: dict, operator: dict) -> dict:
    """Return the content of a notice: the notice fields of the site and who runs it."""
    content = {name: _plain(record.get(name)) for name in vocab.NOTICE_FIELDS}
    content["text_translations"] = record.get("text_translations") or {}
    if content.get("text_language") in (None, DEFAULT_TEXT_LANGUAGE):
        # left out when it is the default, so notices published before it existed keep their content
        content.pop("text_language", None)
    content["operator"] = operator
    return content


def content_sha256(content: dict) -> str:
    """Hash a notice's content in its canonical byte form."""
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def changed_notice_fields(before: dict, after: dict) -> list[str]:
    """Name the top-level items that differ between two notice contents."""
    return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
