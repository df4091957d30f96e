"""Read members of a zip archive a user handed us, with limits checked before anything is inflated.

Python's ``zipfile`` cannot read zstd members (ZIP method 93, what inspect_ai writes by default since
0.3.206) and inflates whatever a member's header promises. This reader:

- counts the entries from the end-of-central-directory record *before* parsing the directory
  (a directory of millions of entries is refused without building it);
- refuses a member whose declared size, or the archive's declared total, is above the limits;
- inflates stored (0), deflate (8) and zstd (93) members as a stream and stops one byte past the
  limit, so a member whose header lies about its size is refused after at most ``max_member_bytes``
  of output (a 2 MB file that would inflate to 2 GiB costs ~``max_member_bytes`` of memory, not 2 GiB);
- keeps the **last** member of a repeated name (what inspect_ai's own reader does for a re-logged
  sample; ``zipfile`` also resolves a name to its last entry).

Sources: APPNOTE.TXT 6.3.10 (PKWARE; method 93 = Zstandard, §4.4.5), inspect_ai ``log/_recorders/eval.py``.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import zstandard

STORED, DEFLATE, ZSTD = 0, 8, 93
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what one archive may make us inflate (defaults suit evaluation logs)."""

    max_entries: int = 200_000
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024


DEFAULT_LIMITS = ZipLimits()


class ArchiveError(ValueError):
    """An archive refused: the message says why (without the file name; callers add it)."""


def declared_entry_count(data: bytes) -> int:
    """Entries the end-of-central-directory record declares (zip64 aware); ArchiveError if none found."""
    tail = data[-(65_535 + 22):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise ArchiveError("corrupt or truncated archive (no end-of-central-directory record)")
    count = struct.unpack_from("<H", tail, at + 10)[0]
    if count == 0xFFFF:
        z64 = tail.rfind(b"PK\x06\x06", 0, at)
        if z64 < 0 or len(tail) - z64 < 56:
            raise ArchiveError("corrupt zip64 archive (no zip64 end-of-central-directory record)")
        count = struct.unpack_from("<Q", tail, z64 + 32)[0]
    return int(count)


def _inflate(method: int, raw: bytes, limit: int, name: str) -> bytes:
    """Decompress ``raw``; stop and refuse as soon as the output passes ``limit`` bytes."""
    if method == STORED:
        if len(raw) > limit:
            raise ArchiveError(f"member {name!r} is larger than the {limit:,}-byte limit")
        return raw
    out = bytearray()
    if method == DEFLATE:
        inflater = zlib.decompressobj(-15)
        pending = raw
        while pending:
            out += inflater.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                raise ArchiveError(f"member {name!r} inflates past the {limit:,}-byte limit (zip bomb?)")
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            raise ArchiveError(f"member {name!r}: truncated deflate data")
        return bytes(out)
    if method == ZSTD:
        try:
            reader = zstandard.ZstdDecompressor().stream_reader(BytesIO(raw), read_across_frames=True)
            while True:
                chunk = reader.read(min(_CHUNK, limit + 1 - len(out)))
                if not chunk:
                    break
                out += chunk
                if len(out) > limit:
                    raise ArchiveError(f"member {name!r} inflates past the {limit:,}-byte limit (zip bomb?)")
        except zstandard.ZstdError as exc:
            raise ArchiveError(f"member {name!r}: corrupt zstd data ({exc})") from exc
        return bytes(out)
    raise ArchiveError(f"member {name!r} uses compression method {method}; supported: stored, deflate, zstd")


def _member_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of ``info`` (after its local file header)."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ArchiveError(f"member {info.filename!r}: corrupt local header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    start = offset + 30 + name_len + extra_len
    raw = data[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise ArchiveError(f"member {info.filename!r} is truncated")
    return raw


def read_members(
    data: bytes, wanted: Callable[[str], bool], limits: ZipLimits = DEFAULT_LIMITS
) -> dict[str, bytes]:
    """Inflate the members whose name ``wanted`` accepts, last entry of a repeated name winning."""
    count = declared_entry_count(data)
    if count > limits.max_entries:
        raise ArchiveError(f"{count:,} entries, above the limit of {limits.max_entries:,}")
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ArchiveError(f"corrupt or truncated archive: {exc}") from exc
    last: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if wanted(info.filename) and not info.is_dir():
            last[info.filename] = info
    declared = sum(i.file_size for i in last.values())
    if declared > limits.max_total_bytes:
        raise ArchiveError(f"declares {declared:,} bytes uncompressed, above the {limits.max_total_bytes:,}-byte limit")
    for info in last.values():
        if info.file_size > limits.max_member_bytes:
            raise ArchiveError(f"member {info.filename!r} declares {info.file_size:,} bytes, above the "
                               f"{limits.max_member_bytes:,}-byte limit")
    out: dict[str, bytes] = {}
    total = 0
    for name, info in last.items():
        budget = min(limits.max_member_bytes, limits.max_total_bytes - total)
        content = _inflate(info.compress_type, _member_bytes(data, info), budget, name)
        if zlib.crc32(content) != info.CRC:
            raise ArchiveError(f"member {name!r}: CRC mismatch (corrupt archive)")
        total += len(content)
        out[name] = content
    return out
