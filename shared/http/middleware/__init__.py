"""Middleware about the request as a whole: query-string secrets and replica reads."""
