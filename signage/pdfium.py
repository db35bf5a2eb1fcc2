"""One lock around every call into PDFium. Pure.

PDFium is not thread-safe, not even across different documents (pypdfium2's documentation): two threads
of a gthread worker rendering or opening PDFs at once can corrupt the process. Every use holds this lock.
"""
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2

_LOCK = threading.Lock()


@contextmanager
def pdf_document(content: bytes) -> Iterator[pypdfium2.PdfDocument]:
    """Open a PDF held in memory, holding the lock until it is closed; PdfiumError when it does not parse."""
    with _LOCK:
        document = pypdfium2.PdfDocument(content)
        try:
            yield document
        finally:
            document.close()
