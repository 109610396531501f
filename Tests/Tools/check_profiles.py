#!/usr/bin/env python3
"""Independent cross-check of the Modbus device profiles in Profiles/modbus/.

Greencap's Swift loader (Sources/Modbus) validates and decodes profiles itself; this script is a
second implementation of the same schema (docs/modbus-profiles.md), written separately, so that a
profile whose fixtures only pass because of a bug shared by the profile author and the loader is
less likely to slip through. It uses nothing but the Python standard library (tomllib, struct).

For every profile it checks:
  * the keys and value types the schema allows (unknown keys are errors, as in the loader);
  * blocks: no two blocks of one register type overlap;
  * points: every entity of every point lies inside a block of its register type; two points may
    share registers only when they span exactly the same registers with the same type (an alias:
    a percentage and the watts derived from it, several bits of one status word);
  * metrics: known name, a unit convertible to the metric's unit, repeat/entity where the metric
    is per inlet/outlet/phase;
  * references (percent_of, scale_register, repeat.count_from) name a plain, single number;
    percent_of may be combined with one scaling form: value = (scaled + offset) / 100 x rating;
  * every fixture decodes to its expected values (numbers within `tolerance`, default 1e-6
    relative), with an independent decoder of byte/word order, types, sentinels and scaling;
  * at least one fixture reads every register of every block, and its `expect` names every
    entity of every point that has a metric;
  * SunSpec fixtures: the "SunS" marker and the model chain in the fixture's reads lead to
    `sunspec_model_address`, and the model found there is one the profile lists;
  * TOML style: inline tables stay on one line (our TOML parser follows TOML 1.0).

Usage: check_profiles.py [PROFILE.toml ...]   (default: every Profiles/modbus/*.toml)
Exit status 0 when every check passes, 1 otherwise; each problem is printed as
`file: where: problem`.
"""

from __future__ import annotations

import math
import struct
import sys
import tomllib
from pathlib import Path

SCHEMA = "greencap-modbus-profile/1"
REPO = Path(__file__).resolve().parents[2]

TOP_KEYS = {"schema", "id", "vendor", "models", "class", "firmware", "sources", "notes",
            "connection", "defaults", "block", "point", "sunspec", "fixture"}
CONNECTION_KEYS = {"unit_id", "tcp_port", "baud", "parity", "data_bits", "stop_bits",
                   "max_registers_per_read", "inter_request_delay", "response_timeout",
                   "byte_timeout", "retries", "write_function"}
DEFAULT_KEYS = {"register_type", "byte_order", "word_order"}
BLOCK_KEYS = {"id", "register_type", "start", "count", "period"}
POINT_KEYS = {"id", "metric", "address", "register_type", "byte_order", "word_order", "type", "bit",
              "registers", "chars_per_register", "unit", "multiplier", "divisor", "pow10",
              "binary_point", "scale_register", "percent_of", "offset", "invalid", "invalid_below",
              "invalid_above", "repeat", "entity", "verified", "doc_ref", "notes"}
SCALING_KEYS = ["multiplier", "divisor", "pow10", "binary_point", "scale_register"]
FIXTURE_KEYS = {"source", "reads", "expect", "tolerance", "sunspec_model_address"}
READ_KEYS = {"register_type", "start", "words"}
REPEAT_KEYS = {"count", "count_from", "max", "stride"}
SUNSPEC_KEYS = {"base", "models"}
REGISTER_TYPES = {"holding", "input", "coil", "discrete"}
TYPES = {"u16": 1, "i16": 1, "u32": 2, "i32": 2, "u64": 4, "i64": 4, "f32": 2, "f64": 4,
         "string": None, "bits": None, "bool": 1}
SIGNED = {"i16", "i32", "i64"}

