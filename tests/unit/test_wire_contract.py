"""The generated ojs.v1 descriptors equal the OJS v1 wire contract, row for row.

The contract facts live in ``tests/data/ojs_v1_wire_contract.json`` (files, imports,
file options, enums, messages, fields, RPCs, in contract order). Every row is checked
against the descriptors compiled into the generated ``ojs_grpc._proto.ojs.v1.*_pb2``
modules, and those descriptors may contain nothing the contract does not list.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NotRequired, TypedDict

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACT_PATH = REPO_ROOT / "tests" / "data" / "ojs_v1_wire_contract.json"
GENERATED_PACKAGE = "ojs_grpc._proto"
GENERATED_DIR = REPO_ROOT / "ojs_grpc" / "_proto"
PROTO_DIR = REPO_ROOT / "proto"

FDP = descriptor_pb2.FieldDescriptorProto

SCALAR_TYPES: dict[str, FDP.Type.ValueType] = {
    "double": FDP.TYPE_DOUBLE,
    "float": FDP.TYPE_FLOAT,
    "int64": FDP.TYPE_INT64,
    "uint64": FDP.TYPE_UINT64,
    "int32": FDP.TYPE_INT32,
    "fixed64": FDP.TYPE_FIXED64,
    "fixed32": FDP.TYPE_FIXED32,
    "bool": FDP.TYPE_BOOL,
    "string": FDP.TYPE_STRING,
    "bytes": FDP.TYPE_BYTES,
    "uint32": FDP.TYPE_UINT32,
    "sfixed32": FDP.TYPE_SFIXED32,
    "sfixed64": FDP.TYPE_SFIXED64,
    "sint32": FDP.TYPE_SINT32,
    "sint64": FDP.TYPE_SINT64,
}
# Well-known types the contract may name that are enums (all others are messages).
WELL_KNOWN_ENUMS = frozenset({"google.protobuf.NullValue"})


class MapSpec(TypedDict):
    key: str
    value: str


class FieldSpec(TypedDict):
    number: int
    name: str
    type: str
    label: str
    map: NotRequired[MapSpec]


class MessageSpec(TypedDict):
    name: str
    fields: list[FieldSpec]


class EnumValueSpec(TypedDict):
    name: str
    number: int


class EnumSpec(TypedDict):
    name: str
    values: list[EnumValueSpec]


class RpcSpec(TypedDict):
    name: str
    request: str
    response: str
    client_streaming: bool
    server_streaming: bool


class ServiceSpec(TypedDict):
    name: str
    rpcs: list[RpcSpec]


class FileOptionsSpec(TypedDict):
    go_package: str
    java_multiple_files: bool
    java_package: str


class FileSpec(TypedDict):
    name: str
    package: str
    syntax: str
    imports: list[str]
    options: FileOptionsSpec
    enums: list[EnumSpec]
    messages: list[MessageSpec]
    services: list[ServiceSpec]


class Contract(TypedDict):
    description: str
    package: str
    files: list[FileSpec]


def _load_contract() -> Contract:
    data: Contract = json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))
    return data


CONTRACT = _load_contract()
PACKAGE = CONTRACT["package"]
FILES = CONTRACT["files"]
ENUM_NAMES = frozenset(e["name"] for f in FILES for e in f["enums"])
MESSAGE_NAMES = frozenset(m["name"] for f in FILES for m in f["messages"])


def module_name(proto_file: str) -> str:
    """``ojs/v1/job.proto`` -> ``ojs_grpc._proto.ojs.v1.job_pb2``."""
    assert proto_file.endswith(".proto"), proto_file
    return f"{GENERATED_PACKAGE}.{proto_file.removesuffix('.proto').replace('/', '.')}_pb2"


def load_module(proto_file: str) -> ModuleType:
    return importlib.import_module(module_name(proto_file))


def file_proto(proto_file: str) -> descriptor_pb2.FileDescriptorProto:
    """The descriptor compiled into the generated module, as a FileDescriptorProto."""
    descriptor: Any = load_module(proto_file).DESCRIPTOR
    fdp = descriptor_pb2.FileDescriptorProto()
    descriptor.CopyToProto(fdp)
    return fdp


def map_entry_name(field_name: str) -> str:
    """protoc's name for the synthetic entry message of a map field."""
    return "".join(part[:1].upper() + part[1:] for part in field_name.split("_")) + "Entry"


