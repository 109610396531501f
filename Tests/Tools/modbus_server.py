#!/usr/bin/env python3
"""Modbus TCP / RTU test device serving a Greencap profile fixture (pymodbus 3.16).

An independent Modbus implementation (pymodbus, not Greencap's libmodbus code) for testing Greencap's
Modbus client against. It loads one [[fixture]] of a device profile (docs/modbus-profiles.md) and
serves its register words at their absolute addresses: holding registers (FC03/06/16), input
registers (FC04), coils (FC01/05/15) and discrete inputs (FC02). Registers the fixture does not set
read as 0; holding registers and coils are writable. Requests for another unit id get no answer
(like a slave on an RS-485 bus), unless --any-unit is given.

Examples:
  modbus_server.py --profile Profiles/modbus/eastron-sdm630.toml --tcp 127.0.0.1:0 --ready-file /tmp/r
      serves fixture 0 on a free port and writes the port number to /tmp/r once listening
  modbus_server.py --profile P.toml --fixture 1 --rtu /tmp/ttyA --baud 9600 --ready-file /tmp/r
      serves fixture 1 on a serial device (e.g. one end of `socat pty,raw,echo=0,link=/tmp/ttyA
      pty,raw,echo=0,link=/tmp/ttyB`); writes "ready" to /tmp/r once the device is open
  --set 1026=0x0110,212      overrides holding registers 1026..1027 after loading the fixture
  --set input:0=0x4366,0x3334 --set-type input   (a TYPE: prefix overrides --set-type)
  --silent | --exception 6 | --delay-ms 800       fault modes (no answer / always an exception / slow)

Exits with status 0 on SIGTERM or SIGINT. Needs Python >= 3.11 (tomllib), pymodbus 3.16 and, for
--rtu, pyserial.
"""

from __future__ import annotations

import signal
import sys

# A test that stops the server while it is still starting (importing pymodbus) gets a clean exit too;
# once serving, asyncio's handlers take over.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
# A parent may start us with these blocked (the Swift test runner's threads block them for their own
# signal handling, and posix_spawn passes the mask on); unblocked, SIGTERM ends us at once.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

import argparse  # noqa: E402
import asyncio  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import tomllib  # noqa: E402
from pathlib import Path  # noqa: E402

from pymodbus.constants import ExcCodes  # noqa: E402
from pymodbus.exceptions import ModbusIOException  # noqa: E402
from pymodbus.framer import FramerType  # noqa: E402
from pymodbus.pdu import ExceptionResponse  # noqa: E402
from pymodbus.server import ModbusSerialServer, ModbusTcpServer  # noqa: E402
from pymodbus.server.requesthandler import ServerRequestHandler  # noqa: E402
from pymodbus.simulator import DataType, SimData, SimDevice  # noqa: E402
from pymodbus.transaction import TransactionManager  # noqa: E402

REGISTER_TYPES = ("coil", "discrete", "holding", "input")
READ_FUNCTIONS = {1, 2, 3, 4, 5, 6, 15, 16, 22, 23}

log = logging.getLogger("modbus_server")


class Behaviour:
    """How the device answers; shared by every connection."""

    def __init__(self, unit: int, any_unit: bool, silent: bool, exception: int | None, delay_s: float):
        self.unit = unit
        self.any_unit = any_unit
        self.silent = silent
        self.exception = exception
        self.delay_s = delay_s

    def addressed(self, dev_id: int) -> bool:
        return self.any_unit or dev_id == self.unit


