#!/usr/bin/python3
"""Regenerates the zip fixtures of the archive scanner tests (run with /usr/bin/python3, which has torch).

Genuine files come from torch.save / torch.jit.save / numpy.savez / zipfile; tampered variants are byte patches of
them or small archives written structure by structure. Nothing is ever unpickled or loaded. Payload pickles are
hand-written opcode streams whose worst effect would be `echo pwned`.

Usage: /usr/bin/python3 make_zip_fixtures.py   (writes into zip/ next to this script)
"""
import io
import os
import shutil
import subprocess
import struct
import sys
import tempfile
import zipfile
import zlib

import numpy as np
import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zip")
os.makedirs(HERE, exist_ok=True)

# Protocol 2: GLOBAL os.system, the argument tuple ('echo pwned',), REDUCE, STOP. Never unpickled here.
PAYLOAD = b"\x80\x02cos\nsystem\nX\n\x00\x00\x00echo pwned\x85R."
# Protocol 2: an empty dict. A benign stand-in for data.pkl where a real one is not needed.
BENIGN = b"\x80\x02}q\x00."


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def torch_save(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def zip_of(members, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for info, data in members:
            if isinstance(info, str):
                info = zipfile.ZipInfo(info, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = compression
            z.writestr(info, data)
    return buf.getvalue()


def central_entries(data):
    """(offset of the central directory header, its name) for every entry, in order."""
    eocd = data.rfind(b"PK\x05\x06")
    count, cd_size, cd_off = struct.unpack("<HII", data[eocd + 10:eocd + 20])
    if cd_off == 0xFFFFFFFF or count == 0xFFFF:
        loc = data.rfind(b"PK\x06\x07")
        rec = struct.unpack("<Q", data[loc + 8:loc + 16])[0]
        count, cd_size, cd_off = struct.unpack("<QQQ", data[rec + 32:rec + 56])
    out, pos = [], cd_off
    for _ in range(count):
        n, m, k = struct.unpack("<HHH", data[pos + 28:pos + 34])
        out.append((pos, data[pos + 46:pos + 46 + n]))
        pos += 46 + n + m + k
    return out


def local_offset(data, cd_pos):
    return struct.unpack("<I", data[cd_pos + 42:cd_pos + 46])[0]


def patch(data, offset, new):
    return data[:offset] + new + data[offset + len(new):]


# --- genuine files -----------------------------------------------------------------------------------------------
state_dict = torch_save({"w": torch.zeros(2, 3), "b": torch.arange(2)})
write("torch_state_dict.pt", state_dict)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scripted_module import AddOne  # noqa: E402  (our own helper module next to this script)

buf = io.BytesIO()
torch.jit.save(torch.jit.script(AddOne()), buf)
write("torchscript.pt", buf.getvalue())

buf = io.BytesIO()
np.savez(buf, a=np.arange(3, dtype=np.int32), b=np.zeros(2))
write("arrays.npz", buf.getvalue())

buf = io.BytesIO()
np.savez_compressed(buf, a=np.arange(3, dtype=np.int32))
write("arrays_compressed.npz", buf.getvalue())

write(
    "keras_layout.keras",
    zip_of([("metadata.json", b'{"keras_version": "3.0.0"}'), ("config.json", b'{"class_name": "Sequential"}'),
            ("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(8))]),
)

# --- payload hiding places ---------------------------------------------------------------------------------------
# A pickle in a tensor storage record: torch never unpickles it, but scanners that skip data/N miss it.
write("torch_hidden_member.pt", zip_of([("archive/data.pkl", BENIGN), ("archive/data/0", PAYLOAD),
                                        ("archive/version", b"3\n")]))

# Two archive/data.pkl: torch loads the first, Python's zipfile the last.
dup = io.BytesIO()
with zipfile.ZipFile(dup, "w") as z:
    z.writestr("archive/data.pkl", PAYLOAD)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z.writestr("archive/data.pkl", BENIGN)
write("duplicate_names.zip", dup.getvalue())

# Names that differ only in case: torch's lookup ignores case.
write("case_collision.zip", zip_of([("archive/data.pkl", BENIGN), ("archive/DATA.PKL", PAYLOAD)]))

# CVE-2025-1944 pattern: the local header names another file than the central directory.
base = zip_of([("archive/data.pkl", PAYLOAD), ("archive/version", b"3\n")])
lho = local_offset(base, central_entries(base)[0][0])
write("lfh_name_mismatch.zip", patch(base, lho + 30, b"archive/datap.kl"))

# CVE-2025-1945 pattern: the encryption bit on an unused member makes strict readers give up on the archive.
base = zip_of([("archive/data.pkl", BENIGN), ("archive/extra.bin", PAYLOAD)])
cd = central_entries(base)[1][0]
flags = struct.unpack("<H", base[cd + 8:cd + 10])[0] | 1
write("encrypted_flag.zip", patch(base, cd + 8, struct.pack("<H", flags)))

# Wrong CRC-32 in the central directory (and the local header): strict readers refuse, torch loads.
for compression, name in ((zipfile.ZIP_STORED, "bad_crc_stored.zip"), (zipfile.ZIP_DEFLATED, "bad_crc_deflated.zip")):
    base = zip_of([("archive/data.pkl", PAYLOAD)], compression)
    cd = central_entries(base)[0][0]
    lho = local_offset(base, cd)
    write(name, patch(patch(base, cd + 16, b"\xde\xad\xbe\xef"), lho + 14, b"\xde\xad\xbe\xef"))

# torch.load reads a file that does not start with PK\x03\x04 as a pickle: a pickle in front of a genuine checkpoint.
write("prepended_pickle.pt", PAYLOAD + state_dict)
write("prepended_pickle_python.zip", PAYLOAD + zip_of([("archive/data.pkl", BENIGN)]))

# Junk after the end record.
write("appended_data.zip", zip_of([("a.txt", b"hello")]) + PAYLOAD)

# Deflated members with data descriptors, as zipfile writes them to an unseekable stream.
class Unseekable(io.RawIOBase):
    def __init__(self):
        self.buf = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buf += b
        return len(b)


stream = Unseekable()
with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("model/data.pkl", PAYLOAD)
    with z.open("model/notes.txt", "w") as w:
        w.write(b"notes " * 50)
write("data_descriptors.zip", bytes(stream.buf))

# ZIP64 extra fields forced on a small member.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    with z.open("archive/data.pkl", "w", force_zip64=True) as w:
        w.write(PAYLOAD)
write("zip64_extra.zip", buf.getvalue())

# Member names that escape the extraction directory, and a symlink.
link = zipfile.ZipInfo("archive/link", date_time=(2020, 1, 1, 0, 0, 0))
link.create_system = 3
link.external_attr = (0o120777 << 16)
write("traversal_and_symlink.zip", zip_of([
    ("../../evil.sh", b"#!/bin/sh\necho pwned\n"),
    ("/etc/cron.d/x", b"x"),
    ("C:\\Users\\x.bat", b"echo pwned"),
    ("a\\..\\..\\b.txt", b"x"),
    (link, b"/etc/passwd"),
]))

# Code and native libraries named as such; a text .pth path hook and a binary .pth checkpoint.
write("script_members.zip", zip_of([
    ("model/setup.py", b"print('pwned')\n"),
    ("model/hook.pth", b"import os; os.system('echo pwned')\n"),
    ("model/weights.pth", state_dict),
    ("model/libcustom.so.1", b"\x7fELF" + bytes(12)),
    ("model/data.bin", b"\x00\x01"),
]))

# The end record cut off: only local headers remain (what a truncated upload looks like).
full = zip_of([("archive/data.pkl", PAYLOAD), ("archive/version", b"3\n")])
write("no_central_directory.zip", full[:central_entries(full)[0][0]])
stream = Unseekable()
with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as z:
    with z.open("archive/data.pkl", "w") as w:
        w.write(PAYLOAD)
full = bytes(stream.buf)
write("no_central_directory_descriptor.zip", full[:central_entries(full)[0][0]])

# A member that only streaming readers see: a local header between two listed members.
listed = zip_of([("a.txt", b"first"), ("b.txt", b"second")])
entries = central_entries(listed)
second = local_offset(listed, entries[1][0])
hidden_member = zip_of([("hidden.pkl", PAYLOAD)])
hidden_local = hidden_member[:central_entries(hidden_member)[0][0]]
shifted = listed[:second] + hidden_local + listed[second:]
# Move every offset behind the insertion.
out = bytearray(shifted)
cd_start = struct.unpack("<I", listed[-6:-2])[0] + len(hidden_local)
pos = cd_start
for i in range(len(entries)):
    n, m, k = struct.unpack("<HHH", out[pos + 28:pos + 34])
    off = struct.unpack("<I", out[pos + 42:pos + 46])[0]
    if off >= second:
        out[pos + 42:pos + 46] = struct.pack("<I", off + len(hidden_local))
    pos += 46 + n + m + k
out[-6:-2] = struct.pack("<I", cd_start)
write("local_only_member.zip", bytes(out))

# Raw bytes (not a local header) between two members.
listed = zip_of([("a.txt", b"first"), ("b.txt", b"second")])
entries = central_entries(listed)
second = local_offset(listed, entries[1][0])
out = bytearray(listed[:second] + PAYLOAD + listed[second:])
cd_start = struct.unpack("<I", listed[-6:-2])[0] + len(PAYLOAD)
pos = cd_start
for i in range(len(entries)):
    n, m, k = struct.unpack("<HHH", out[pos + 28:pos + 34])
    off = struct.unpack("<I", out[pos + 42:pos + 46])[0]
    if off >= second:
        out[pos + 42:pos + 46] = struct.pack("<I", off + len(PAYLOAD))
    pos += 46 + n + m + k
out[-6:-2] = struct.pack("<I", cd_start)
write("gap_between_members.zip", bytes(out))

# Two central entries pointing at the same local header (the overlapping-entry bomb construction).
base = zip_of([("a.bin", b"A" * 100), ("b.bin", b"B" * 100)])
entries = central_entries(base)
write("overlapping_members.zip", patch(base, entries[1][0] + 42, struct.pack("<I", local_offset(base, entries[0][0]))))

# A compression method nobody decodes here (93 = zstd), set in both headers.
base = zip_of([("archive/data.pkl", PAYLOAD)])
cd = central_entries(base)[0][0]
lho = local_offset(base, cd)
write("unsupported_method.zip", patch(patch(base, cd + 10, struct.pack("<H", 93)), lho + 8, struct.pack("<H", 93)))

# Many members, for the member-count limit.
write("many_members.zip", zip_of([("m%02d.bin" % i, b"x") for i in range(30)]))

# Other compression methods zip allows: bzip2 (12) and LZMA (14) from zipfile, Deflate64 (9) from 7-Zip.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr(zipfile.ZipInfo("bz/data.pkl", date_time=(2020, 1, 1, 0, 0, 0)), PAYLOAD, zipfile.ZIP_BZIP2)
    z.writestr(zipfile.ZipInfo("lz/data.pkl", date_time=(2020, 1, 1, 0, 0, 0)), PAYLOAD, zipfile.ZIP_LZMA)
write("methods.zip", buf.getvalue())
work = tempfile.mkdtemp()
try:
    with open(os.path.join(work, "data.pkl"), "wb") as f:
        f.write(PAYLOAD * 20)
    subprocess.run(["7z", "a", "-bd", "-bso0", "-tzip", "-mm=Deflate64", "d64.zip", "data.pkl"], check=True, cwd=work)
    with open(os.path.join(work, "d64.zip"), "rb") as f:
        write("deflate64.zip", f.read())
    # Really encrypted members: traditional ZipCrypto (flag bit 0, deflated) and WinZip AES (method 99).
    subprocess.run(["7z", "a", "-bd", "-bso0", "-tzip", "-psecret", "-mem=ZipCrypto", "zc.zip", "data.pkl"],
                   check=True, cwd=work)
    subprocess.run(["7z", "a", "-bd", "-bso0", "-tzip", "-psecret", "-mem=AES256", "aes.zip", "data.pkl"],
                   check=True, cwd=work)
    for src, dst in (("zc.zip", "zipcrypto.zip"), ("aes.zip", "aes.zip")):
        with open(os.path.join(work, src), "rb") as f:
            write(dst, f.read())
finally:
    shutil.rmtree(work)

# A TorchScript archive may carry Python source only under code/; anywhere else it is a script shipped with the model.
write("torchscript_extra_script.pt", zip_of([
    ("archive/data.pkl", BENIGN), ("archive/constants.pkl", BENIGN),
    ("archive/code/__torch__.py", b"def forward(self, x):\n    return x\n"),
    ("archive/extra/install.py", b"import os\nos.system('echo pwned')\n"),
]))

# Nested: a zip inside a zip.
write("nested.zip", zip_of([("inner.zip", zip_of([("archive/data.pkl", PAYLOAD)]))]))

print("zip fixtures written to", HERE)
