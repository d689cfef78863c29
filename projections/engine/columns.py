"""Column types shared by the read tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer

# A 64-bit integer on every backend: the seed's INTEGER is 64-bit in SQLite
# (and stays INTEGER there, so the seed's schema is kept); PostgreSQL needs
# BIGINT for it. Inputs are checked against this range before they are logged.
INT64 = BigInteger().with_variant(Integer(), "sqlite")
