"""The per-worker caches of public pages, in one place and bounded: page heads for a few seconds,
rendered pages by ETag, and the signature of the assets the pages are built from."""
import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cachetools import LRUCache, TTLCache
from flask import Flask, current_app

HEAD_CACHE_SIZE = 4096
RENDER_CACHE_SIZE = 512
EXTENSION = "signage.notice_caches"


class NoticeCaches:
    """Bounded caches shared by the threads of one worker; cachetools caches need the lock."""

    def __init__(self, head_ttl: float, assets_root: Path, clock: Callable[[], float] = time.monotonic):
        self.lock = threading.Lock()
        self.heads = TTLCache(maxsize=HEAD_CACHE_SIZE, ttl=head_ttl, timer=clock) if head_ttl > 0 else None
        self.pages: LRUCache = LRUCache(maxsize=RENDER_CACHE_SIZE)
        self.assets = _assets_signature(assets_root)
        #: notices.pages.render_missing_pages's memory of what it found done, per page format
        self.pages_checked: dict[str, int] = {}

    def head(self, key: tuple, load):
        """Return a page head, reusing one read less than the TTL ago; load() reads it otherwise."""
        if self.heads is None:
            return load()
        with self.lock:
            # one lookup: "key in" and then [key] read the clock twice, and an entry that expires in
            # between raises KeyError from the second
            try:
                return self.heads[key]
            except KeyError:
                pass
        head = load()
        with self.lock:
            self.heads[key] = head
        return head

    def page(self, etag: str, render):
        """Return rendered (body, mimetype) for an ETag, rendering once."""
        with self.lock:
            hit = self.pages.get(etag)
        if hit is None:
            hit = render()
            with self.lock:
                self.pages[etag] = hit
        return hit


def _assets_signature(root: Path) -> str:
    """Hash the stylesheet, the notice templates and the catalogs, for the ETag and the CSS URL."""
    files = [root / "signage" / "static" / "notice.css", *sorted((root / "templates" / "notices").glob("*.html")),
             *sorted((root / "translations").glob("*/LC_MESSAGES/*.mo"))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def register_caches(app: Flask) -> None:
    """Give the app its notice caches, sized and timed from its configuration."""
    root = Path(app.root_path).parent
    app.extensions[EXTENSION] = NoticeCaches(app.config["NOTICE_STATE_TTL"], root)


def caches() -> NoticeCaches:
    """Return the running app's notice caches."""
    return current_app.extensions[EXTENSION]
