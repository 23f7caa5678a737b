"""Files that belong to a database transaction: written inside it, removed again if it fails.

The storage (local folder or object store) is not part of PostgreSQL's transaction, so a photo written
before a failing ``INSERT`` would stay behind as an orphan that nothing refers to — with personal data in
it. Wrap the *outermost* ``transaction.atomic()`` of a write in :func:`files_for_transaction`::

    with files_for_transaction() as files, transaction.atomic():
        name = files.save("reports/2026/12/abc.jpg", data)
        ...

Any exception leaving the block (validation, a lost connection, a failing commit) deletes every file
saved through ``files``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage


class TransactionFiles:
    """Saves files and remembers their stored names for cleanup."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.names: list[str] = []

    def save(self, name: str, content: bytes) -> str:
        """Store ``content`` under ``name`` (the storage may alter it); returns the stored name."""
        stored = self.storage.save(name, ContentFile(content))
        self.names.append(stored)
        return stored

    def delete_all(self) -> None:
        for name in self.names:
            self.storage.delete(name)
        self.names.clear()


@contextmanager
def files_for_transaction(storage: Storage | None = None) -> Iterator[TransactionFiles]:
    files = TransactionFiles(storage or default_storage)
    try:
        yield files
    except BaseException:
        files.delete_all()
        raise