class DeviceHandler(ServerRequestHandler):
    """pymodbus's per-connection handler with unit filtering, delays, forced exceptions and silence.

    Each decoded request is answered by its own task, so a delayed answer keeps the request it belongs to
    even if the client sends another one meanwhile, and several frames arriving in one read are all
    handled.
    """

    def __init__(self, owner, trace_packet, trace_pdu, trace_connect):
        super().__init__(owner, trace_packet, trace_pdu, trace_connect)
        self.tasks: set[asyncio.Task] = set()

    def callback_data(self, data: bytes, addr: tuple | None = None) -> int:
        behaviour: Behaviour = self.server.behaviour
        used = 0
        while used < len(data):
            try:
                step = TransactionManager.callback_data(self, data[used:], addr)
            except ModbusIOException as exc:
                # A frame that pymodbus could not decode (unsupported function, bad count ...).
                if not behaviour.silent and exc.dev_id is not None and behaviour.addressed(exc.dev_id):
                    function = self.function_code_of(data[used:])
                    code = behaviour.exception or (
                        ExcCodes.ILLEGAL_VALUE if function in READ_FUNCTIONS else ExcCodes.ILLEGAL_FUNCTION)
                    response = ExceptionResponse(function, code, device_id=exc.dev_id, transaction=exc.transaction_id)
                    self.schedule(None, addr, response)
                return len(data)
            if step == 0:
                break
            used += step
            pdu, self.last_pdu = self.last_pdu, None
            if pdu is not None:
                self.schedule(pdu, addr, None)
        return used

    def function_code_of(self, frame: bytes) -> int:
        offset = 7 if self.server.framer_type == FramerType.SOCKET else 1
        return frame[offset] & 0x7F if len(frame) > offset else 0

    def schedule(self, pdu, addr, response) -> None:
        task = self.loop.create_task(self.answer(pdu, addr, response))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def answer(self, pdu, addr, response) -> None:
        behaviour: Behaviour = self.server.behaviour
        if pdu is not None:
            if behaviour.silent or not behaviour.addressed(pdu.dev_id):
                log.debug("not answering %s", pdu)
                return
        if behaviour.delay_s:
            await asyncio.sleep(behaviour.delay_s)
        if response is None:
            if behaviour.exception is not None:
                response = ExceptionResponse(pdu.function_code, behaviour.exception)
            else:
                try:
                    response = await pdu.datastore_update(self.server.context, behaviour.unit)
                except Exception as exc:  # pylint: disable=broad-except
                    log.error("datastore failed on %s: %s", pdu, exc)
                    response = ExceptionResponse(pdu.function_code, ExcCodes.DEVICE_FAILURE)
            response.transaction_id = pdu.transaction_id
            response.dev_id = pdu.dev_id
        if self.transport is None:
            return  # the client went away while we waited
        log.debug("answering %s", response)
        self.server_send(response, addr)


class DeviceTcpServer(ModbusTcpServer):
    framer_type = FramerType.SOCKET

    def __init__(self, *args, behaviour: Behaviour, **kwargs):
        self.behaviour = behaviour
        super().__init__(*args, **kwargs)

    def callback_new_connection(self):
        return DeviceHandler(self, self.trace_packet, self.trace_pdu, self.trace_connect)


class DeviceSerialServer(ModbusSerialServer):
    framer_type = FramerType.RTU

    def __init__(self, *args, behaviour: Behaviour, **kwargs):
        self.behaviour = behaviour
        super().__init__(*args, **kwargs)

    def callback_new_connection(self):
        return DeviceHandler(self, self.trace_packet, self.trace_pdu, self.trace_connect)


# ------------------------------------------------------------------------------------------------


def load_image(profile_path: Path, fixture_index: int) -> tuple[dict, dict[str, list[int]]]:
    """The profile and a 65536-entry register image per table from one fixture's reads."""
    with open(profile_path, "rb") as handle:
        profile = tomllib.load(handle)
    fixtures = profile.get("fixture", [])
    if not 0 <= fixture_index < len(fixtures):
        raise SystemExit(f"{profile_path}: no fixture {fixture_index} (it has {len(fixtures)}, numbered from 0)")
    default_type = profile.get("defaults", {}).get("register_type", "holding")
    image = {kind: [0] * 65536 for kind in REGISTER_TYPES}
    for read in fixtures[fixture_index].get("reads", []):
        kind = read.get("register_type", default_type)
        start = read["start"]
        words = read["words"]
        if start + len(words) > 65536:
            raise SystemExit(f"{profile_path}: fixture {fixture_index}: a read runs past address 65535")
        image[kind][start:start + len(words)] = words
    return profile, image


def apply_sets(image: dict[str, list[int]], sets: list[str], default_type: str) -> None:
    for item in sets:
        kind = default_type
        spec = item
        if ":" in spec.split("=", 1)[0]:
            kind, spec = spec.split(":", 1)
        if kind not in REGISTER_TYPES:
            raise SystemExit(f"--set {item}: unknown register type {kind!r}")
        try:
            address_text, words_text = spec.split("=", 1)
            address = int(address_text, 0)
            words = [int(word, 0) for word in words_text.split(",")]
        except ValueError:
            raise SystemExit(f"--set {item}: expected ADDR=WORD[,WORD...]") from None
        limit = 1 if kind in ("coil", "discrete") else 0xFFFF
        if not 0 <= address or address + len(words) > 65536 or any(not 0 <= w <= limit for w in words):
            raise SystemExit(f"--set {item}: address or value out of range")
        image[kind][address:address + len(words)] = words


def build_device(unit: int, image: dict[str, list[int]]) -> SimDevice:
    """Four separate tables (coils, discrete inputs, holding, input), each covering 0..65535.

    The image is cut into chunks; an all-zero chunk is one SimData with a single value and a count,
    which keeps pymodbus's per-value checks (and start-up) short.
    """
    chunk = 1024

    def table(kind):
        bit = kind in ("coil", "discrete")
        datatype = DataType.BITS if bit else DataType.REGISTERS
        entries = []
        for start in range(0, 65536, chunk):
            values = image[kind][start:start + chunk]
            if not any(values) and not bit:  # (pymodbus 3.16 counts a scalar bit entry's count twice)
                entries.append(SimData(address=start, count=chunk, values=0, datatype=datatype))
            else:
                values = [bool(v) for v in values] if bit else list(values)
                entries.append(SimData(address=start, values=values, datatype=datatype))
        return entries

    return SimDevice(id=unit, simdata=(table("coil"), table("discrete"), table("holding"), table("input")))