# metric -> (unit, entity); units: "bool" and "text" take no published unit.
METRICS = {
    "ups.on_battery": ("bool", None), "ups.online": ("bool", None),
    "ups.load_w": ("W", None), "ups.load_pct": ("%", None), "ups.rating_w": ("W", None),
    "ups.charge_pct": ("%", None), "ups.runtime_s": ("s", None),
    "ups.input_voltage_v": ("V", None), "ups.output_voltage_v": ("V", None),
    "ups.model": ("text", None), "ups.serial": ("text", None), "ups.firmware": ("text", None),
    "meter.power_w": ("W", None), "meter.energy_import_wh": ("Wh", None),
    "meter.energy_export_wh": ("Wh", None), "meter.frequency_hz": ("Hz", None),
    "meter.phase.power_w": ("W", "phase"), "meter.phase.voltage_v": ("V", "phase"),
    "meter.phase.current_a": ("A", "phase"),
}
for _side in ("inlet", "outlet"):
    METRICS[f"pdu.{_side}.power_w"] = ("W", _side)
    METRICS[f"pdu.{_side}.current_a"] = ("A", _side)
    METRICS[f"pdu.{_side}.voltage_v"] = ("V", _side)
    METRICS[f"pdu.{_side}.energy_wh"] = ("Wh", _side)

# published unit -> factor, per metric unit
CONVERSIONS = {
    "W": {"W": 1, "kW": 1000}, "Wh": {"Wh": 1, "kWh": 1000}, "V": {"V": 1}, "A": {"A": 1, "mA": 0.001},
    "s": {"s": 1, "min": 60}, "%": {"%": 1}, "Hz": {"Hz": 1}, "bool": {"": 1}, "text": {"": 1},
}

MISSING = object()


class Invalid:
    """A value the device marked as not available."""

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"invalid ({self.reason})"


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, file: str, where: str, message: str) -> None:
        self.items.append(f"{file}: {where}: {message}")


# --------------------------------------------------------------------------------------------
# decoding


def assemble(words: list[int], byte_order: str, word_order: str) -> int:
    ordered = words if word_order == "big" else list(reversed(words))
    value = 0
    for word in ordered:
        if byte_order == "little":
            word = ((word & 0xFF) << 8) | (word >> 8)
        value = (value << 16) | word
    return value


def decode_text(words: list[int], byte_order: str, chars: int) -> str:
    data = bytearray()
    for word in words:
        if byte_order == "little":
            word = ((word & 0xFF) << 8) | (word >> 8)
        if chars == 2:
            data.append(word >> 8)
        data.append(word & 0xFF)
    if 0 in data:
        data = data[: data.index(0)]
    text = bytes(data).rstrip(b" ")
    return "".join(chr(b) if 0x20 <= b <= 0x7E else "?" for b in text)


def decode_raw(point: dict, words: list[int]):
    """Raw value of a point from exactly its registers: int, float, bool or str."""
    kind = point["type"]
    bo, wo = point["byte_order"], point["word_order"]
    if kind == "string":
        return decode_text(words, bo, point.get("chars_per_register", 2))
    if kind == "bool":
        return words[0] != 0
    bits = assemble(words, bo, wo)
    if kind == "bits":
        return bool((bits >> point["bit"]) & 1)
    if kind in ("u16", "u32", "u64"):
        return bits
    if kind in SIGNED:
        width = 16 * TYPES[kind]
        return bits - (1 << width) if bits >> (width - 1) else bits
    if kind == "f32":
        return struct.unpack(">f", bits.to_bytes(4, "big"))[0]
    if kind == "f64":
        return struct.unpack(">d", bits.to_bytes(8, "big"))[0]
    raise ValueError(kind)


class Image:
    """Registers of one fixture: {register_type: {address: word}}."""

    def __init__(self, reads: list[dict], default_type: str):
        self.tables: dict[str, dict[int, int]] = {t: {} for t in REGISTER_TYPES}
        for read in reads:
            table = self.tables[read.get("register_type", default_type)]
            for i, word in enumerate(read["words"]):
                table[read["start"] + i] = word

    def words(self, rtype: str, start: int, count: int):
        table = self.tables[rtype]
        out = []
        for address in range(start, start + count):
            if address not in table:
                return None
            out.append(table[address])
        return out

    def has(self, rtype: str, start: int, count: int) -> bool:
        return self.words(rtype, start, count) is not None


