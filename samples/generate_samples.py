"""Regenerates the bundled sample models in this folder.

Run with Debian's Python and its packages (python3-torch, python3-numpy, python3-h5py):
    /usr/bin/python3 samples/generate_samples.py

The clean samples are written by the real libraries. The malicious ones carry harmless payloads (`echo pwned`,
`1+1`) and are written opcode by opcode, so that nothing here ever needs to be unpickled to be made. Nothing in this
script loads or runs a malicious file.
"""
import io
import json
import os
import struct
import zipfile

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CLEAN = os.path.join(HERE, "clean")
MALICIOUS = os.path.join(HERE, "malicious")


def os_system_pickle(command: bytes) -> bytes:
    """Protocol 2: os.system(command), written opcode by opcode."""
    return (
        b"\x80\x02"  # PROTO 2
        + b"cos\nsystem\n"  # GLOBAL os.system
        + b"X" + struct.pack("<I", len(command)) + command  # BINUNICODE command
        + b"\x85"  # TUPLE1
        + b"R"  # REDUCE: os.system(command) runs on load
        + b"."  # STOP
    )


def eval_pickle_protocol0(expr: bytes) -> bytes:
    """Protocol 0 (no magic bytes at all): builtins.eval(expr)."""
    return b"c__builtin__\neval\n(V" + expr + b"\ntR."


def write(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def safetensors_bytes(tensors: dict) -> bytes:
    """A spec-conformant SafeTensors file: u64 header length, JSON header padded with spaces to 8 bytes, data."""
    header, data, offset = {}, b"", 0
    for name, arr in tensors.items():
        raw = arr.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def main() -> None:
    os.makedirs(CLEAN, exist_ok=True)
    os.makedirs(MALICIOUS, exist_ok=True)

    # --- clean, written by the real libraries ---
    torch.manual_seed(0)
    state = {"fc.weight": torch.randn(4, 3), "fc.bias": torch.zeros(4)}
    torch.save(state, os.path.join(CLEAN, "linear_state_dict.pt"))
    np.save(os.path.join(CLEAN, "embedding.npy"), np.arange(12, dtype=np.float32).reshape(3, 4))
    write(os.path.join(CLEAN, "linear.safetensors"), safetensors_bytes({"fc.weight": np.ones((4, 3))}))
    with h5py.File(os.path.join(CLEAN, "weights.h5"), "w") as f:
        f.create_dataset("dense/kernel", data=np.ones((3, 2), dtype=np.float32))

    # --- malicious, harmless payloads ---
    write(os.path.join(MALICIOUS, "os_system.pkl"), os_system_pickle(b"echo pwned"))
    write(os.path.join(MALICIOUS, "eval_protocol0.pkl"), eval_pickle_protocol0(b"1+1"))
    # A pickle named like the safe format: loaders go by content.
    write(os.path.join(MALICIOUS, "disguised.safetensors"), os_system_pickle(b"echo pwned"))
    # A real torch.save checkpoint whose data.pkl is replaced by a payload; every other member is untouched.
    buf = io.BytesIO()
    torch.save(state, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(os.path.join(MALICIOUS, "checkpoint_payload.pt"), "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                data = os_system_pickle(b"echo pwned")
            dst.writestr(info.filename, data)


if __name__ == "__main__":
    main()
