"""The audit log's Merkle tree against Certificate Transparency's published vectors (RFC 6962 / 9162: the
reference roots of the eight test leaves, and inclusion and consistency proofs among them), and every
proof of trees of every shape up to 40 leaves checked both ways; tile paths as tlog-tiles writes them."""
import random

import pytest

from signage.audit import merkle

LEAF_DATA = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f")]
ROOTS = ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
#: (leaf number from 1, tree size, proof) as the CT test suite lists them
INCLUSION = [(1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
             (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
             (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
             (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"])]
CONSISTENCY = [(1, 1, []),
               (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
               (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                       "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
               (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"])]
LEAVES = [merkle.leaf_hash(data) for data in LEAF_DATA]


def test_roots_of_every_size_are_the_reference_roots():
    for size in range(9):
        assert merkle.root(merkle.in_memory(LEAVES), size).hex() == ROOTS[size]
        assert merkle.streamed_root(LEAVES[:size]) == (size, bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize("number, size, proof", INCLUSION)
def test_inclusion_proofs_are_the_reference_proofs_and_verify(number, size, proof):
    made = merkle.inclusion_proof(merkle.in_memory(LEAVES), number - 1, size)
    assert [node.hex() for node in made] == proof
    root = bytes.fromhex(ROOTS[size])
    assert merkle.verify_inclusion(number - 1, size, LEAVES[number - 1], made, root)
    assert not merkle.verify_inclusion(number - 1, size, LEAVES[number % 8], made, root)
    assert not merkle.verify_inclusion(number - 1, size, LEAVES[number - 1], made, bytes.fromhex(ROOTS[size - 1]))


@pytest.mark.parametrize("old, new, proof", CONSISTENCY)
def test_consistency_proofs_are_the_reference_proofs_and_verify(old, new, proof):
    made = merkle.consistency_proof(merkle.in_memory(LEAVES), old, new)
    assert [node.hex() for node in made] == proof
    assert merkle.verify_consistency(old, new, made, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]))
    if old < new:
        assert not merkle.verify_consistency(old, new, made, bytes.fromhex(ROOTS[old - 1] if old > 1 else ROOTS[2]),
                                             bytes.fromhex(ROOTS[new]))


def test_every_proof_of_every_tree_shape_verifies_and_a_changed_leaf_fails():
    rng = random.Random(9162)
    leaves = [merkle.leaf_hash(bytes([rng.randrange(256)]) * rng.randrange(1, 9)) for _ in range(40)]
    aligned = merkle.in_memory(leaves)
    roots = [merkle.root(aligned, size) for size in range(41)]
    for size in range(1, 41):
        for index in range(size):
            proof = merkle.inclusion_proof(aligned, index, size)
            assert merkle.verify_inclusion(index, size, leaves[index], proof, roots[size])
            assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"edited"), proof, roots[size])
        for old in range(1, size + 1):
            proof = merkle.consistency_proof(aligned, old, size)
            assert merkle.verify_consistency(old, size, proof, roots[old], roots[size])
            rewritten = merkle.root(merkle.in_memory([merkle.leaf_hash(b"x")] + leaves[1:]), old)
            assert not merkle.verify_consistency(old, size, proof, rewritten, roots[size])


def test_tile_paths_as_tlog_tiles_writes_them():
    assert merkle.tile_path(0, 5) == "tile/0/005"
    assert merkle.tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert merkle.tile_path(1, 0, 17) == "tile/1/000.p/17"
    for level, index, width in ((0, 5, 256), (0, 1234067, 256), (1, 0, 17), (2, 999, 1), (0, 1000, 255)):
        assert merkle.parse_tile_path(merkle.tile_path(level, index, width)[len("tile/"):]) == (level, index, width)
    for bad in ("0/5", "0/0005", "0/x1/005", "0/001/002", "a/005", "0/005.p/256", "0/005.p/0", "0/005.p/x",
                "0/005.p/017", "01/005"):
        assert merkle.parse_tile_path(bad) is None, bad
