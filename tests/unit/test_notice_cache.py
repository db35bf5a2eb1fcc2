"""The page-head cache under a clock that moves between two reads of it, as it does under load."""
from pathlib import Path

from signage.notices.cache import NoticeCaches


class Ticking:
    """A clock that moves on every reading: an entry can expire between two reads in one lookup."""

    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_head_that_expires_during_its_lookup_is_read_again_never_an_error():
    caches = NoticeCaches(head_ttl=1.0, assets_root=Path("/nonexistent"), clock=Ticking(0.3))
    loads = []

    def load():
        loads.append(1)
        return {"status": "active", "load": len(loads)}

    heads = [caches.head(("sign", "ABC"), load) for _ in range(60)]
    assert all(head["status"] == "active" for head in heads)
    assert 1 < len(loads) < 60  # reused while fresh, read again once expired