def set_type(target: descriptor_pb2.FieldDescriptorProto, type_name: str) -> None:
    """Fill ``type``/``type_name`` for a contract type name (scalar, ojs.v1 or WKT)."""
    if type_name in SCALAR_TYPES:
        target.type = SCALAR_TYPES[type_name]
        return
    if type_name.startswith("google.protobuf."):
        full = type_name
        is_enum = type_name in WELL_KNOWN_ENUMS
    else:
        assert type_name in ENUM_NAMES | MESSAGE_NAMES, (
            f"contract data names unknown type {type_name!r}"
        )
        full = f"{PACKAGE}.{type_name}"
        is_enum = type_name in ENUM_NAMES
    target.type = FDP.TYPE_ENUM if is_enum else FDP.TYPE_MESSAGE
    target.type_name = f".{full}"


def expected_message(spec: MessageSpec) -> descriptor_pb2.DescriptorProto:
    """Build the DescriptorProto protoc must produce for a contract message."""
    msg = descriptor_pb2.DescriptorProto(name=spec["name"])
    real_oneofs: list[str] = []
    synthetic: list[tuple[descriptor_pb2.FieldDescriptorProto, str]] = []
    for row in spec["fields"]:
        field = msg.field.add(name=row["name"], number=row["number"])
        label = row["label"]
        if "map" in row:
            assert label == "", f"{spec['name']}.{row['name']}: a map field has no label"
            entry_name = map_entry_name(row["name"])
            field.label = FDP.LABEL_REPEATED
            field.type = FDP.TYPE_MESSAGE
            field.type_name = f".{PACKAGE}.{spec['name']}.{entry_name}"
            entry = msg.nested_type.add(name=entry_name)
            entry.options.map_entry = True
            key = entry.field.add(name="key", number=1, label=FDP.LABEL_OPTIONAL)
            set_type(key, row["map"]["key"])
            value = entry.field.add(name="value", number=2, label=FDP.LABEL_OPTIONAL)
            set_type(value, row["map"]["value"])
            continue
        set_type(field, row["type"])
        if label == "repeated":
            field.label = FDP.LABEL_REPEATED
        elif label == "":
            field.label = FDP.LABEL_OPTIONAL
        elif label == "optional":
            field.label = FDP.LABEL_OPTIONAL
            field.proto3_optional = True
            synthetic.append((field, f"_{row['name']}"))
        elif label.startswith("oneof "):
            oneof = label.removeprefix("oneof ").strip()
            if oneof not in real_oneofs:
                real_oneofs.append(oneof)
            field.label = FDP.LABEL_OPTIONAL
            field.oneof_index = real_oneofs.index(oneof)
        else:
            raise AssertionError(f"{spec['name']}.{row['name']}: unknown label {label!r}")
    # protoc puts the synthetic oneofs of proto3 `optional` fields after all real ones.
    for name in real_oneofs:
        msg.oneof_decl.add(name=name)
    for field, name in synthetic:
        field.oneof_index = len(msg.oneof_decl)
        msg.oneof_decl.add(name=name)
    return msg


def expected_file(spec: FileSpec) -> descriptor_pb2.FileDescriptorProto:
    """Build the whole FileDescriptorProto protoc must produce for a contract file."""
    fdp = descriptor_pb2.FileDescriptorProto(
        name=spec["name"], package=spec["package"], syntax=spec["syntax"]
    )
    fdp.dependency.extend(spec["imports"])
    fdp.options.go_package = spec["options"]["go_package"]
    fdp.options.java_multiple_files = spec["options"]["java_multiple_files"]
    fdp.options.java_package = spec["options"]["java_package"]
    for enum_spec in spec["enums"]:
        enum = fdp.enum_type.add(name=enum_spec["name"])
        for value in enum_spec["values"]:
            enum.value.add(name=value["name"], number=value["number"])
    for msg_spec in spec["messages"]:
        fdp.message_type.add().CopyFrom(expected_message(msg_spec))
    for svc_spec in spec["services"]:
        svc = fdp.service.add(name=svc_spec["name"])
        for rpc in svc_spec["rpcs"]:
            method = svc.method.add(
                name=rpc["name"],
                input_type=f".{PACKAGE}.{rpc['request']}",
                output_type=f".{PACKAGE}.{rpc['response']}",
            )
            # proto3 files leave the streaming flags unset rather than false.
            if rpc["client_streaming"]:
                method.client_streaming = True
            if rpc["server_streaming"]:
                method.server_streaming = True
    return fdp


def strip_json_names(fdp: descriptor_pb2.FileDescriptorProto) -> None:
    """json_name is derived from the field name and not part of the contract."""

    def walk(msg: descriptor_pb2.DescriptorProto) -> None:
        for field in msg.field:
            field.ClearField("json_name")
        for nested in msg.nested_type:
            walk(nested)

    for msg in fdp.message_type:
        walk(msg)


