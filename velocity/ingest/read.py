"""Reading an export's bytes: which files a path holds (folders, .zip archives), gzip, the text encoding,
a UTF-8 copy for DuckDB where the file is in another one, the delimiter and quoting of a file a spreadsheet
re-saved, and the file's identity for the ledger (its hash).

Knows nothing of report kinds or of the store.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from velocity.errors import NotAnExport, VelocityError

HEAD_BYTES = 1 << 16
QUICK_BYTES = 1 << 20
MAX_LINE = 1 << 20  # bytes: a longer line is a damaged file (a real export's lines are a few hundred bytes)
CHUNK = 1 << 23
EXPORT_SUFFIXES = {".txt", ".tsv", ".csv", ".json", ".gz", ".tab", ""}
BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"SQLite format": "an SQLite database",
}
DUCKDB_MAGIC = b"DUCK"
TEMP_PREFIX = ".velocity-tmp-"
ENCODING_NAMES = {"cp1252": "Windows-1252", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class Candidate:
    """A file to consider: where its bytes are, the name to show, and whether it was named explicitly."""

    path: Path
    shown: str
    explicit: bool


def not_regular(path: Path) -> str | None:
    """What a path is when it is not a regular file velocity can read (a pipe, a device, a socket); None
    for a regular file. Only regular files are read: a pipe or /dev/zero would never end."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@dataclass
class Source:
    """A file as read: whether gzip, the encoding that reads it, its first text, how its fields are
    separated, and what DuckDB reads (the file itself, or a UTF-8 copy)."""

    path: Path
    shown: str
    gzipped: bool
    encoding: str  # the file's own encoding: 'utf-8', 'cp1252' or 'utf-16'; `readable` is always UTF-8
    head: str  # decoded first bytes, BOM removed
    readable: Path
    delimiter: str = "\t"
    quoted: bool = False  # fields in double quotes (a spreadsheet's CSV, a Date Range report)
    skip: int = 0  # note lines before the header (a Date Range report's preamble)

    @property
    def spreadsheet(self) -> bool:
        """Re-saved by a spreadsheet: Amazon's flat files are tab-separated and never quoted."""
        return self.quoted or self.delimiter != "\t"


# ---------------------------------------------------------------------------------------------- files