def instances(point: dict):
    """(entity or None, first address) of every entity the point can have (up to max)."""
    rep = point.get("repeat")
    if rep is None:
        return [(None, point["address"])]
    n = rep.get("count", rep.get("max", 1))
    return [(k, point["address"] + (k - 1) * rep["stride"]) for k in range(1, n + 1)]


class Decoder:
    def __init__(self, profile: dict):
        self.profile = profile
        self.points = {p["id"]: p for p in profile["point"]}

    def value(self, image: Image, point_id: str, entity, base: int, depth: int = 0):
        point = self.points[point_id]
        if depth > 3:
            return Invalid("reference loop")
        rep = point.get("repeat")
        if rep is not None:
            if entity is None:
                return MISSING
            if "count_from" in rep:
                count = self.value(image, rep["count_from"], None, base, depth + 1)
                if not isinstance(count, (int, float)) or isinstance(count, bool) or entity > count:
                    return MISSING
                if entity > rep["max"]:
                    return MISSING
            elif entity > rep["count"]:
                return MISSING
            address = point["address"] + (entity - 1) * rep["stride"]
        else:
            if entity not in (None,):
                return MISSING
            address = point["address"]
        words = image.words(point["register_type"], address + base, point["_registers"])
        if words is None:
            return MISSING
        raw = decode_raw(point, words)
        if isinstance(raw, (bool, str)):
            return raw
        if isinstance(raw, int) and raw in point.get("invalid", []):
            return Invalid(f"sentinel {raw}")
        if isinstance(raw, float) and not math.isfinite(raw):
            return Invalid("not finite")
        number = float(raw)
        if "invalid_below" in point and number < point["invalid_below"]:
            return Invalid(f"code {raw}")
        if "invalid_above" in point and number > point["invalid_above"]:
            return Invalid(f"code {raw}")
        if "multiplier" in point:
            number *= point["multiplier"]
        elif "divisor" in point:
            number /= point["divisor"]
        elif "pow10" in point:
            number *= 10.0 ** point["pow10"]
        elif "binary_point" in point:
            number /= float(1 << point["binary_point"])
        elif "scale_register" in point:
            sf = self.value(image, point["scale_register"], None, base, depth + 1)
            if not isinstance(sf, (int, float)) or isinstance(sf, bool):
                return Invalid(f"scale factor {point['scale_register']} unavailable")
            if not -10 <= sf <= 10:
                return Invalid(f"scale factor {point['scale_register']} = {sf} is out of range")
            number *= 10.0 ** int(sf)
        number += point.get("offset", 0.0)
        if "percent_of" in point:
            # percent_of combines with a scaling form: the scaled value is a percentage of the rating.
            rating = self.value(image, point["percent_of"], None, base, depth + 1)
            if not isinstance(rating, (int, float)) or isinstance(rating, bool):
                return Invalid(f"rating {point['percent_of']} unavailable")
            number = number / 100.0 * rating
        return number


def parse_key(key: str):
    if key.endswith("]") and "[" in key:
        name, _, rest = key.rpartition("[")
        try:
            return name, int(rest[:-1])
        except ValueError:
            return None, None
    return key, None


def matches(actual, expected, tolerance: float):
    if expected == "invalid":
        return isinstance(actual, Invalid)
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual == expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if isinstance(expected, (int, float)):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return False
        allowed = max(abs(expected) * tolerance, tolerance)
        return abs(actual - expected) <= allowed
    return False


# --------------------------------------------------------------------------------------------
# checks


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def raw_range(point: dict):
    kind = point["type"]
    if kind not in TYPES or kind in ("string", "bits", "bool", "f32", "f64"):
        return None
    width = 16 * TYPES[kind]
    if kind in SIGNED:
        return -(1 << (width - 1)), (1 << (width - 1)) - 1
    return 0, (1 << width) - 1