def write_ready(path: str | None, text: str) -> None:
    if not path:
        return
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w") as handle:
        handle.write(text + "\n")
    os.replace(temporary, path)


async def serve(args) -> int:
    profile, image = load_image(Path(args.profile), args.fixture)
    apply_sets(image, args.set or [], args.set_type)
    connection = profile.get("connection", {})
    unit = args.unit if args.unit is not None else 1
    behaviour = Behaviour(unit, args.any_unit, args.silent, args.exception, args.delay_ms / 1000.0)
    device = build_device(unit, image)
    if args.ready_file and os.path.exists(args.ready_file):
        os.remove(args.ready_file)

    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        host = host.strip("[]") or "127.0.0.1"
        server = DeviceTcpServer(device, address=(host, int(port)), behaviour=behaviour)
    else:
        server = DeviceSerialServer(
            device, port=args.rtu, behaviour=behaviour,
            baudrate=args.baud or connection.get("baud", 9600),
            parity=args.parity or connection.get("parity", "N"),
            bytesize=args.data_bits or connection.get("data_bits", 8),
            stopbits=args.stop_bits or connection.get("stop_bits", 1),
            reconnect_delay=0.5)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    try:
        await server.serve_forever(background=True)
    except RuntimeError as exc:
        print(f"modbus_server: {exc}", file=sys.stderr)
        return 1
    if args.tcp:
        port = server.transport.sockets[0].getsockname()[1]
        where = f"tcp {host}:{port}"
        write_ready(args.ready_file, str(port))
    else:
        where = f"rtu {args.rtu}"
        write_ready(args.ready_file, "ready")
    faults = [name for name, on in (("silent", args.silent), (f"exception {args.exception}", args.exception is not None),
                                    (f"delay {args.delay_ms} ms", args.delay_ms > 0)) if on]
    print(f"modbus_server: {Path(args.profile).name} fixture {args.fixture}, unit {unit}"
          f"{' (any unit)' if args.any_unit else ''}, on {where}"
          f"{' [' + ', '.join(faults) + ']' if faults else ''}", file=sys.stderr, flush=True)
    await stop.wait()
    await server.shutdown()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", required=True, help="profile TOML (Profiles/modbus/NAME.toml)")
    parser.add_argument("--fixture", type=int, default=0, help="which [[fixture]], numbered from 0 (default 0)")
    parser.add_argument("--unit", type=int, default=1, help="unit (slave) id answered (default 1)")
    parser.add_argument("--any-unit", action="store_true", help="answer every unit id with the same registers")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--tcp", metavar="HOST:PORT", help="Modbus TCP; PORT 0 picks a free port")
    where.add_argument("--rtu", metavar="DEVICE", help="Modbus RTU on a serial device (or pty)")
    parser.add_argument("--baud", type=int, help="RTU line speed (default: the profile's, else 9600)")
    parser.add_argument("--parity", choices=["N", "E", "O"], help="RTU parity (default: the profile's, else N)")
    parser.add_argument("--data-bits", type=int, choices=[7, 8], help="RTU data bits (default 8)")
    parser.add_argument("--stop-bits", type=int, choices=[1, 2], help="RTU stop bits (default 1)")
    parser.add_argument("--ready-file", metavar="PATH",
                        help="written once serving: the TCP port number, or 'ready' for RTU")
    parser.add_argument("--set", action="append", metavar="[TYPE:]ADDR=WORD[,WORD...]",
                        help="override registers after loading the fixture (repeatable); numbers may be hex")
    parser.add_argument("--set-type", choices=REGISTER_TYPES, default="holding",
                        help="register type of --set without a TYPE: prefix (default holding)")
    parser.add_argument("--silent", action="store_true", help="accept connections and frames, never answer")
    parser.add_argument("--exception", type=lambda text: int(text, 0), metavar="CODE",
                        help="answer every request with this Modbus exception code (e.g. 2, 4, 6, 0x0B)")
    parser.add_argument("--delay-ms", type=int, default=0, help="delay every answer by N ms")
    parser.add_argument("--verbose", action="store_true", help="log every request and answer (pymodbus debug)")
    args = parser.parse_args()
    if args.exception is not None and not 1 <= args.exception <= 255:
        parser.error("--exception must be 1..255")
    if not 0 <= args.unit <= 255:
        parser.error("--unit must be 0..255")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.verbose:
        from pymodbus import pymodbus_apply_logging_config
        pymodbus_apply_logging_config(logging.DEBUG)
    return asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