def workdir(beside: Path) -> Path:
    """A private folder for temporary copies, beside the store (so it shares its disk and its privacy);
    folders a killed velocity left behind there are removed first."""
    folder = beside.resolve().parent
    for stale in folder.glob(TEMP_PREFIX + "*"):
        pid = stale.name.removeprefix(TEMP_PREFIX).split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=folder))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def expand(paths: Iterable[Path], tmp: Path) -> Iterator[Candidate]:
    """Every file to consider. Folders are walked recursively, in name order, skipping hidden files and
    folders; a .zip archive is read like a folder (its members extracted into tmp)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(p.startswith(".") for p in rel) or child.is_dir():
                    continue
                if not_regular(child):
                    yield Candidate(child, str(child), explicit=False)
                elif child.is_file():
                    yield from _archive_or_file(child, str(child), tmp, explicit=False)
        else:
            yield from _archive_or_file(path, str(path), tmp, explicit=True)


def _archive_or_file(path: Path, shown: str, tmp: Path, *, explicit: bool) -> Iterator[Candidate]:
    if not_regular(path) or not (path.is_file() and zipfile.is_zipfile(path)) or _is_workbook(path):
        yield Candidate(path, shown, explicit)
        return
    with zipfile.ZipFile(path) as archive:
        target = Path(tempfile.mkdtemp(dir=tmp))
        for n, info in enumerate(sorted(archive.infolist(), key=lambda i: i.filename)):
            name = Path(info.filename)
            if info.is_dir() or any(p.startswith((".", "__MACOSX")) for p in name.parts):
                continue
            member = target / f"{n:05d}-{name.name}"
            with archive.open(info) as src, member.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            yield Candidate(member, f"{shown}/{info.filename}", explicit=False)


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("xl/") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def open_bytes(path: Path, gzipped: bool):
    return gzip.open(path, "rb") if gzipped else path.open("rb")


@dataclass(frozen=True)
class Facts:
    """What one pass over a file's bytes tells: its SHA-256 (the ledger's identity), its size, its time of
    last change, and a line longer than MAX_LINE (number, length) if it has one."""

    sha256: str
    size: int
    mtime_ns: int
    long_line: tuple[int, int] | None


def file_facts(path: Path, progress=None) -> Facts:
    """Hash the file's bytes in one reused buffer, and find a line longer than MAX_LINE where one could be
    (in the text a .gz file holds, too). The size and change time are taken before the read: compare them
    after the import to know the bytes imported are the bytes hashed."""
    before = path.stat()
    digest = hashlib.sha256()
    size = max(before.st_size, 1)
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    done, lines, since_break, long_line = 0, 1, 0, None
    with path.open("rb", buffering=0) as fh:
        first = fh.read(2)
        gzipped = first == b"\x1f\x8b"
        digest.update(first)
        check = before.st_size > MAX_LINE and not gzipped
        if check:
            lines, since_break, long_line = _scan_lines(first, lines, since_break)
        while n := fh.readinto(buffer):
            chunk = view[:n]
            digest.update(chunk)
            done += n
            if check and long_line is None:
                lines, since_break, long_line = _scan_lines(bytes(chunk), lines, since_break)
            if progress:
                progress("hashing", done / size)
    if gzipped:  # the lines are in the text it expands to
        try:
            with gzip.open(path, "rb") as fh:
                while long_line is None and (data := fh.read(CHUNK)):
                    lines, since_break, long_line = _scan_lines(data, lines, since_break)
        except (OSError, EOFError, zlib.error):
            pass  # a damaged .gz: the import says so when it reads it
    return Facts(digest.hexdigest(), before.st_size, before.st_mtime_ns, long_line)


def _scan_lines(chunk: bytes, line: int, since_break: int) -> tuple[int, int, tuple[int, int] | None]:
    """Carry the line count and the bytes since the last line end across a chunk; report the first line
    longer than MAX_LINE as (line number, its length so far). A CR ends a line too (files from old Macs,
    read after their line ends are normalised); lines are numbered by LF. Vectorised: all ends at once."""
    import numpy as np

    data = np.frombuffer(chunk, dtype=np.uint8)
    ends = np.flatnonzero((data == 10) | (data == 13))
    if not ends.size:
        since_break += len(chunk)
        return line, since_break, ((line, since_break) if since_break > MAX_LINE else None)
    lengths = np.diff(ends, prepend=-1) - 1
    lengths[0] += since_break
    feeds = np.cumsum(data[ends] == 10)
    over = np.flatnonzero(lengths > MAX_LINE)
    if over.size:
        k = int(over[0])
        return line, 0, (line + (int(feeds[k - 1]) if k else 0), int(lengths[k]))
    tail = len(chunk) - int(ends[-1]) - 1
    line += int(feeds[-1])
    return line, tail, ((line, tail) if tail > MAX_LINE else None)


def quick_key(path: Path) -> str:
    """A cheap fingerprint of a file: the SHA-256 of its size and its first and last MiB. Identical files
    share it, so a file whose quick key is not in the ledger is certainly new."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    digest.update(size.to_bytes(8, "little"))
    with path.open("rb") as fh:
        digest.update(fh.read(QUICK_BYTES))
        if size > 2 * QUICK_BYTES:
            fh.seek(size - QUICK_BYTES)
        digest.update(fh.read(QUICK_BYTES))
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------ decoding


def damaged_gzip(shown: str) -> VelocityError:
    return VelocityError(
        f"{shown}: a damaged or cut-short .gz file (its download may have been interrupted)",
        "download the report again",
    )


