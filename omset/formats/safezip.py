"""Zip containers (DOCX, ODT) from untrusted bytes, within :class:`~omset.formats.Limits`.

A zip bomb is a few kilobytes that inflate to gigabytes. The central directory *declares*
each member's sizes, so those are checked before anything is inflated (entry count,
total uncompressed size, per-member compression ratio) — and because declarations can
lie, the bytes actually inflated are counted again while reading, and reading stops at
the first byte over the limit. Names that could escape a directory (``../``, absolute
paths, drive letters, backslashes) are refused even though we never extract to disk: a
document carrying them is hostile, and an output we write must not carry them on.

Writing keeps every member we did not change as it was: same order, same name, same
content, same compression method, date and attributes (``mimetype`` of an ODT stays
first and stored).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Mapping

from . import FormatError, Limits

__all__ = ["SafeZip"]

#: members smaller than this cannot make a bomb whatever their ratio (tiny XML parts of
#: repeated characters compress beyond any sensible ratio limit)
RATIO_MIN_BYTES = 1024 * 1024
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class SafeZip:
    """A zip archive read from bytes, checked against ``limits`` before any member is read."""

    def __init__(self, data: bytes, limits: Limits, what: str):
        self.what = what
        self.limits = limits
        if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            article = "an" if what[:1] in "AEIOU" else "a"
            raise FormatError(f"not {article} {what} file: it is not a zip container")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                NotImplementedError) as exc:
            raise FormatError(f"{what} is corrupt or truncated: {exc}") from None
        if len(infos) > limits.max_zip_entries:
            raise FormatError(f"{what} has {len(infos)} zip entries, more than the limit "
                              f"of {limits.max_zip_entries}")
        seen: set[str] = set()
        total = 0
        for info in infos:
            self._check_name(info.filename)
            if info.filename in seen:
                raise FormatError(f"{what} has the member {info.filename!r} twice")
            seen.add(info.filename)
            if info.flag_bits & 0x1:
                raise FormatError(f"{what} is encrypted ({info.filename})")
            total += info.file_size
            if total > limits.max_uncompressed_bytes:
                raise FormatError(f"{what} would inflate to more than "
                                  f"{limits.max_uncompressed_bytes} bytes (zip bomb?)")
            if (info.file_size > RATIO_MIN_BYTES
                    and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1)):
                ratio = info.file_size / max(info.compress_size, 1)
                raise FormatError(
                    f"{what} member {info.filename} inflates {ratio:.0f}"
                    f"-fold, more than the limit of {limits.max_compression_ratio:.0f} (zip bomb?)")
        self.infos = infos
        self._read_total = 0
        self._cache: dict[str, bytes] = {}

    def _check_name(self, name: str) -> None:
        parts = name.split("/")
        if (not name or name.startswith("/") or "\\" in name or "\x00" in name
                or _DRIVE.match(name) or ".." in parts):
            raise FormatError(f"{self.what} has an unsafe member name {name!r}")

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self.infos]

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        """A member's bytes, inflated in chunks and counted against the limits as we go."""
        if name in self._cache:
            return self._cache[name]
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise FormatError(f"{self.what} has no member {name}") from None
        limits = self.limits
        out = bytearray()
        try:
            with self._zip.open(info) as f:
                while chunk := f.read(_CHUNK):
                    out += chunk
                    self._read_total += len(chunk)
                    if len(out) > info.file_size:
                        raise FormatError(f"{self.what} member {name} is larger than it "
                                          "declares (zip bomb?)")
                    if self._read_total > limits.max_uncompressed_bytes:
                        raise FormatError(f"{self.what} inflates to more than "
                                          f"{limits.max_uncompressed_bytes} bytes (zip bomb?)")
                    if (len(out) > RATIO_MIN_BYTES
                            and len(out) > limits.max_compression_ratio * max(info.compress_size, 1)):
                        raise FormatError(f"{self.what} member {name} inflates more than "
                                          f"{limits.max_compression_ratio:.0f}-fold (zip bomb?)")
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                NotImplementedError) as exc:
            raise FormatError(f"{self.what} is corrupt or truncated ({name}: {exc})") from None
        self._cache[name] = data = bytes(out)
        return data

    def rewrite(self, changed: Mapping[str, bytes]) -> bytes:
        """The archive again, with ``changed`` members replaced and all others as they were."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for info in self.infos:
                data = changed[info.filename] if info.filename in changed else self.read(info.filename)
                new = zipfile.ZipInfo(info.filename, info.date_time)
                new.compress_type = info.compress_type
                new.external_attr = info.external_attr
                new.internal_attr = info.internal_attr
                new.create_system = info.create_system
                new.comment = info.comment
                out.writestr(new, data)
            out.comment = self._zip.comment
        return buf.getvalue()

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "SafeZip":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
