"""Importing Seller Central exports into the store (``velocity import``).

read       which files a path holds, bytes, encodings, spreadsheet-saved CSV
recognise  which kind of export a file is
place      its marketplace and the order its dates are written in
merge      its rows into the store by natural key
explain    DuckDB's errors as one line naming the file, line and column
load       one transaction per file, the order table kept current
"""

from velocity.ingest.load import FileResult, check_marketplace, import_paths, record_rating

__all__ = ["FileResult", "check_marketplace", "import_paths", "record_rating"]