def _file_id(spec: FileSpec) -> str:
    return spec["name"]


def _message_params() -> list[Any]:
    return [
        pytest.param(f, m, id=f"{f['name'].rsplit('/', 1)[-1]}:{m['name']}")
        for f in FILES
        for m in f["messages"]
    ]


def _enum_params() -> list[Any]:
    return [
        pytest.param(f, e, id=f"{f['name'].rsplit('/', 1)[-1]}:{e['name']}")
        for f in FILES
        for e in f["enums"]
    ]


def _rpc_params() -> list[Any]:
    return [
        pytest.param(f, s, r, id=f"{s['name']}.{r['name']}")
        for f in FILES
        for s in f["services"]
        for r in s["rpcs"]
    ]


# --------------------------------------------------------------------------- data


def test_contract_data_is_consistent() -> None:
    """Sanity of the JSON itself: one package, unique names, known types."""
    assert PACKAGE == "ojs.v1"
    assert [f["name"] for f in FILES] == [
        "ojs/v1/events.proto",
        "ojs/v1/job.proto",
        "ojs/v1/queue.proto",
        "ojs/v1/worker.proto",
        "ojs/v1/workflow.proto",
        "ojs/v1/service.proto",
    ]
    names = [m["name"] for f in FILES for m in f["messages"]]
    names += [e["name"] for f in FILES for e in f["enums"]]
    names += [s["name"] for f in FILES for s in f["services"]]
    assert len(names) == len(set(names)), "duplicate top-level names in the contract data"
    for f in FILES:
        assert f["package"] == PACKAGE
        for m in f["messages"]:
            numbers = [row["number"] for row in m["fields"]]
            assert len(numbers) == len(set(numbers)), m["name"]
            for row in m["fields"]:
                types = [row["map"]["key"], row["map"]["value"]] if "map" in row else [row["type"]]
                for t in types:
                    assert (
                        t in SCALAR_TYPES
                        or t in ENUM_NAMES
                        or t in MESSAGE_NAMES
                        or t.startswith("google.protobuf.")
                    ), f"{m['name']}.{row['name']}: unknown type {t!r}"
    rpcs = [r for f in FILES for s in f["services"] for r in s["rpcs"]]
    assert len(rpcs) == 25
    assert sum(len(m["fields"]) for f in FILES for m in f["messages"]) == 196
    assert sum(len(e["values"]) for f in FILES for e in f["enums"]) == 34


# ---------------------------------------------------------------------- file set


# Our own extension packages live beside ojs.v1, never inside it.
EXTENSION_DIRS = ("ojsgrpc",)


def test_proto_sources_are_exactly_the_contract_files() -> None:
    sources = sorted(
        p.relative_to(PROTO_DIR).as_posix()
        for p in PROTO_DIR.rglob("*.proto")
        if p.relative_to(PROTO_DIR).parts[0] not in EXTENSION_DIRS
    )
    assert sources == sorted(f["name"] for f in FILES)


def test_generated_modules_are_exactly_the_contract_files() -> None:
    """No extra ojs.v1 file was generated (ml_resources.proto stays out)."""
    v1_dir = GENERATED_DIR / "ojs" / "v1"
    generated = sorted(p.name for p in v1_dir.glob("*_pb2.py"))
    expected = sorted(module_name(f["name"]).rsplit(".", 1)[-1] + ".py" for f in FILES)
    assert generated == expected
    # Nothing generated outside ojs/v1 (and our extensions) and no top-level `ojs` package anywhere.
    stray = sorted(
        p.relative_to(GENERATED_DIR).as_posix()
        for p in GENERATED_DIR.rglob("*.py")
        if p.parent != v1_dir
        and p.name != "__init__.py"
        and p.relative_to(GENERATED_DIR).parts[0] not in EXTENSION_DIRS
    )
    assert stray == []
    assert not (REPO_ROOT / "ojs").exists(), "generated code must not be a top-level `ojs`"


@pytest.mark.parametrize("spec", FILES, ids=_file_id)
def test_descriptor_registered_under_contract_file_name(spec: FileSpec) -> None:
    module = load_module(spec["name"])
    descriptor: Any = module.DESCRIPTOR
    assert descriptor.name == spec["name"]
    assert descriptor.package == spec["package"]
    # The default pool (used by gRPC reflection) knows it under the wire file name.
    assert descriptor_pool.Default().FindFileByName(spec["name"]) is descriptor


# --------------------------------------------------------------------- file level