def _head(path: Path, shown: str) -> tuple[bytes, bool]:
    with path.open("rb") as fh:
        start = fh.read(2)
    gzipped = start == b"\x1f\x8b"
    try:
        with open_bytes(path, gzipped) as fh:
            head = fh.read(HEAD_BYTES)
            # a header wider than the head (thousands of columns): read on to its end, and some rows after it
            while b"\n" not in head and b"\r" not in head and len(head) < MAX_LINE:
                more = fh.read(HEAD_BYTES)
                if not more:
                    break
                head += more
            if len(head) > HEAD_BYTES:
                head += fh.read(HEAD_BYTES)
            return head, gzipped
    except (OSError, EOFError, zlib.error):
        raise damaged_gzip(shown) from None


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 text without a BOM (every other byte a
    zero in mostly ASCII text, as some spreadsheets save "Unicode Text"); None otherwise."""
    sample = head[: 4096 - 4096 % 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def first_bad_line(data: bytes) -> int:
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def transcode(
    path: Path, shown: str, gzipped: bool, encoding: str, tmp: Path, *, normalise: bool = False
) -> Path:
    """A UTF-8 copy of a file in another encoding (or with mixed line ends: normalise), for DuckDB, written
    in chunks (a large file is never held in memory); refuses text that does not decode cleanly.
    normalise: CR LF becomes LF, and a lone CR (a stray one inside a field) a space."""
    decoder = codecs.getincrementaldecoder(encoding)()
    fd, name = tempfile.mkstemp(suffix=".utf8.txt", dir=tmp)
    line, first, pending_cr = 1, True, False
    try:
        with open_bytes(path, gzipped) as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
            while True:
                try:
                    data = src.read(CHUNK)
                except (OSError, EOFError, zlib.error):
                    raise damaged_gzip(shown) from None
                try:
                    text = decoder.decode(data, final=not data)
                except UnicodeDecodeError:
                    raise VelocityError(
                        f"{shown}: line {line}: the text is neither UTF-8 nor Windows-1252",
                        "export the report again from Seller Central, or save it as UTF-8",
                    ) from None
                if first:
                    text, first = text.lstrip("\ufeff"), False
                if normalise:
                    if pending_cr:
                        text = "\r" + text
                    pending_cr = text.endswith("\r") and bool(data)
                    if pending_cr:
                        text = text[:-1]
                    text = text.replace("\r\n", "\n").replace("\r", " ")
                line += text.count("\n")
                dst.write(text)
                if not data:
                    break
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def mixed_line_ends(head: bytes) -> bool:
    """Line ends DuckDB cannot read as one kind: LF and CR LF together, or a CR inside a line of an LF file."""
    crlf = head.count(b"\r\n")
    lf = head.count(b"\n") - crlf
    cr = head.count(b"\r") - crlf
    return (crlf > 0 and lf > 0) or (cr > 0 and (lf > 0 or crlf > 0))


def source(candidate: Candidate, tmp: Path) -> Source:
    """Open a file for reading: decode its start, make a UTF-8 copy where needed, find its delimiter."""
    path, shown = candidate.path, candidate.shown
    head, gzipped = _head(path, shown)
    if not head.strip(b" \t\r\n\x00") and b"\x00" not in head:
        raise VelocityError(f"{shown}: the file is empty", "download the report again from Seller Central")
    utf16 = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(head)
    if utf16:
        readable = transcode(path, shown, gzipped, utf16, tmp, normalise=True)
        with readable.open(encoding="utf-8") as fh:
            text = fh.read(HEAD_BYTES)
        return _delimited(Source(path, shown, False, "utf-16", text, readable))
    if head.startswith(b"PK\x03\x04"):
        what = "an Excel workbook" if _is_workbook(path) else "a damaged .zip archive"
        raise NotAnExport(
            f"{shown}: {what}, not a report as Seller Central downloads it",
            "import the original download (a .txt file), or save the sheet as 'Text (Tab delimited)'",
        )
    for magic, what in BINARY_MAGIC.items():
        if head.startswith(magic):
            raise NotAnExport(f"{shown}: {what}, not a report export", _READS)
    if head.startswith(DUCKDB_MAGIC, 8) or b"\x00" in head:
        raise NotAnExport(f"{shown}: a binary file, not a report export", _READS)
    try:
        text, encoding = head.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the head's end
            text, encoding = head[: exc.start].decode("utf-8"), "utf-8"
        else:
            try:
                text, encoding = head.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                raise VelocityError(
                    f"{shown}: line {first_bad_line(head)}: the text is neither UTF-8 nor Windows-1252",
                    "export the report again from Seller Central, or save it as UTF-8",
                ) from None
    if encoding != "utf-8" or mixed_line_ends(head):
        readable = transcode(path, shown, gzipped, encoding, tmp, normalise=True)
        return _delimited(Source(path, shown, False, encoding, text.lstrip("\ufeff"), readable))
    return _delimited(Source(path, shown, gzipped, encoding, text.lstrip("\ufeff"), path))


_READS = "velocity reads the tab-separated .txt reports Seller Central downloads, and account-health JSON"


def _delimited(src: Source) -> Source:
    """How the header line separates its fields: Amazon's tabs, or a spreadsheet's commas or semicolons
    (with double-quoted fields). A few note lines of one field each before a wide header (a Date Range
    report's preamble) are skipped."""
    lines = _LINE_BREAK.split(src.head, maxsplit=PREAMBLE_LINES + 1)
    if lines[0].lstrip()[:1] in ("{", "["):
        return src
    src.skip = _preamble(lines)
    first = lines[src.skip]
    counts = {d: len(_split(first, d)) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: (counts[d], d == "\t"))
    if counts[best] > 1:
        src.delimiter = best
    # a spreadsheet's CSV quotes a field that holds its delimiter; Amazon's tab files quote nothing
    src.quoted = best != "\t" or first.startswith('"')
    return src


PREAMBLE_LINES = 15  # a Date Range report has 7 (9 from 2026) note lines before its header


def _preamble(lines: list[str]) -> int:
    """How many note lines come before the header: 0 unless a line of ten fields or more comes within
    PREAMBLE_LINES and every line before it is one field (a sentence, quoted where it holds the delimiter - as
    Amazon writes it - or left bare with a stray `;` or `,` of another kind, as a spreadsheet re-saves it)
    with no tab in it."""
    for i, line in enumerate(lines[: PREAMBLE_LINES + 1]):
        for d in ("\t", ",", ";"):
            if len(_split(line, d)) >= 10:
                notes = lines[:i]
                return i if all("\t" not in n and len(_split(n, d)) <= 1 for n in notes) else 0
        if "\t" in line:
            return 0  # a tab-separated report's header or data: no preamble
    return 0


_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(line), delimiter=delimiter, quotechar='"'), [])


def header_and_rows(src: Source, limit: int = 50) -> tuple[list[str], list[list[str]]]:
    """The header cells and the first rows as text, split the way the file is written."""
    lines = _LINE_BREAK.split(src.head)
    if len(src.head) >= HEAD_BYTES // 4 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    text = "\n".join(lines[src.skip : src.skip + limit + 1])
    if src.quoted:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=src.delimiter, quotechar='"'))
    else:
        rows = [line.split(src.delimiter) for line in text.split("\n")]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return [], []
    header = rows[0]
    while len(header) > 1 and not header[-1].strip():
        header = header[:-1]  # a header ending in a tab
    return header, rows[1:]


def text_lines(src: Source) -> Iterator[str]:
    """The file's text lines (for locating a reported problem; never for reading data)."""
    with open_bytes(src.readable, src.gzipped) as fh:
        for raw in fh:
            yield raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
