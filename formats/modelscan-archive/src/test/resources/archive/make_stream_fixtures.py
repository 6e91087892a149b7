#!/usr/bin/python3
"""Regenerates the tar, compressed-stream and 7z fixtures of the archive scanner tests.

Genuine files come from Python's tarfile / zlib and the gzip, bzip2, xz, lzma, lz4, zstd and 7z command-line tools;
tampered variants are byte patches or headers written field by field. Payload pickles are hand-written opcode
streams whose worst effect would be `echo pwned`; nothing is ever unpickled.

Usage: /usr/bin/python3 make_stream_fixtures.py   (writes into tar/, compressed/ and 7z/ next to this script)
"""
import io
import os
import shutil
import struct
import subprocess
import tarfile
import tempfile
import zlib

BASE = os.path.dirname(os.path.abspath(__file__))
PAYLOAD = b"\x80\x02cos\nsystem\nX\n\x00\x00\x00echo pwned\x85R."


def out(sub, name, data):
    d = os.path.join(BASE, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def tar_of(members, fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for info, data in members:
            if isinstance(info, str):
                info = tarfile.TarInfo(info)
                info.size = len(data)
                info.mtime = 1577836800
            t.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def raw_header(name, size, typeflag=b"0", linkname=b"", magic=b"ustar\x0000"):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\x00"
    h[108:116] = b"0000000\x00"
    h[116:124] = b"0000000\x00"
    h[124:136] = b"%011o\x00" % size
    h[136:148] = b"%011o\x00" % 1577836800
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:257 + len(magic)] = magic
    h[148:156] = b"        "
    h[148:156] = b"%06o\x00 " % sum(h)
    return bytes(h)


def pad(data):
    return data + bytes(-len(data) % 512)


# --- tar ---------------------------------------------------------------------------------------------------------
out("tar", "basic.tar", tar_of([("model/data.pkl", PAYLOAD), ("model/README.txt", b"a model\n")]))
long_name = "model/" + "d" * 120 + "/data.pkl"
out("tar", "gnu_longname.tar", tar_of([(long_name, PAYLOAD)], tarfile.GNU_FORMAT))
out("tar", "pax_longname.tar", tar_of([(long_name, PAYLOAD)], tarfile.PAX_FORMAT))

# v7: no magic at all, only the checksum says "tar" (Python's tarfile accepts it).
v7 = bytearray(raw_header(b"data.pkl", len(PAYLOAD), magic=b""))
v7 = bytes(v7) + pad(PAYLOAD) + bytes(1024)
out("tar", "v7.tar", v7)

sym = tarfile.TarInfo("model/config")
sym.type, sym.linkname = tarfile.SYMTYPE, "/etc/passwd"
hard = tarfile.TarInfo("model/hard")
hard.type, hard.linkname = tarfile.LNKTYPE, "../../outside"
dev = tarfile.TarInfo("model/dev")
dev.type, dev.devmajor, dev.devminor = tarfile.CHRTYPE, 1, 3
out("tar", "links_and_traversal.tar", tar_of([
    (sym, None), (hard, None), (dev, None),
    ("../../home/user/.bashrc", b"echo pwned\n"),
    ("/usr/lib/python3/dist-packages/evil.pth", b"import os; os.system('echo pwned')\n"),
]))

# A pax header that says the next member is larger than its own header admits (size field 0).
pax_record = b"size=%d\n" % len(PAYLOAD)
pax_record = b"%d %s" % (len(pax_record) + 3, pax_record)
assert int(pax_record.split(b" ")[0]) == len(pax_record)
out("tar", "pax_size_override.tar",
    raw_header(b"././@PaxHeader", len(pax_record), b"x") + pad(pax_record)
    + raw_header(b"data.pkl", 0) + pad(PAYLOAD) + bytes(1024))

good = tar_of([("a.txt", b"first"), ("b.pkl", PAYLOAD)])
bad = bytearray(good)
# Corrupt the second member's header (after the pax header of the first? PAX only when needed: plain ustar here).
second = 512 + 512
bad[second + 10] ^= 0x55
out("tar", "corrupt_checksum.tar", bytes(bad))
out("tar", "trailing_data.tar", good + PAYLOAD)
out("tar", "many_members.tar", tar_of([("m%02d" % i, b"x") for i in range(30)]))

# --- compressed streams (real tools) -------------------------------------------------------------------------------
work = tempfile.mkdtemp()
try:
    src = os.path.join(work, "payload.pkl")
    with open(src, "wb") as f:
        f.write(PAYLOAD)

    def tool(args, name):
        subprocess.run(args, check=True, cwd=work)
        with open(os.path.join(work, name), "rb") as f:
            return f.read()

    gz = tool(["gzip", "-k", "-n", "-N", "-f", "payload.pkl"], "payload.pkl.gz")
    # -n drops the name; write one with the name kept too.
    gz_named = tool(["sh", "-c", "gzip -c payload.pkl > named.gz"], "named.gz")
    out("compressed", "payload.pkl.gz", gz)
    out("compressed", "named_inside.gz", gz_named)
    out("compressed", "payload.pkl.bz2", tool(["bzip2", "-k", "-f", "payload.pkl"], "payload.pkl.bz2"))
    out("compressed", "payload.pkl.xz", tool(["xz", "-k", "-f", "payload.pkl"], "payload.pkl.xz"))
    out("compressed", "payload.pkl.lzma", tool(["lzma", "-k", "-f", "payload.pkl"], "payload.pkl.lzma"))
    out("compressed", "payload.pkl.lz4", tool(["lz4", "-q", "-f", "payload.pkl", "payload.pkl.lz4"], "payload.pkl.lz4"))
    out("compressed", "payload.pkl.zst", tool(["zstd", "-q", "-f", "payload.pkl"], "payload.pkl.zst"))
    out("compressed", "payload.pkl.zlib", zlib.compress(PAYLOAD))
    # joblib < 0.10 "zfile", written by joblib's own compat writer (joblib.load still reads it).
    from joblib.numpy_pickle_compat import write_zfile
    zf = io.BytesIO()
    write_zfile(zf, PAYLOAD)
    out("compressed", "old_joblib.zfile", zf.getvalue())
    # gzip members may be concatenated; gunzip and Python's gzip read them all.
    benign_gz = tool(["sh", "-c", "printf 'hello' | gzip -c -n > benign.gz"], "benign.gz")
    out("compressed", "concatenated.gz", benign_gz + gz)
    out("compressed", "truncated.gz", gz[: len(gz) - 12])
    out("compressed", "model.tar.gz", tool(
        ["sh", "-c", "mkdir -p m && cp payload.pkl m/data.pkl && tar --format=ustar -cf - m | gzip -n -c > m.tgz"],
        "m.tgz"))

    # --- 7z ------------------------------------------------------------------------------------------------------
    shutil.copy(src, os.path.join(work, "b.pkl"))
    out("7z", "payload.7z", tool(["7z", "a", "-bd", "-bso0", "payload.7z", "payload.pkl"], "payload.7z"))
    out("7z", "two_files.7z", tool(["7z", "a", "-bd", "-bso0", "-ms=on", "two.7z", "payload.pkl", "b.pkl"],
                                   "two.7z"))
    out("7z", "encrypted.7z", tool(["7z", "a", "-bd", "-bso0", "-psecret", "-mhe=off", "enc.7z", "payload.pkl"],
                                   "enc.7z"))
    # A symbolic link stored as a link (-snl): 7-Zip keeps the Unix mode in the attributes, the target as data.
    os.symlink("/etc/passwd", os.path.join(work, "creds"))
    out("7z", "symlink.7z", tool(["7z", "a", "-bd", "-bso0", "-snl", "link.7z", "creds", "b.pkl"], "link.7z"))
    # LZMA with an uncompressed header, then the dictionary size in the coder properties set to 1.5 GiB (a value
    # 7-Zip itself can write): a decoder that trusts it allocates 1.5 GiB before it reads a byte.
    plain = tool(["7z", "a", "-bd", "-bso0", "-m0=lzma", "-mhc=off", "plain.7z", "payload.pkl"], "plain.7z")
    data = bytearray(plain)
    next_off, next_size = struct.unpack("<QQ", data[12:28])
    hdr_start = 32 + next_off
    header = data[hdr_start:hdr_start + next_size]
    # Coder: flags 0x23 (3-byte id, has properties), id 03 01 01 (LZMA), 5 property bytes: lc/lp/pb, dict size.
    i = header.find(b"\x23\x03\x01\x01\x05")
    assert i >= 0, "LZMA coder not found in the 7z header"
    header[i + 6:i + 10] = struct.pack("<I", 0x60000000)
    data[hdr_start:hdr_start + next_size] = header
    data[28:32] = struct.pack("<I", zlib.crc32(bytes(header)))
    data[8:12] = struct.pack("<I", zlib.crc32(bytes(data[12:32])))
    out("7z", "dictionary_bomb.7z", bytes(data))
finally:
    shutil.rmtree(work)

print("tar, compressed and 7z fixtures written under", BASE)
