"""CSV, as ServiceStack.Text's CsvSerializer writes and reads it (``text/csv``).

Writing (``CsvSerializer<T>.GetWriteFn``, ``CsvWriter<T>.Write``): a list is one row per
item under a header row of the item's member names; a ``[DataContract]`` DTO is replaced by
its first member that is neither a string nor a value type (``ResponseStatus`` skipped) - a
list of them gives the rows, a single one gives one row; any other DTO is one row of
itself. Header names are written as they are; a string field is quoted (inner quotes
doubled) when it holds ``"``, ``,``, a line break, or starts with ``[`` or ``{``
(``CsvWriter.HasAnyEscapeChars``); nested values are written as JSV. Rows end in CRLF
(``CsvConfig.RowSeparatorString``).

Reading (``CsvReader.ParseLines`` / ``ParseFields``): the header row names the members, the
next row holds the values (nested values in JSV); member names match case-insensitively.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from dialects.formats import jsv, schema
from dialects.formats.errors import DecodeError
from dialects.formats.schema import Node, StructPlan
from dialects.formats.sstext import Compiler, Write, jsv_style

T = TypeVar("T")

MEDIA_TYPE = "text/csv"
ROW_END = "\r\n"
#: Kinds CsvSerializer skips when it looks for the member to write (string, value types).
_SCALAR_KINDS = frozenset({"str", "int", "float", "bool", "uuid", "datetime", "enum"})
_ESCAPES = ('"', ",", "\r", "\n")
_IGNORED = "ResponseStatus"


def field(text: str) -> str:
    """``ToCsvField``: quoted, inner quotes doubled, when the text needs it."""
    if text and (any(c in text for c in _ESCAPES) or text[0] in "[{"):
        return '"' + text.replace('"', '""') + '"'
    return text


def _strip_quotes(text: str) -> str:
    """``StripQuotes``: one pair of surrounding double quotes removed."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


class Csv:
    """A CSV codec. ``guid_format`` is the host's JSV Guid format (values inside a field are
    written by TypeSerializer); ``data_contract`` says whether a DTO class carries
    ``[DataContract]`` (``IsDto``), which decides what of it becomes rows."""

    media_type = MEDIA_TYPE

    def __init__(
        self, guid_format: str = "N", data_contract: Callable[[type], bool] = lambda _: False
    ) -> None:
        self._jsv = Compiler(jsv_style(guid_format))
        self._data_contract = data_contract
        self._cells: dict[int, Write] = {}

    # -- writing -----------------------------------------------------------------------

    def encode(self, obj: Any) -> bytes:
        """``obj`` (a DTO or a list of DTOs) as CSV text in UTF-8, no BOM."""
        if isinstance(obj, list):
            return self.rows(obj, type(obj[0]) if obj else None).encode()
        info = schema.plan(type(obj))
        if self._data_contract(type(obj)):
            chosen = _candidate(info)
            if chosen is not None:
                value = getattr(obj, chosen.name)
                if value is None:
                    return b""
                if chosen.node.kind == "list":
                    assert chosen.node.item is not None
                    return self._list(value, chosen.node.item).encode()
                return self.rows([value], type(value)).encode()
        return self.rows([obj], type(obj)).encode()

    def rows(self, items: list[Any], type_: type | None) -> str:
        """A header row of ``type_``'s member names and one row per item."""
        if type_ is None:
            return ""
        info = schema.plan(type_)
        out = [",".join(f.wire for f in info.fields) + ROW_END] if info.fields else []
        cells = [(f.name, self._cell(f.node)) for f in info.fields]
        for item in items:
            values = [getattr(item, name) for name, _ in cells]
            row = ",".join(
                "" if v is None else cell(v) for v, (_, cell) in zip(values, cells, strict=True)
            )
            out.append(row + ROW_END)
        return "".join(out)

    def _list(self, items: list[Any], item: Node) -> str:
        if item.kind == "struct":
            assert item.struct is not None
            return self.rows(items, item.struct.cls)
        # A list of strings or values is one row (CsvWriter<string>.WriteRow / GetSingleRow).
        cell = self._cell(item)
        return ",".join("" if v is None else cell(v) for v in items) + ROW_END

    def _cell(self, node: Node) -> Write:
        """The text of one field holding a value of ``node``'s kind."""
        found = self._cells.get(id(node))
        if found is not None:
            return found
        kind = node.kind
        if kind == "str":
            found = field
        elif kind in ("int", "bool", "float", "enum"):
            found = self._jsv.node(node)
        else:
            write = self._jsv.node(node)
            found = lambda v: field(_strip_quotes(write(v)))  # noqa: E731
        self._cells[id(node)] = found
        return found

    # -- reading -----------------------------------------------------------------------

    def decode(self, buf: bytes, type_: type[T]) -> T:
        """The first data row under the header row, as ``type_``."""
        try:
            text = buf.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"the body is not UTF-8: {exc.reason}") from exc
        lines = parse_lines(text)
        if len(lines) < 2:
            return schema.convert({}, type_)
        headers = parse_fields(lines[0])
        values = parse_fields(lines[1])
        info = schema.plan(type_)  # type: ignore[arg-type]
        tree: dict[str, Any] = {}
        for name, value in zip(headers, values, strict=False):
            if value is None or value == "":
                continue
            tree[name] = _tree_value(info, name, value)
        return schema.convert(tree, type_)


