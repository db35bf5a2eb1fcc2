"""The audit log as an RFC 9162 Merkle tree (the hashing of Certificate Transparency), and the tile layout of
C2SP tlog-tiles. Pure: hashes in, hashes out.

Leaf hash SHA-256(0x00 ‖ entry bytes), node hash SHA-256(0x01 ‖ left ‖ right); the tree of n leaves splits at
the largest power of two below n (RFC 9162 §2.1.1). Proofs and their checks follow §2.1.3 and §2.1.4 word for
word. A tree is read through `aligned(height, index)`: the hash of the complete subtree of 2**height leaves
starting at leaf index * 2**height, which the caller computes or reads from storage.
"""
import hashlib
from collections.abc import Callable, Iterable

Aligned = Callable[[int, int], bytes]
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def fold(hashes: list[bytes]) -> bytes:
    """Return the hash of a complete subtree from its 2**k hashes of one level, left to right."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def _split(size: int) -> int:
    """The largest power of two smaller than size (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_hash(aligned: Aligned, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC's recursion reaches (start is a multiple of the largest power
    of two not above end - start)."""
    size = end - start
    if size == 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0:
        height = size.bit_length() - 1
        return aligned(height, start >> height)
    k = _split(size)
    return node_hash(subtree_hash(aligned, start, start + k), subtree_hash(aligned, start + k, end))


def root(aligned: Aligned, size: int) -> bytes:
    """The root of the tree of the first `size` leaves."""
    return subtree_hash(aligned, 0, size)


def inclusion_proof(aligned: Aligned, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError("the leaf is not in a tree of this size")
    return _path(aligned, index, 0, size)


def _path(aligned, m, start, end):
    size = end - start
    if size == 1:
        return []
    k = _split(size)
    if m < k:
        return _path(aligned, m, start, start + k) + [subtree_hash(aligned, start + k, end)]
    return _path(aligned, m - k, start + k, end) + [subtree_hash(aligned, start, start + k)]


def consistency_proof(aligned: Aligned, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ValueError("a consistency proof needs 0 < old size <= new size")
    return _subproof(aligned, old_size, 0, new_size, True)


def _subproof(aligned, m, start, end, whole):
    size = end - start
    if m == size:
        return [] if whole else [subtree_hash(aligned, start, end)]
    k = _split(size)
    if m <= k:
        return _subproof(aligned, m, start, start + k, whole) + [subtree_hash(aligned, start + k, end)]
    return _subproof(aligned, m - k, start + k, end, False) + [subtree_hash(aligned, start, start + k)]


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], expected_root: bytes) -> bool:
    """Check an inclusion proof as RFC 9162 §2.1.3.2 says."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(old_size: int, new_size: int, proof: list[bytes], old_root: bytes, new_root: bytes) -> bool:
    """Check a consistency proof as RFC 9162 §2.1.4.2 says."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def in_memory(leaves: list[bytes]) -> Aligned:
    """An `aligned` over leaf hashes held in memory (tests, and checking an export)."""
    def aligned(height: int, index: int) -> bytes:
        width = 1 << height
        return fold(leaves[index * width:(index + 1) * width])
    return aligned


def streamed_root(leaves: Iterable[bytes]) -> tuple[int, bytes]:
    """Return (size, root) of leaf hashes read once, in order, keeping only the right edge (log n hashes)."""
    edge: list[tuple[int, bytes]] = []  # (height, hash) of complete subtrees, left to right
    size = 0
    for leaf in leaves:
        size += 1
        node = (0, leaf)
        while edge and edge[-1][0] == node[0]:
            height, left = edge.pop()
            node = (height + 1, node_hash(left, node[1]))
        edge.append(node)
    if not edge:
        return 0, EMPTY_ROOT
    result = edge[-1][1]
    for _height, left in reversed(edge[:-1]):
        result = node_hash(left, result)
    return size, result


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """The tlog-tiles path of a tile: tile/<L>/<N>, N in 3-digit groups with x before all but the last, and
    .p/<W> for a partial tile of W hashes."""
    parts = []
    while True:
        parts.insert(0, f"{index % 1000:03d}")
        index //= 1000
        if not index:
            break
    groups = "/".join(["x" + part for part in parts[:-1]] + parts[-1:])
    return f"tile/{level}/{groups}" + (f".p/{width}" if width < TILE_WIDTH else "")


def parse_tile_path(path: str) -> tuple[int, int, int] | None:
    """Read (level, index, width) from a tile path after tile/, or None when it is not one."""
    parts = path.split("/")
    width = TILE_WIDTH
    if len(parts) >= 3 and parts[-2].endswith(".p"):
        if not parts[-1].isdigit() or not (0 < int(parts[-1]) < TILE_WIDTH) or parts[-1] != str(int(parts[-1])):
            return None
        width = int(parts[-1])
        parts = parts[:-2] + [parts[-2][:-2]]
    if len(parts) < 2 or not parts[0].isdigit() or parts[0] != str(int(parts[0])) or int(parts[0]) > 8:
        return None
    digits = parts[1:]
    if len(digits) > 7 or any(len(part) != (4 if i < len(digits) - 1 else 3) for i, part in enumerate(digits)):
        return None
    if any(not part.startswith("x") for part in digits[:-1]) or \
            not all(part.lstrip("x").isdigit() for part in digits):
        return None
    index = int("".join(part.lstrip("x") for part in digits))
    return int(parts[0]), index, width