@pytest.mark.parametrize("spec", FILES, ids=_file_id)
def test_file_header(spec: FileSpec) -> None:
    fdp = file_proto(spec["name"])
    assert fdp.name == spec["name"]
    assert fdp.package == spec["package"]
    assert fdp.syntax == spec["syntax"]
    assert list(fdp.dependency) == spec["imports"], "imports differ (names or order)"
    assert list(fdp.public_dependency) == []
    assert list(fdp.weak_dependency) == []


@pytest.mark.parametrize("spec", FILES, ids=_file_id)
def test_file_options(spec: FileSpec) -> None:
    options = file_proto(spec["name"]).options
    expected = descriptor_pb2.FileOptions(
        go_package=spec["options"]["go_package"],
        java_multiple_files=spec["options"]["java_multiple_files"],
        java_package=spec["options"]["java_package"],
    )
    assert options == expected, f"file options differ:\n{options}\nexpected:\n{expected}"


@pytest.mark.parametrize("spec", FILES, ids=_file_id)
def test_top_level_names_and_order(spec: FileSpec) -> None:
    fdp = file_proto(spec["name"])
    assert [m.name for m in fdp.message_type] == [m["name"] for m in spec["messages"]]
    assert [e.name for e in fdp.enum_type] == [e["name"] for e in spec["enums"]]
    assert [s.name for s in fdp.service] == [s["name"] for s in spec["services"]]
    assert list(fdp.extension) == []


# ---------------------------------------------------------------------- messages


@pytest.mark.parametrize(("file_spec", "spec"), _message_params())
def test_message_fields(file_spec: FileSpec, spec: MessageSpec) -> None:
    fdp = file_proto(file_spec["name"])
    by_name = {m.name: m for m in fdp.message_type}
    assert spec["name"] in by_name, f"message {spec['name']} missing from {file_spec['name']}"
    actual = by_name[spec["name"]]
    expected = expected_message(spec)

    actual_rows = [(f.number, f.name) for f in actual.field]
    expected_rows = [(f.number, f.name) for f in expected.field]
    assert actual_rows == expected_rows, "field numbers/names (or their order) differ"
    for original, want in zip(actual.field, expected.field, strict=True):
        got = FDP.FromString(original.SerializeToString())
        got.ClearField("json_name")
        where = f"{spec['name']}.{want.name}"
        assert FDP.Label.Name(got.label) == FDP.Label.Name(want.label), f"{where}: label"
        assert FDP.Type.Name(got.type) == FDP.Type.Name(want.type), f"{where}: type"
        assert got.type_name == want.type_name, f"{where}: type name"
        assert got.proto3_optional == want.proto3_optional, f"{where}: proto3 optional"
        assert got.HasField("oneof_index") == want.HasField("oneof_index"), f"{where}: oneof"
        assert got == want, f"{where}: descriptor differs:\n{got}\nexpected:\n{want}"

    # Map entries are the only nested types; they carry the map key/value types.
    assert [n.name for n in actual.nested_type] == [n.name for n in expected.nested_type]
    for got_entry, want_entry in zip(actual.nested_type, expected.nested_type, strict=True):
        assert got_entry.options.map_entry, f"{got_entry.name} is not a map entry"
        key, value = got_entry.field
        want_key, want_value = want_entry.field
        assert (key.number, key.name, key.type) == (want_key.number, "key", want_key.type)
        assert (value.number, value.name, value.type, value.type_name) == (
            want_value.number,
            "value",
            want_value.type,
            want_value.type_name,
        )
    assert list(actual.enum_type) == [], "nested enums are not in the contract"
    assert [o.name for o in actual.oneof_decl] == [o.name for o in expected.oneof_decl]
    assert not actual.HasField("options"), f"{spec['name']} has message options"
    assert list(actual.reserved_range) == [] and list(actual.reserved_name) == []


@pytest.mark.parametrize(("file_spec", "spec"), _message_params())
def test_message_class_is_generated(file_spec: FileSpec, spec: MessageSpec) -> None:
    """The live runtime descriptor agrees and the Python class exists and round-trips."""
    module = load_module(file_spec["name"])
    cls: Any = getattr(module, spec["name"])
    descriptor: Any = cls.DESCRIPTOR
    assert descriptor.full_name == f"{PACKAGE}.{spec['name']}"
    assert descriptor.file.name == file_spec["name"]
    assert [(f.number, f.name) for f in descriptor.fields] == [
        (row["number"], row["name"]) for row in spec["fields"]
    ]
    for row in spec["fields"]:
        field = descriptor.fields_by_name[row["name"]]
        assert field.is_repeated == (row["label"] == "repeated" or "map" in row), row["name"]
        if "map" in row:
            assert field.message_type.GetOptions().map_entry
    assert cls.FromString(cls().SerializeToString()) == cls()