def _candidate(info: StructPlan) -> schema.FieldPlan | None:
    """The member ``CsvSerializer<T>.GetWriteFn`` writes instead of a [DataContract] DTO: the
    first list among the non-scalar members, else the first non-scalar member."""
    first = None
    for f in info.fields:
        if f.name == _IGNORED or f.node.kind in _SCALAR_KINDS:
            continue
        if f.node.kind in ("list", "dict"):
            return f
        first = first or f
    return first


def _tree_value(info: StructPlan, name: str, value: str) -> Any:
    """A field's text, parsed as JSV when its member holds a list, a dict or a DTO."""
    wire = info.by_lower.get(name.lower())
    kind = next((f.node.kind for f in info.fields if f.wire == wire), "str")
    if kind in ("list", "dict", "struct"):
        return jsv.parse(value.encode())
    return value


def parse_lines(text: str) -> list[str]:
    """``CsvReader.ParseLines``: rows split at line feeds outside quotes (a CR before the
    LF dropped), empty rows skipped."""
    rows: list[str] = []
    quoted = False
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            if i + 1 < n and text[i + 1] == '"':
                i += 2
                continue
            quoted = not quoted
        elif c == "\n" and not quoted:
            end = i - 1 if i > 0 and text[i - 1] == "\r" else i
            if end > start:
                rows.append(text[start:end])
            start = i + 1
        i += 1
    if n > start:
        rows.append(text[start:])
    return rows


def parse_fields(line: str) -> list[str | None]:
    """``CsvReader.ParseFields``: the fields of one row, unquoted; a quoted field's doubled
    quotes read as one. Nested JSV (``{...}``, ``[...]``) is one field."""
    fields: list[str | None] = []
    i = 0
    n = len(line)
    while i <= n:
        if i == n or line[i] == ",":
            fields.append(None)
            i += 1
            continue
        if line[i] == '"':
            j = i + 1
            while j < n:
                if line[j] == '"':
                    if j + 1 < n and line[j + 1] == '"':
                        j += 2
                        continue
                    break
                j += 1
            fields.append(line[i + 1 : j].replace('""', '"'))
            i = j + 1
        else:
            j = _end_of_value(line, i)
            fields.append(line[i:j])
            i = j
        i += 1  # the comma (or the end)
    return fields


def _end_of_value(line: str, i: int) -> int:
    """Where an unquoted field ends: its brackets balanced for ``{``/``[``, else the next
    comma."""
    opener = line[i]
    if opener in "{[":
        closer = "}" if opener == "{" else "]"
        depth = 0
        quoted = False
        for j in range(i, len(line)):
            c = line[j]
            if c == '"':
                quoted = not quoted
            elif not quoted and c == opener:
                depth += 1
            elif not quoted and c == closer:
                depth -= 1
                if depth == 0:
                    return j + 1
    end = line.find(",", i)
    return len(line) if end < 0 else end
