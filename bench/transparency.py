"""The transparency log at size: time to add entries to the tree, to sign a checkpoint, and to make an
inclusion and a consistency proof, at growing log sizes, each printed as a ratio to the smallest size of
the same run. A proof reads O(log n) small ranges of stored hashes, so its time should grow with log n,
not with n: from 1,000 to 1,000,000 entries, about twice, never a thousand times.

Usage: .venv/bin/python bench/transparency.py [--entries 1000000] [--database-url URL]
"""
import argparse
import random
import time

from _setup import bench_app
from audit_verify import best_of, fill

from signage.audit import merkle, transparency
from signage.database import utcnow
from signage.extensions import db

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--proofs", type=int, default=200, help="proofs timed at each size")
    args = parser.parse_args()
    app = bench_app(args.database_url, PUBLIC_BASE_URL="https://signs.example")
    rng = random.Random(6962)
    with app.app_context():
        started = time.perf_counter()
        fill(args.entries)
        print(f"filled {args.entries:,} entries in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        added = transparency.extend_log()
        db.session.commit()
        seconds = time.perf_counter() - started
        print(f"tree: {added:,} leaves added in {seconds:.1f} s ({added / seconds:,.0f} entries/s)")
        signing = best_of(5, lambda: (transparency.sign_checkpoint(now=utcnow()), db.session.rollback()))
        print(f"signing a checkpoint of {args.entries:,} entries: {signing * 1000:.1f} ms")
        rows, baseline = [], None
        for size in [size for size in SIZES if size <= args.entries]:
            indexes = [rng.randrange(size) for _ in range(args.proofs)]
            inclusion = best_of(3, lambda: [merkle.inclusion_proof(transparency.aligned, i, size) for i in indexes])
            olds = [rng.randrange(1, size + 1) for _ in range(args.proofs)]
            consistency = best_of(3, lambda: [merkle.consistency_proof(transparency.aligned, m, size) for m in olds])
            per = (inclusion / args.proofs * 1000, consistency / args.proofs * 1000)
            baseline = baseline or per
            rows.append((size, *per, per[0] / baseline[0], per[1] / baseline[1]))
            db.session.rollback()
    backend = (args.database_url or "sqlite").split(":")[0].split("+")[0]
    print(f"backend: {backend}; proofs of random leaves and older sizes, median of 3 runs of {args.proofs}")
    print(f"{'log size':>10} {'inclusion ms':>13} {'consistency ms':>15} {'× first':>8} {'× first':>8}")
    for size, inclusion, consistency, ratio_i, ratio_c in rows:
        print(f"{size:>10,} {inclusion:>13.2f} {consistency:>15.2f} {ratio_i:>8.2f} {ratio_c:>8.2f}")
    print("target: the proof time stays logarithmic (1,000 → 1,000,000 entries: about 2×, far from 1,000×)")


if __name__ == "__main__":
    main()
