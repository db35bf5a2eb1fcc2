"""The service's Ed25519 receipt-signing keys, kept as JWK files, and compact JWS signatures made with them.

Receipts are signed with `alg` "Ed25519", the fully specified name RFC 9864 gives the algorithm: it says
which curve verifies, where the older "EdDSA" left that to the key (RFC 9864 deprecates it for new use).
Every key ever used stays in the directory and in the published JWKS, so a receipt signed years ago
still verifies after a rotation; the newest key signs.
"""
import json
import os
from dataclasses import dataclass
from pathlib import Path

from joserfc import jws
from joserfc.jwk import OKPKey

ALGORITHM = "Ed25519"
#: The JOSE type of a receipt: a JWT (RFC 7519) whose claims are a Kantara consent receipt.
TYPE = "JWT"


@dataclass(frozen=True)
class SigningKeys:
    """The directory's keys, oldest first; the last one signs."""

    keys: tuple[OKPKey, ...]

    @property
    def current(self) -> OKPKey:
        return self.keys[-1]

    def jwks(self) -> dict:
        """Return the public keys as a JWK Set (RFC 7517), each with its kid, its use and its algorithm."""
        return {"keys": [{**key.as_dict(private=False), "kid": key.kid, "use": "sig", "alg": ALGORITHM}
                         for key in self.keys]}

    def sign(self, claims: dict) -> str:
        """Return the claims as a compact JWS signed by the current key."""
        payload = json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        header = {"alg": ALGORITHM, "kid": self.current.kid, "typ": TYPE}
        return jws.serialize_compact(header, payload, self.current, algorithms=[ALGORITHM])


def load_keys(directory: str | os.PathLike) -> SigningKeys:
    """Read every key of the directory, making the first one when there is none."""
    folder = Path(directory)
    if not _key_files(folder):
        add_key(folder)
    return SigningKeys(tuple(_read(path) for path in _key_files(folder)))


def add_key(directory: str | os.PathLike) -> str:
    """Make a new key in the directory, the one that signs from now on; return its kid (its RFC 7638
    thumbprint). Files are numbered, so the order of rotation is the order of the names."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    key = OKPKey.generate_key("Ed25519", parameters={"use": "sig", "alg": ALGORITHM}, private=True)
    number = len(_key_files(folder)) + 1
    draft = folder / f".draft-{os.getpid()}"
    draft.write_text(json.dumps(key.as_dict(private=True)))
    draft.chmod(0o600)
    try:
        # linked into place, so two workers starting together never both make a first key
        os.link(draft, folder / f"{number:04d}-{key.thumbprint()}.jwk")
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return key.thumbprint()


def _key_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jwk")) if folder.is_dir() else []


def _read(path: Path) -> OKPKey:
    key = OKPKey.import_key(json.loads(path.read_text()))
    key.ensure_kid()
    return key