def lint_inline_tables(path: Path, problems: Problems) -> None:
    """Inline tables must open and close on one line (TOML 1.0; our parser enforces it)."""
    in_multiline = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        depth = 0
        i = 0
        quote = in_multiline
        while i < len(line):
            c = line[i]
            if quote in ('"""', "'''"):
                if line.startswith(quote, i):
                    quote = None
                    i += 3
                    continue
                i += 1
                continue
            if quote:
                if c == "\\" and quote == '"':
                    i += 2
                    continue
                if c == quote:
                    quote = None
                i += 1
                continue
            if line.startswith('"""', i) or line.startswith("'''", i):
                quote = line[i:i + 3]
                i += 3
                continue
            if c in ('"', "'"):
                quote = c
            elif c == "#":
                break
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            i += 1
        in_multiline = quote if quote in ('"""', "'''") else None
        if depth != 0:
            problems.add(str(path), f"line {number}", "an inline table does not close on the line it opens")


def check_profile(path: Path, problems: Problems) -> int:
    """Checks one profile; returns the number of fixture expectations verified."""
    f = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
    try:
        with open(path, "rb") as handle:
            profile = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        problems.add(f, "toml", str(error))
        return 0
    lint_inline_tables(path, problems)

    def bad(where: str, message: str) -> None:
        problems.add(f, where, message)

    for key in profile:
        if key not in TOP_KEYS:
            bad(key, "unknown top-level key")
    if profile.get("schema") != SCHEMA:
        bad("schema", f"expected {SCHEMA!r}")
    if profile.get("id") != path.stem:
        bad("id", f"{profile.get('id')!r} differs from the file name {path.stem!r}")
    for key in ("vendor", "firmware"):
        if not isinstance(profile.get(key), str) or not profile.get(key):
            bad(key, "missing or not a string")
    for key in ("models", "sources"):
        value = profile.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            bad(key, "missing or not a list of strings")
    if profile.get("class") not in ("ups", "pdu", "meter"):
        bad("class", "expected ups, pdu or meter")

    for key, value in profile.get("connection", {}).items():
        if key not in CONNECTION_KEYS:
            bad(f"connection.{key}", "unknown key")
        elif key in ("inter_request_delay", "response_timeout", "byte_timeout"):
            if not isinstance(value, str) or not (value.endswith("ms") or value.endswith("s")):
                bad(f"connection.{key}", "expected a duration string such as \"35ms\"")
        elif key == "parity":
            if value not in ("N", "E", "O"):
                bad("connection.parity", "expected N, E or O")
        elif not is_int(value):
            bad(f"connection.{key}", "expected an integer")
    conn = profile.get("connection", {})
    if conn.get("write_function", 16) not in (6, 16):
        bad("connection.write_function", "expected 6 or 16")
    if not 1 <= conn.get("max_registers_per_read", 125) <= 125:
        bad("connection.max_registers_per_read", "expected 1..125")

    defaults = {"register_type": "holding", "byte_order": "big", "word_order": "big"}
    for key, value in profile.get("defaults", {}).items():
        if key not in DEFAULT_KEYS:
            bad(f"defaults.{key}", "unknown key")
        defaults[key] = value

    sunspec = profile.get("sunspec")
    if sunspec is not None:
        for key in sunspec:
            if key not in SUNSPEC_KEYS:
                bad(f"sunspec.{key}", "unknown key")
        if sunspec.get("base", 40000) not in (0, 40000, 50000):
            bad("sunspec.base", "expected 0, 40000 or 50000")
        if not sunspec.get("models"):
            bad("sunspec.models", "missing")

    # blocks
    blocks = profile.get("block", [])
    if not blocks:
        bad("block", "no [[block]]")
    block_ids = set()
    for i, block in enumerate(blocks, 1):
        where = f"block[{i}] {block.get('id')}"
        for key in block:
            if key not in BLOCK_KEYS:
                bad(where, f"unknown key {key}")
        block.setdefault("register_type", defaults["register_type"])
        block.setdefault("period", "poll")
        if block.get("id") in block_ids:
            bad(where, "duplicate block id")
        block_ids.add(block.get("id"))
        if block["register_type"] not in REGISTER_TYPES:
            bad(where, "unknown register_type")
        if block["period"] not in ("poll", "once"):
            bad(where, "period must be poll or once")
        if not (is_int(block.get("start")) and is_int(block.get("count"))):
            bad(where, "start and count must be integers")
            continue
        if block["start"] < 0 or block["count"] < 1 or block["start"] + block["count"] > 65536:
            bad(where, "outside 0..65535")
    for rtype in REGISTER_TYPES:
        spans = sorted((b["start"], b["start"] + b["count"], b["id"]) for b in blocks
                       if b.get("register_type") == rtype and is_int(b.get("start")) and is_int(b.get("count")))
        for (s1, e1, n1), (s2, e2, n2) in zip(spans, spans[1:]):
            if s2 < e1:
                bad(f"block {n2}", f"overlaps block {n1}")

    def in_block(rtype: str, start: int, count: int) -> bool:
        return any(b.get("register_type") == rtype and b["start"] <= start
                   and start + count <= b["start"] + b["count"] for b in blocks)

    # points
    points = profile.get("point", [])
    if not points:
        bad("point", "no [[point]]")
    by_id: dict[str, dict] = {}
    for i, point in enumerate(points, 1):
        pid = point.get("id")
        where = f"point {pid}"
        for key in point:
            if key not in POINT_KEYS:
                bad(where, f"unknown key {key}")
        if not isinstance(pid, str):
            bad(f"point[{i}]", "missing id")
            continue
        if pid in by_id:
            bad(where, "duplicate id")
        by_id[pid] = point
        for key in ("register_type", "byte_order", "word_order"):
            point.setdefault(key, defaults[key])
        kind = point.get("type")
        if kind not in TYPES:
            bad(where, f"unknown type {kind!r}")
            point["_registers"] = 1
            continue
        if not is_int(point.get("address")) or not 0 <= point["address"] <= 65535:
            bad(where, "address must be 0..65535")
            point["address"] = 0
        if point["register_type"] not in REGISTER_TYPES:
            bad(where, "unknown register_type")
        is_bit_table = point["register_type"] in ("coil", "discrete")
        if is_bit_table != (kind == "bool"):
            bad(where, "bool is for coils/discrete inputs and only for them")
        if TYPES[kind] is not None:
            if "registers" in point and point["registers"] != TYPES[kind]:
                bad(where, f"{kind} spans {TYPES[kind]} registers")
            point["_registers"] = TYPES[kind]
        elif kind == "bits":
            point["_registers"] = point.get("registers", 1)
            if point["_registers"] not in (1, 2):
                bad(where, "bits: registers must be 1 or 2")
            if not is_int(point.get("bit")) or not 0 <= point["bit"] < 16 * point["_registers"]:
                bad(where, "bits needs bit inside the value")
        else:
            if not is_int(point.get("registers")) or point["registers"] < 1:
                bad(where, "string needs registers")
            point["_registers"] = point.get("registers", 1)
            if point.get("chars_per_register", 2) not in (1, 2):
                bad(where, "chars_per_register must be 1 or 2")
        if kind != "bits" and "bit" in point:
            bad(where, "bit is only for type bits")
        scalings = [k for k in SCALING_KEYS if k in point]
        if len(scalings) > 1:
            bad(where, f"more than one scaling form: {scalings}")
        if (scalings or "percent_of" in point) and kind in ("string", "bits", "bool"):
            bad(where, f"a {kind} point cannot be scaled")
        if "binary_point" in point and not 0 <= point["binary_point"] <= 31:
            bad(where, "binary_point must be 0..31")
        if point.get("divisor") == 0:
            bad(where, "divisor 0")
        rng = raw_range(point)
        for value in point.get("invalid", []):
            if not is_int(value):
                bad(where, f"invalid value {value!r} is not an integer")
            elif rng and not rng[0] <= value <= rng[1]:
                bad(where, f"invalid value {value} can never match a {kind} (range {rng[0]}..{rng[1]}); "
                           "write the value as the decoded number (e.g. -32768 for 0x8000 in an i16)")
        if "verified" in point and not isinstance(point["verified"], bool):
            bad(where, "verified must be a boolean")
        rep = point.get("repeat")
        if rep is not None:
            for key in rep:
                if key not in REPEAT_KEYS:
                    bad(where, f"repeat: unknown key {key}")
            if "stride" not in rep or not is_int(rep["stride"]) or rep["stride"] < 0:
                bad(where, "repeat needs stride")
                rep["stride"] = 0
            if ("count" in rep) == ("count_from" in rep):
                bad(where, "repeat needs count or count_from (not both)")
            if "count_from" in rep and not is_int(rep.get("max")):
                bad(where, "repeat.count_from needs max")
            n = rep.get("count", rep.get("max", 1))
            if n > 1 and rep["stride"] < point["_registers"]:
                bad(where, "stride shorter than the value: entities overlap")
            if "entity" not in point:
                bad(where, "a repeated point should say which entity it counts")
        if "entity" in point and point["entity"] not in ("outlet", "inlet", "phase"):
            bad(where, "entity must be outlet, inlet or phase")
        metric = point.get("metric")
        if metric is not None:
            if metric not in METRICS:
                bad(where, f"unknown metric {metric}")
            else:
                unit, entity = METRICS[metric]
                if point.get("unit", "") not in CONVERSIONS[unit]:
                    bad(where, f"unit {point.get('unit', '')!r} cannot convert to {metric} ({unit})")
                if (unit == "text") != (kind == "string") or (unit == "bool") != (kind in ("bits", "bool")):
                    bad(where, f"a {kind} point cannot carry {metric}")
                if entity is not None:
                    if rep is None:
                        bad(where, f"{metric} is per {entity}: needs repeat")
                    if point.get("entity", entity) != entity:
                        bad(where, f"{metric} counts {entity}s")
                elif rep is not None:
                    bad(where, f"{metric} is a single value, the point repeats")
        for _, address in instances(point):
            if address + point["_registers"] > 65536:
                bad(where, "runs past 65535")
            elif not in_block(point["register_type"], address, point["_registers"]):
                bad(where, f"{point['register_type']} {address}..{address + point['_registers'] - 1} is outside every block")
                break

    # references
    for point in points:
        pid = point.get("id")
        refs = [(k, point[k]) for k in ("scale_register", "percent_of") if k in point]
        if point.get("repeat") and "count_from" in point["repeat"]:
            refs.append(("repeat.count_from", point["repeat"]["count_from"]))
        for key, name in refs:
            target = by_id.get(name)
            if target is None:
                bad(f"point {pid}", f"{key}: no point {name!r}")
                continue
            if "repeat" in target:
                bad(f"point {pid}", f"{key}: {name} repeats")
            if "percent_of" in target:
                bad(f"point {pid}", f"{key}: {name} is itself a percentage of another point")
            if key == "scale_register" and "scale_register" in target:
                bad(f"point {pid}", f"{key}: {name} is itself scaled by another register")
            if target.get("type") in ("string", "bits", "bool"):
                bad(f"point {pid}", f"{key}: {name} is not a number")
            if key == "scale_register" and target.get("type") != "i16":
                bad(f"point {pid}", f"scale factor {name} should be an i16")

    # overlaps: only exact aliases
    spans = []
    for point in points:
        if "_registers" not in point:
            continue
        for entity, address in instances(point):
            spans.append((point["register_type"], address, address + point["_registers"], point))
    spans.sort(key=lambda s: (s[0], s[1], s[2]))
    for (t1, s1, e1, p1), (t2, s2, e2, p2) in zip(spans, spans[1:]):
        if t1 != t2 or s2 >= e1:
            continue
        alias = (s1, e1) == (s2, e2) and (p1["type"] == p2["type"] or {p1["type"], p2["type"]} <= {"bits"})
        if not alias and p1 is not p2:
            bad(f"point {p2['id']}", f"registers {s2}..{e2 - 1} overlap {p1['id']} ({s1}..{e1 - 1}) without being an alias")

    # fixtures
    fixtures = profile.get("fixture", [])
    if not fixtures:
        bad("fixture", "no [[fixture]]")
    decoder = Decoder(profile)
    base_model = sunspec is not None
    checked = 0
    complete = []
    for n, fixture in enumerate(fixtures, 1):
        where = f"fixture[{n}]"
        for key in fixture:
            if key not in FIXTURE_KEYS:
                bad(where, f"unknown key {key}")
        if not fixture.get("source"):
            bad(where, "missing source")
        reads = fixture.get("reads", [])
        for r, read in enumerate(reads, 1):
            for key in read:
                if key not in READ_KEYS:
                    bad(f"{where}.reads[{r}]", f"unknown key {key}")
            words = read.get("words", [])
            if not all(is_int(w) and 0 <= w <= 0xFFFF for w in words):
                bad(f"{where}.reads[{r}]", "words must be 0..0xFFFF")
            if read.get("start", 0) + len(words) > 65536:
                bad(f"{where}.reads[{r}]", "runs past 65535")
        image = Image(reads, defaults["register_type"])
        tolerance = fixture.get("tolerance", 1e-6)
        base = 0
        if base_model:
            base = fixture.get("sunspec_model_address")
            if not is_int(base):
                bad(where, "a SunSpec fixture needs sunspec_model_address")
                continue
            check_sunspec_chain(image, sunspec, base, lambda m: bad(where, m))
        elif "sunspec_model_address" in fixture:
            bad(where, "sunspec_model_address in a profile without [sunspec]")
        expect = fixture.get("expect", {})
        if not expect:
            bad(where, "empty expect")
        for key, wanted in expect.items():
            name, entity = parse_key(key)
            if name not in decoder.points:
                bad(f"{where} {key}", "no such point")
                continue
            point = decoder.points[name]
            if (entity is None) != ("repeat" not in point):
                bad(f"{where} {key}", "use [k] exactly for repeated points")
                continue
            actual = decoder.value(image, name, entity, base)
            if actual is MISSING:
                bad(f"{where} {key}", "its registers are not in the fixture's reads (or the entity does not exist)")
            elif not matches(actual, wanted, tolerance):
                bad(f"{where} {key}", f"decodes to {actual!r}, the fixture says {wanted!r}")
            else:
                checked += 1
        covers = all(image.has(b["register_type"], b["start"] + base, b["count"]) for b in blocks)
        if covers:
            complete.append((n, fixture, image, base))
    if fixtures and not complete:
        bad("fixture", "no fixture reads every register of every block")
    # the complete fixture(s): every metric point's entities are expected
    if complete:
        best_missing = None
        for n, fixture, image, base in complete:
            missing = []
            for point in points:
                if "metric" not in point or "_registers" not in point:
                    continue
                for entity, _ in instances(point):
                    key = point["id"] if entity is None else f"{point['id']}[{entity}]"
                    if decoder.value(image, point["id"], entity, base) is MISSING:
                        continue  # entity beyond the device's count
                    if key not in fixture.get("expect", {}):
                        missing.append(key)
            if best_missing is None or len(missing) < len(best_missing):
                best_missing = missing
        if best_missing:
            bad("fixture", f"no complete fixture expects these metric points: {', '.join(best_missing)}")
    return checked


