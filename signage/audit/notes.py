"""Signed notes (C2SP signed-note) with Ed25519 keys, and the checkpoints of C2SP tlog-checkpoint they carry.
Pure: text and keys in, text out; no clock, no storage.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature: an em dash, a space,
the key's name, a space, and base64 of the key ID (4 bytes) and the signature. The key ID is the first
4 bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key) for Ed25519 (type 0x01). A verifier key is written
`<name>+<key ID in hex>+<base64(0x01 ‖ public key)>`, the form Go's golang.org/x/mod/sumdb/note reads.
A checkpoint's text is the log's origin, the tree size in decimal and the root hash in base64, a line each.
"""
import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014 "
#: What a note may hold at most: a checkpoint is a few hundred bytes.
MAX_NOTE = 1_000_000


class NoteError(ValueError):
    """A note or checkpoint that does not parse, or whose signature does not verify; says which."""


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def verifier_key(name: str, key: Ed25519PrivateKey) -> str:
    """Return the one-line verifier key of a signing key under a name."""
    public = _raw_public(key)
    return f"{name}+{key_id(name, public).hex()}+{base64.b64encode(ED25519 + public).decode()}"


def signer_from_text(text: str) -> tuple[str, Ed25519PrivateKey]:
    """Read a Go-style signer key (PRIVATE+KEY+<name>+<hash>+<base64(0x01 ‖ seed)>)."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("not a signer key")
    raw = base64.b64decode(parts[4])
    if raw[:1] != ED25519 or len(raw) != 33:
        raise NoteError("not an Ed25519 signer key")
    key = Ed25519PrivateKey.from_private_bytes(raw[1:])
    if key_id(parts[2], _raw_public(key)).hex() != parts[3]:
        raise NoteError("the signer key's hash does not match its key")
    return parts[2], key


@dataclass(frozen=True)
class Verifier:
    name: str
    id: bytes
    public: Ed25519PublicKey


def parse_verifier(text: str) -> Verifier:
    """Read a verifier key line, refusing one whose hash does not match its name and key."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not parts[0] or any(c in parts[0] for c in " \n+"):
        raise NoteError("a verifier key is <name>+<key ID>+<key>")
    name, hexid, material = parts
    try:
        raw = base64.b64decode(material, validate=True)
        wanted = bytes.fromhex(hexid)
    except (binascii.Error, ValueError):
        raise NoteError("the verifier key's ID or key is not hex and base64") from None
    if raw[:1] != ED25519 or len(raw) != 33 or len(hexid) != 8:
        raise NoteError("the verifier key is not an Ed25519 key")
    if key_id(name, raw[1:]) != wanted:
        raise NoteError("the verifier key's ID does not match its name and key")
    return Verifier(name, wanted, Ed25519PublicKey.from_public_bytes(raw[1:]))


def sign_note(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """Sign a note's text (which must end in a newline) and return the whole note."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends in a newline and holds no blank line")
    signature = key.sign(text.encode())
    blob = base64.b64encode(key_id(name, _raw_public(key)) + signature).decode()
    return f"{text}\n{DASH}{name} {blob}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """Return a note's text when a signature by this verifier's key checks out; raise NoteError otherwise."""
    if len(note) > MAX_NOTE:
        raise NoteError("the note is too large")
    text, separator, signatures = note.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise NoteError("a note is its text, a blank line and its signature lines")
    text += "\n"
    found = False
    for line in signatures[:-1].split("\n"):
        if not line.startswith(DASH):
            raise NoteError("a signature line begins with an em dash and a space")
        name, _space, blob = line[len(DASH):].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise NoteError("a signature is not base64") from None
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        if name != verifier.name or raw[:4] != verifier.id:
            continue  # another key's signature (a witness's, say): not ours to check
        try:
            verifier.public.verify(raw[4:], text.encode())
        except InvalidSignature:
            raise NoteError(f"the signature of {name} does not verify: the note was changed or not signed by "
                            f"this key") from None
        found = True
    if not found:
        raise NoteError(f"the note carries no signature of {verifier.name}")
    return text


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint's text (after its note was opened)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint is its origin, its size and its root hash, a line each")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise NoteError("the checkpoint's size is not a decimal number")
    try:
        digest = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise NoteError("the checkpoint's root hash is not base64") from None
    if len(digest) != 32 or not origin:
        raise NoteError("the checkpoint's root hash is not a SHA-256 hash, or it names no origin")
    return Checkpoint(origin, int(size), digest)
