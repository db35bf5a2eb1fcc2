"""The transparency log's public side under /log/: the latest checkpoint, the verifier key, the tiles in the
C2SP tlog-tiles layout, the bytes of public entries, and inclusion and consistency proofs. No account, no
cookie; the same paths as the static export."""
import base64

from flask import Blueprint, Response, jsonify, request

from signage.audit import merkle, transparency
from signage.database import reads_only
from signage.errors import BadRequest, NotFound

bp = Blueprint("log", __name__, url_prefix="/log")
#: Tiles and entries never change once they exist; the checkpoint moves.
IMMUTABLE = "public, max-age=31536000, immutable"
MOVING = "public, max-age=60"


def _text(body: str, cache: str) -> Response:
    return Response(body, mimetype="text/plain", headers={"Cache-Control": cache})


@bp.get("/checkpoint")
@reads_only
def checkpoint():
    """The latest signed checkpoint (a C2SP signed note)."""
    latest = transparency.latest_checkpoint()
    if latest is None:
        raise NotFound("No checkpoint has been signed yet.")
    return _text(latest.note, MOVING)


@bp.get("/key")
def key():
    """The note verifier key of the log's signing key, one line."""
    return _text(transparency.verifier_line() + "\n", MOVING)


@bp.get("/tile/<path:path>")
@reads_only
def tile(path: str):
    """A tile: the hashes of 256 (or, for a partial tile, fewer) nodes of one tile level, 32 bytes each."""
    parsed = merkle.parse_tile_path(path)
    if parsed is None:
        raise NotFound("No such tile.")
    body = transparency.tile(*parsed)
    if body is None:
        raise NotFound("The log does not hold this tile yet.")
    return Response(body, mimetype="application/octet-stream",
                    headers={"Cache-Control": IMMUTABLE if parsed[2] == merkle.TILE_WIDTH else MOVING})


@bp.get("/entry/<int:index>")
@reads_only
def entry(index: int):
    """The bytes of leaf `index` (from 0) when its entry is public anyway: hash them with a 0x00 before
    them to get its leaf hash."""
    body = transparency.public_entry(index)
    if body is None:
        raise NotFound("No public entry has this index: only notice publications and status changes are.")
    return Response(body, mimetype="application/json", headers={"Cache-Control": IMMUTABLE})


def _number(name: str) -> int:
    text = request.args.get(name, "")
    if not text.isdigit() or len(text) > 18:
        raise BadRequest(f"Give {name} as a whole number.", errors={name: ["Not a whole number."]})
    return int(text)


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


@bp.get("/proof/inclusion")
@reads_only
def inclusion():
    """The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3)."""
    index, size = _number("index"), _number("size")
    if not 0 <= index < size <= transparency.log_size():
        raise BadRequest("The leaf must lie in the tree, and the tree within the log.",
                         errors={"index": [f"0 ≤ index < size ≤ {transparency.log_size()}."]})
    proof = merkle.inclusion_proof(transparency.aligned, index, size)
    return jsonify({"index": index, "size": size, "leaf_hash": _b64(transparency.aligned(0, index)),
                    "root": _b64(transparency.tree_root(size)), "hashes": [_b64(node) for node in proof]})


@bp.get("/proof/consistency")
@reads_only
def consistency():
    """The consistency proof between the trees of `old` and `size` leaves (RFC 9162 §2.1.4)."""
    old, size = _number("old"), _number("size")
    if not 0 < old <= size <= transparency.log_size():
        raise BadRequest("The older tree must be smaller, and both within the log.",
                         errors={"old": [f"0 < old ≤ size ≤ {transparency.log_size()}."]})
    proof = merkle.consistency_proof(transparency.aligned, old, size)
    return jsonify({"old": old, "size": size, "old_root": _b64(transparency.tree_root(old)),
                    "root": _b64(transparency.tree_root(size)), "hashes": [_b64(node) for node in proof]})