# ------------------------------------------------------------------------- enums


@pytest.mark.parametrize(("file_spec", "spec"), _enum_params())
def test_enum_values(file_spec: FileSpec, spec: EnumSpec) -> None:
    fdp = file_proto(file_spec["name"])
    by_name = {e.name: e for e in fdp.enum_type}
    assert spec["name"] in by_name, f"enum {spec['name']} missing from {file_spec['name']}"
    actual = by_name[spec["name"]]
    assert [(v.name, v.number) for v in actual.value] == [
        (v["name"], v["number"]) for v in spec["values"]
    ]
    assert not actual.HasField("options"), f"{spec['name']} has enum options"
    assert all(not v.HasField("options") for v in actual.value)
    assert list(actual.reserved_range) == [] and list(actual.reserved_name) == []

    module = load_module(file_spec["name"])
    wrapper: Any = getattr(module, spec["name"])
    for value in spec["values"]:
        assert wrapper.Value(value["name"]) == value["number"]
        assert getattr(module, value["name"]) == value["number"]


# ------------------------------------------------------------------------ service


@pytest.mark.parametrize(("file_spec", "service", "rpc"), _rpc_params())
def test_rpc(file_spec: FileSpec, service: ServiceSpec, rpc: RpcSpec) -> None:
    fdp = file_proto(file_spec["name"])
    methods = {m.name: m for s in fdp.service if s.name == service["name"] for m in s.method}
    assert rpc["name"] in methods, f"rpc {rpc['name']} missing"
    method = methods[rpc["name"]]
    assert method.input_type == f".{PACKAGE}.{rpc['request']}"
    assert method.output_type == f".{PACKAGE}.{rpc['response']}"
    assert method.client_streaming == rpc["client_streaming"]
    assert method.server_streaming == rpc["server_streaming"]
    assert not method.HasField("options"), f"{rpc['name']} has method options"


@pytest.mark.parametrize("spec", [f for f in FILES if f["services"]], ids=_file_id)
def test_service_rpc_order(spec: FileSpec) -> None:
    fdp = file_proto(spec["name"])
    for got, want in zip(fdp.service, spec["services"], strict=True):
        assert [m.name for m in got.method] == [r["name"] for r in want["rpcs"]]
        assert not got.HasField("options")
        live: Any = descriptor_pool.Default().FindServiceByName(f"{PACKAGE}.{want['name']}")
        assert [m.full_name for m in live.methods] == [
            f"{PACKAGE}.{want['name']}.{r['name']}" for r in want["rpcs"]
        ]


class _RecordingChannel:
    """Stands in for grpc.Channel; records the method paths a stub registers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def _factory(self, kind: str) -> Callable[..., object]:
        def register(path: str, *args: object, **kwargs: object) -> object:
            self.calls.append((kind, path))
            return object()

        return register

    def __getattr__(self, kind: str) -> Callable[..., object]:
        if kind in ("unary_unary", "unary_stream", "stream_unary", "stream_stream"):
            return self._factory(kind)
        raise AttributeError(kind)


def test_grpc_stub_paths_and_kinds() -> None:
    """The generated client stub uses /ojs.v1.OJSService/<Rpc> with the contract kinds."""
    module = importlib.import_module(f"{GENERATED_PACKAGE}.ojs.v1.service_pb2_grpc")
    (file_spec,) = [f for f in FILES if f["services"]]
    (service,) = file_spec["services"]
    channel = _RecordingChannel()
    module.OJSServiceStub(channel)
    kinds = {
        (False, False): "unary_unary",
        (False, True): "unary_stream",
        (True, False): "stream_unary",
        (True, True): "stream_stream",
    }
    expected = [
        (
            kinds[(r["client_streaming"], r["server_streaming"])],
            f"/{PACKAGE}.{service['name']}/{r['name']}",
        )
        for r in service["rpcs"]
    ]
    assert channel.calls == expected


# ---------------------------------------------------------------- nothing extra


@pytest.mark.parametrize("spec", FILES, ids=_file_id)
def test_whole_file_equals_contract(spec: FileSpec) -> None:
    """Catch-all: the full descriptor equals the one built from the contract alone.

    Anything not in the contract (extra fields, options, reserved ranges, nested
    types, oneofs, extensions, default values) makes this fail.
    """
    actual = file_proto(spec["name"])
    strip_json_names(actual)
    expected = expected_file(spec)
    assert actual == expected, f"descriptor of {spec['name']} differs from the contract"
