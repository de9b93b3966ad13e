"""Add ServiceStack Reference: ``/types/python``, ``/types/typescript`` and ``/types/csharp``
written from the same DTO declarations the host serves.

The Python source follows ServiceStack's generator: ``@dataclass_json(letter_case=
LetterCase.CAMEL, undefined=Undefined.EXCLUDE)`` dataclasses with snake_case members, request
DTOs deriving ``IReturn[Response]`` with their routes in a comment, ServiceStack's own types
imported from the ``servicestack`` package. It imports and works with that package's
``JsonServiceClient``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialects.formats import schema
from dialects.servicestack import typeinfo
from dialects.servicestack.operations import Operation

_PY_SCALARS = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "uuid": "str",
    "datetime": "datetime.datetime",
}
_PY_DEFAULTS = {"int": "0", "float": "0.0", "bool": "False"}
_TS_SCALARS = {
    "str": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "uuid": "string",
    "datetime": "string",
}


def snake_case(name: str) -> str:
    """``RolePrimaryImageURL`` -> ``role_primary_image_url``."""
    spaced = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return spaced.lower()


def _own_types(operations: Sequence[Operation]) -> list[type]:
    roots = [t for s in operations for t in (s.response, s.request)]
    return [t for t in typeinfo.dependencies(*roots) if typeinfo.is_own(t)]


def _requests(operations: Sequence[Operation]) -> dict[type, Operation]:
    return {s.request: s for s in operations if typeinfo.is_own(s.request)}


def _options(opening: str, closing: str, base_url: str) -> list[str]:
    """The header comment every generated source starts with: the options it was made with."""
    return [f"{opening} Options:", f"BaseUrl: {base_url}", closing, ""]


# -- Python ---------------------------------------------------------------------------------


def _py_type(node: schema.Node) -> str:
    return typeinfo.spell(
        node, lambda n: _PY_SCALARS.get(n.kind, "str"), "List[{}]".format, "Dict[str, {}]".format
    )


def _py_member(f: schema.FieldPlan) -> str:
    name = snake_case(f.name)
    if f.node.nullable or f.node.kind in ("struct", "str", "uuid", "datetime"):
        return f"    {name}: Optional[{_py_type(f.node)}] = None"
    if f.node.kind in ("list", "dict"):
        factory = "list" if f.node.kind == "list" else "dict"
        return f"    {name}: {_py_type(f.node)} = field(default_factory={factory})"
    return f"    {name}: {_py_type(f.node)} = {_PY_DEFAULTS.get(f.node.kind, 'None')}"


def python(operations: Sequence[Operation], base_url: str) -> str:
    requests = _requests(operations)
    out = [
        *_options('"""', '"""', base_url),
        "import datetime",
        "from dataclasses import dataclass, field",
        "from typing import Dict, List, Optional",
        "",
        "from dataclasses_json import LetterCase, Undefined, dataclass_json",
        "from servicestack import IReturn, QueryResponse, ResponseStatus  # noqa: F401",
        "",
    ]
    for cls in _own_types(operations):
        out.append("")
        operation = requests.get(cls)
        if operation is not None:
            out += [f'# @Route("{r.path}", "{",".join(r.allowed)}")' for r in operation.routes]
        out += [
            "@dataclass_json(letter_case=LetterCase.CAMEL, undefined=Undefined.EXCLUDE)",
            "@dataclass",
        ]
        response = typeinfo.reference_name(operation.response) if operation else ""
        base = f"(IReturn[{response.replace('<', '[').replace('>', ']')}])" if operation else ""
        out.append(f"class {cls.__name__}{base}:")
        members = [_py_member(f) for f in typeinfo.fields(cls)]
        out += members or ["    pass"]
        out.append("")
    return "\n".join(out)


# -- TypeScript -----------------------------------------------------------------------------


def _ts_type(node: schema.Node) -> str:
    return typeinfo.spell(
        node,
        lambda n: _TS_SCALARS.get(n.kind, "string"),
        "{}[]".format,
        "{{ [index: string]: {}; }}".format,
    )


def typescript(operations: Sequence[Operation], base_url: str) -> str:
    requests = _requests(operations)
    out = [
        *_options("/*", "*/", base_url),
        "import { IReturn, QueryResponse, ResponseStatus } from '@servicestack/client';",
        "",
    ]
    for cls in _own_types(operations):
        operation = requests.get(cls)
        name = cls.__name__
        if operation is not None:
            out += [f'// @Route("{r.path}", "{",".join(r.allowed)}")' for r in operation.routes]
        response = typeinfo.reference_name(operation.response) if operation else ""
        implements = f" implements IReturn<{response}>" if operation else ""
        out.append(f"export class {name}{implements}")
        out.append("{")
        for f in typeinfo.fields(cls):
            member = f.name[:1].lower() + f.name[1:]
            out.append(f"    public {member}?: {_ts_type(f.node)};")
        out.append("")
        assign = "(Object as any).assign(this, init);"
        out.append(f"    public constructor(init?: Partial<{name}>) {{ {assign} }}")
        if operation is not None:
            verb = operation.routes[0].allowed[0] if operation.routes else "POST"
            out.append(f"    public getTypeName() {{ return '{name}'; }}")
            out.append(f"    public getMethod() {{ return '{verb}'; }}")
            out.append(f"    public createResponse() {{ return new {response}(); }}")
        out += ["}", ""]
    return "\n".join(out)


# -- C# -------------------------------------------------------------------------------------


def csharp(operations: Sequence[Operation], base_url: str) -> str:
    requests = _requests(operations)
    types = _own_types(operations)
    namespaces = sorted({typeinfo.clr_namespace(t) for t in types})
    out = [
        *_options("/*", "*/", base_url),
        "using System;",
        "using System.Collections.Generic;",
        "using System.Runtime.Serialization;",
        "using ServiceStack;",
        "using ServiceStack.DataAnnotations;",
    ]
    for ns in namespaces:
        out += ["", f"namespace {ns}", "{"]
        for cls in (t for t in types if typeinfo.clr_namespace(t) == ns):
            operation = requests.get(cls)
            if operation is not None:
                for r in operation.routes:
                    verbs = f', "{",".join(r.verbs)}"' if r.verbs else ""
                    out.append(f'    [Route("{r.path}"{verbs})]')
            base = f" : IReturn<{typeinfo.reference_name(operation.response)}>" if operation else ""
            out += [f"    public partial class {cls.__name__}{base}", "    {"]
            for f in typeinfo.fields(cls):
                member = f"{typeinfo.net_type(f.node)} {f.name}"
                out.append(f"        public virtual {member} {{ get; set; }}")
            out += ["    }", ""]
        out.append("}")
    out.append("")
    return "\n".join(out)


GENERATORS = {"python": python, "typescript": typescript, "csharp": csharp}
