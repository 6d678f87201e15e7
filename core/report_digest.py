"""A short digest of a report's content: what ties a printed, signed page to a file.

``report_digest(report)`` hashes the *canonical content* of the report — its report JSON
(``core.report_io.report_to_dict``) with keys sorted and no whitespace — not the bytes of any
file, so exporting again, packing, unpacking or re-saving gives the same digest, and any change
to a figure, a text or a score gives another.

It is printed as 16 characters in four groups, ``K3QM-7XPD-A9FT-2HRC``, from an alphabet without
look-alikes (Crockford's base 32: no I, L, O, U), so a clerk can read it aloud over the phone;
``normalize_digest`` accepts what a person types back (lower case, spaces, O for 0, I/L for 1).
The full SHA-256 is ``report_sha256``.
"""
from __future__ import annotations

import hashlib
import json

from core import model
from core.report_io import report_to_dict

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})
DIGEST_CHARS = 16


def canonical_json(report: model.Report) -> bytes:
    """The report's content as canonical UTF-8 JSON (sorted keys, no whitespace)."""
    # surrogatepass: a lone surrogate (refused at every way in, but possible in a report built in
    # code) still gives a digest instead of an exception
    return json.dumps(report_to_dict(report), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8", "surrogatepass")


def report_sha256(report: model.Report) -> str:
    """Hex SHA-256 of ``canonical_json(report)``."""
    return hashlib.sha256(canonical_json(report)).hexdigest()


def report_digest(report: model.Report) -> str:
    """The 16-character digest in groups of four, e.g. ``K3QM-7XPD-A9FT-2HRC`` (80 bits)."""
    n = int.from_bytes(hashlib.sha256(canonical_json(report)).digest()[:10], "big")
    chars = []
    for _ in range(DIGEST_CHARS):
        n, r = divmod(n, 32)
        chars.append(_ALPHABET[r])
    text = "".join(reversed(chars))
    return "-".join(text[i:i + 4] for i in range(0, DIGEST_CHARS, 4))


def normalize_digest(typed: str) -> str | None:
    """A digest as a person typed or read it back, in the printed form; None if it cannot be one."""
    text = "".join(ch for ch in typed.upper() if not ch.isspace() and ch != "-").translate(_TYPED)
    if len(text) != DIGEST_CHARS or any(ch not in _ALPHABET for ch in text):
        return None
    return "-".join(text[i:i + 4] for i in range(0, DIGEST_CHARS, 4))
