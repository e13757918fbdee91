"""The SQL in ``queries/``: one relation per file, in layers, loaded by name and checked at load.

    reference/  fixed tables (marketplaces, transit days) and the parsing macros
    staging/    one stg_<kind> relation per export kind, over the raw file
    orders/     the order-level rules, and `orders`: the order table every answer reads
    answers/    what each command reads
    migrations/ the store's schema, one numbered step a file

Each file starts with a comment saying what the relation is, then ``-- reads: a, b`` (the relations and store
tables it reads) and ``-- params: $x, $y`` (or none). The catalog refuses, naming the file, a read of a name
that is neither a relation nor a store table, and a cycle - at load, not at a seller's run. `query` composes
a relation with the relations it reads (inlined as CTEs, in dependency order), so every answer is one
statement DuckDB optimises whole. Nothing here formats values into SQL: callers bind ``$parameters``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

_HERE = Path(__file__).resolve().parent
LAYERS = ("reference", "staging", "orders", "answers")
# Relations a caller puts in place at run time rather than a file: the export being imported (raw_<kind>,
# a view over the file) and the order ids an import touched (velocity.store.refresh_orders).
RUNTIME = re.compile(r"^(raw_[a-z_]+|touched_orders)$")


class SqlError(RuntimeError):
    """A broken query tree: a bug in velocity, never the seller's data."""


@dataclass(frozen=True)
class Relation:
    name: str
    layer: str
    path: Path
    text: str
    reads: tuple[str, ...]
    params: tuple[str, ...]


@cache
def queries_dir() -> Path:
    for candidate in (_HERE / "queries", _HERE.parent / "queries"):
        if (candidate / "reference" / "macros.sql").is_file():
            return candidate
    raise SqlError(
        f"velocity's SQL files are missing: looked in {_HERE / 'queries'} and {_HERE.parent / 'queries'}"
    )


_HEADER = re.compile(r"^--\s*(reads|params):(.*(?:\n--\s{4,}\S.*)*)$", re.M)
_COMMENT = re.compile(r"--[^\n]*")
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
_CREATE_TABLE = re.compile(r"^create table (\w+)", re.M | re.I)


def _names(text: str) -> tuple[str, ...]:
    words = [w.strip().lstrip("-").strip().lstrip("$") for w in text.replace("\n", ",").split(",")]
    return tuple(w for w in words if w and w != "none")


def _parse(path: Path, layer: str) -> Relation:
    text = path.read_text(encoding="utf-8")
    declared: dict[str, tuple[str, ...]] = {}
    for key, value in _HEADER.findall(text):
        declared[key] = declared.get(key, ()) + _names(value)
    if not text.startswith("--"):
        raise SqlError(f"{path}: starts without a comment saying what the relation is")
    if "reads" not in declared or "params" not in declared:
        raise SqlError(f"{path}: its header must declare '-- reads: ...' and '-- params: ...' (or none)")
    used = set(_PARAMETER.findall(_COMMENT.sub("", text)))
    if layer != "reference" and used != set(declared["params"]):
        raise SqlError(f"{path}: declares params {sorted(declared['params'])} but uses {sorted(used)}")
    return Relation(path.stem, layer, path, text, declared["reads"], declared["params"])


def migrations(root: Path | None = None) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file ``queries/migrations/NNNN_name.sql``, in order."""
    out = []
    for path in sorted(((root or queries_dir()) / "migrations").glob("*.sql")):
        number, _, name = path.stem.partition("_")
        out.append((int(number), name, path.read_text(encoding="utf-8")))
    return out


@cache
def store_tables(root: Path | None = None) -> frozenset[str]:
    """Every table the migrations create."""
    return frozenset(name for _, _, text in migrations(root) for name in _CREATE_TABLE.findall(text))


@cache
def catalog() -> dict[str, Relation]:
    """Every relation file by name, checked (see build_catalog); loaded once."""
    return build_catalog(queries_dir())


def build_catalog(root: Path) -> dict[str, Relation]:
    """Every relation file under root by name, with its dependency graph checked: each read names a
    relation, a store table or a run-time input, and no relation reads itself through others."""
    found: dict[str, Relation] = {}
    for layer in LAYERS:
        for path in sorted((root / layer).glob("*.sql")):
            rel = _parse(path, layer)
            if rel.name in found:
                raise SqlError(f"{path}: relation {rel.name!r} is also {found[rel.name].path}")
            found[rel.name] = rel
    tables = store_tables(root)
    for rel in found.values():
        for name in rel.reads:
            if name not in found and name not in tables and not RUNTIME.match(name):
                raise SqlError(
                    f"{rel.path}: reads {name!r}, which is neither a relation file nor a store table"
                )
    try:
        tuple(TopologicalSorter(_graph(found, tables)).static_order())
    except CycleError as exc:
        raise SqlError(f"the relations read each other in a cycle: {' -> '.join(exc.args[1])}") from None
    return found


def _graph(found: dict[str, Relation], tables: frozenset[str] | None = None) -> dict[str, set[str]]:
    """Relation -> the relation files it reads (a store table of the same name is the materialised
    relation: reading it is reading the table, not the file)."""
    tables = store_tables() if tables is None else tables
    return {
        rel.name: {r for r in rel.reads if r in found and r not in tables and r != rel.name}
        for rel in found.values()
    }


def relation(name: str) -> Relation:
    try:
        return catalog()[name]
    except KeyError:
        raise SqlError(f"no SQL file for relation {name!r} under {queries_dir()}") from None


def load(name: str) -> str:
    """The text of the relation's file."""
    return relation(name).text


def names(layer: str | None = None) -> list[str]:
    return sorted(n for n, r in catalog().items() if layer is None or r.layer == layer)


_TOUCHED = re.compile(r"\b([\w.]*order_id) in \(select order_id from touched_orders\)")


@cache
def query(name: str, available: frozenset[str] = frozenset(), *, every_order: bool = False) -> str:
    """One statement for the relation: the relation files it reads (directly or not), unless `available`
    (already a table or view on the connection), inlined as CTEs in dependency order. every_order: the
    order layer's `X.order_id in (select order_id from touched_orders)` filters keep every order (a whole
    rebuild reads its tables without the semi-join)."""
    text = _compose(name, available)
    return _TOUCHED.sub(r"\1 is not null", text) if every_order else text


def _compose(name: str, available: frozenset[str]) -> str:
    found = catalog()
    graph = _graph(found)
    needed: set[str] = set()
    stack = [name]
    while stack:
        for dep in graph[stack.pop()]:
            if dep not in needed and dep not in available:
                needed.add(dep)
                stack.append(dep)
    if not needed:
        return relation(name).text
    order = [n for n in TopologicalSorter({n: graph[n] & needed for n in needed}).static_order()]
    ctes = ",\n".join(f"{n} as (\n{_body(found[n].text)}\n)" for n in order)
    return f"with {ctes}\nselect * from (\n{_body(relation(name).text)}\n)"


def _body(text: str) -> str:
    return text.rstrip().rstrip(";")


def params(name: str, available: frozenset[str] = frozenset()) -> set[str]:
    """The $parameters the composed statement takes."""
    return set(_PARAMETER.findall(_COMMENT.sub("", query(name, available))))


def bind(text: str, values: dict) -> dict:
    """The values a statement uses, by its $names (comments aside): DuckDB rejects extra parameters."""
    used = set(_PARAMETER.findall(_COMMENT.sub("", text)))
    return {k: v for k, v in values.items() if k in used}
