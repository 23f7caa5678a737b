"""Services the interfaces share but no domain needs: citizen accounts, privacy requests,
operations (backup/restore), subscriptions, and request handling (``shared.http``)."""
