"""Idempotency keys for creating reports: a client that could not see the answer (a dead spot, a timeout)
sends the same request again with the same key and gets the same report, never a second one."""
