"""Queries a SCPI instrument with pyvisa-py, an independent VISA client, and prints JSON.

usage: pyvisa_query.py RESOURCE
RESOURCE is TCPIP::127.0.0.1::PORT::SOCKET or ASRL/path/to/pty::INSTR.
"""

import json
import sys

import pyvisa


def main() -> None:
    resource = sys.argv[1]
    rm = pyvisa.ResourceManager("@py")
    inst = rm.open_resource(resource, read_termination="\n", write_termination="\n", timeout=5000)
    try:
        result = {
            "idn": inst.query("*IDN?"),
            "dcv": float(inst.query("MEAS:VOLT:DC?")),
            "block": inst.query_binary_values("R? 4", datatype="d", is_big_endian=True),
            "error": inst.query("SYST:ERR?"),
        }
    finally:
        inst.close()
        rm.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
