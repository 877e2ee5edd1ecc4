"""JSON values <-> google.protobuf Value/Struct, shared by the gateway and the client.

Depends on protobuf alone, so the client can use it without importing the gateway.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2

# Whole numbers beyond 2^53 are not exact in a double: they stay floats.
_MAX_SAFE_INT = 2**53


def value_to_py(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        n = value.number_value
        # JSON has one number type; give whole numbers back as ints.
        return int(n) if n.is_integer() and abs(n) < _MAX_SAFE_INT else n
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_to_py(value.struct_value)
    if kind == "list_value":
        return [value_to_py(v) for v in value.list_value.values]
    return None


def struct_to_py(struct: struct_pb2.Struct) -> dict[str, Any]:
    return {k: value_to_py(v) for k, v in struct.fields.items()}


def py_to_value(obj: Any, out: struct_pb2.Value) -> None:
    if obj is None:
        out.null_value = struct_pb2.NULL_VALUE
    elif isinstance(obj, bool):
        out.bool_value = obj
    elif isinstance(obj, int | float):
        out.number_value = float(obj)
    elif isinstance(obj, str):
        out.string_value = obj
    elif isinstance(obj, dict):
        py_to_struct(obj, out.struct_value)
    elif isinstance(obj, list | tuple):
        lv = out.list_value
        lv.SetInParent()
        for item in obj:
            py_to_value(item, lv.values.add())
    else:
        raise TypeError(f"{type(obj).__name__} is not a JSON value (OJS args are JSON only)")


def py_to_struct(obj: dict[str, Any], out: struct_pb2.Struct) -> None:
    out.SetInParent()
    for k, v in obj.items():
        py_to_value(v, out.fields[str(k)])