def check_sunspec_chain(image: Image, sunspec: dict, model_address: int, report) -> None:
    base = sunspec.get("base", 40000)
    marker = image.words("holding", base, 2)
    if marker != [0x5375, 0x6E53]:
        report(f"no 'SunS' marker at holding {base}")
        return
    address = base + 2
    for _ in range(64):
        header = image.words("holding", address, 2)
        if header is None:
            report(f"model chain breaks at {address}: registers not in the fixture")
            return
        model, length = header
        if model == 0xFFFF:
            report(f"end marker at {address} before any model in {sunspec.get('models')}")
            return
        if model in sunspec.get("models", []):
            if address != model_address:
                report(f"model {model} found at {address}, the fixture says {model_address}")
            return
        address += 2 + length
    report("model chain longer than 64 models")


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv[1:]] or sorted((REPO / "Profiles" / "modbus").glob("*.toml"))
    if not paths:
        print("no profiles found", file=sys.stderr)
        return 1
    problems = Problems()
    total = 0
    for path in paths:
        total += check_profile(path, problems)
    for item in problems.items:
        print(item)
    status = "FAILED" if problems.items else "ok"
    print(f"{status}: {len(paths)} profile(s), {total} fixture value(s) checked, {len(problems.items)} problem(s)")
    return 1 if problems.items else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
