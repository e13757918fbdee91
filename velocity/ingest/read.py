"""Reading an export's bytes: which files a path holds (folders, .zip archives), gzip, the text encoding,
a UTF-8 copy for DuckDB where the file is in another one, the delimiter and quoting of a file a spreadsheet
re-saved, and the file's identity for the ledger (its hash).

Knows nothing of report kinds or of the store.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from velocity.errors import NotAnExport, VelocityError

HEAD_BYTES = 1 << 16
QUICK_BYTES = 1 << 20
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
    quoted: bool = False  # fields in double quotes (a spreadsheet's CSV)

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
                if child.is_file() and not any(p.startswith(".") for p in rel):
                    yield from _archive_or_file(child, str(child), tmp, explicit=False)
        else:
            yield from _archive_or_file(path, str(path), tmp, explicit=True)


def _archive_or_file(path: Path, shown: str, tmp: Path, *, explicit: bool) -> Iterator[Candidate]:
    if not (path.is_file() and zipfile.is_zipfile(path)) or _is_workbook(path):
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


def file_hash(path: Path, progress=None) -> str:
    """The SHA-256 of the file's bytes (the ledger's identity of a file), read into one reused buffer."""
    digest = hashlib.sha256()
    size = max(path.stat().st_size, 1)
    buffer = bytearray(1 << 23)
    view = memoryview(buffer)
    done = 0
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buffer):
            digest.update(view[:n])
            done += n
            if progress:
                progress("hashing", done / size)
    return digest.hexdigest()


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


def _head(path: Path, shown: str) -> tuple[bytes, bool]:
    with path.open("rb") as fh:
        start = fh.read(2)
    gzipped = start == b"\x1f\x8b"
    try:
        with open_bytes(path, gzipped) as fh:
            return fh.read(HEAD_BYTES), gzipped
    except (OSError, EOFError) as exc:
        raise VelocityError(f"{shown}: a damaged gzip file ({exc})", "download the report again") from None


def first_bad_line(data: bytes) -> int:
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def transcode(path: Path, shown: str, gzipped: bool, encoding: str, tmp: Path) -> Path:
    """A UTF-8 copy of a file in another encoding, for DuckDB; refuses text that does not decode cleanly."""
    with open_bytes(path, gzipped) as fh:
        data = fh.read()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        line = first_bad_line(data)
        raise VelocityError(
            f"{shown}: line {line}: the text is neither UTF-8 nor Windows-1252",
            "export the report again from Seller Central, or save it as UTF-8",
        ) from None
    fd, name = tempfile.mkstemp(suffix=".utf8.txt", dir=tmp)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text.lstrip("\ufeff"))
    return Path(name)


def source(candidate: Candidate, tmp: Path) -> Source:
    """Open a file for reading: decode its start, make a UTF-8 copy where needed, find its delimiter."""
    path, shown = candidate.path, candidate.shown
    head, gzipped = _head(path, shown)
    if not head.strip(b" \t\r\n\x00") and b"\x00" not in head:
        raise VelocityError(f"{shown}: the file is empty", "download the report again from Seller Central")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        readable = transcode(path, shown, gzipped, "utf-16", tmp)
        text = readable.read_text(encoding="utf-8")[:HEAD_BYTES]
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
    if encoding != "utf-8":
        readable = transcode(path, shown, gzipped, encoding, tmp)
        return _delimited(Source(path, shown, False, encoding, text.lstrip("\ufeff"), readable))
    return _delimited(Source(path, shown, gzipped, encoding, text.lstrip("\ufeff"), path))


_READS = "velocity reads the tab-separated .txt reports Seller Central downloads, and account-health JSON"


def _delimited(src: Source) -> Source:
    """How the header line separates its fields: Amazon's tabs, or a spreadsheet's commas or semicolons
    (with double-quoted fields)."""
    first = src.head.split("\n", 1)[0].rstrip("\r")
    if first.lstrip()[:1] in ("{", "["):
        return src
    counts = {d: len(_split(first, d)) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: (counts[d], d == "\t"))
    if counts[best] > 1:
        src.delimiter = best
    # a spreadsheet's CSV quotes a field that holds its delimiter; Amazon's tab files quote nothing
    src.quoted = best != "\t" or first.startswith('"')
    return src


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(line), delimiter=delimiter, quotechar='"'), [])


def header_and_rows(src: Source, limit: int = 50) -> tuple[list[str], list[list[str]]]:
    """The header cells and the first rows as text, split the way the file is written."""
    lines = src.head.split("\n")
    if len(src.head.encode("utf-8", "replace")) >= HEAD_BYTES - 4 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    text = "\n".join(line.rstrip("\r") for line in lines[: limit + 1])
    if src.quoted:
        rows = list(csv.reader(io.StringIO(text), delimiter=src.delimiter, quotechar='"'))
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
