#!/usr/bin/python3
"""Regenerates the SafeTensors test fixtures next to this script.

Run with /usr/bin/python3 (needs numpy only for the tensor bytes):  /usr/bin/python3 generate.py

The `safetensors` package is not installed on the build machine and PyPI is not reachable, so `write_like_reference`
writes files the way the reference writer (huggingface/safetensors `tensor.rs`, `prepare`/`serialize`) does:
  * tensors ordered by dtype, largest first in the Dtype enum's declaration order, then by name;
  * data_offsets contiguous from 0 in that order;
  * header = serde_json compact JSON: "__metadata__" first, then each tensor as {"dtype","shape","data_offsets"};
  * header right-padded with spaces to a multiple of 8; N = header length as u64 little endian.
Two outputs are checked byte for byte against the reference's own unit tests (test_serialization, test_empty).

Every other file breaks exactly one rule, crafted byte by byte. Files are tiny; the "huge" ones only claim sizes.
Nothing here loads or runs anything from the files.
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# Dtype enum of the reference reader, in declaration order, with bit sizes.
DTYPES = [("BOOL", 8), ("F4", 4), ("F6_E2M3", 6), ("F6_E3M2", 6), ("U8", 8), ("I8", 8), ("F8_E5M2", 8),
          ("F8_E4M3", 8), ("F8_E8M0", 8), ("F8_E4M3FNUZ", 8), ("F8_E5M2FNUZ", 8), ("I16", 16), ("U16", 16),
          ("F16", 16), ("BF16", 16), ("I32", 32), ("U32", 32), ("F32", 32), ("C64", 64), ("F64", 64),
          ("I64", 64), ("U64", 64)]
ORDER = {name: i for i, (name, _) in enumerate(DTYPES)}
BITS = dict(DTYPES)


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def header_json(entries, metadata):
    """serde_json output of the reference Metadata: __metadata__ first, then tensors in offset order."""
    parts = []
    if metadata is not None:
        parts.append(compact("__metadata__") + ":" + compact(metadata))
    for name, dtype, shape, begin, end in entries:
        parts.append(compact(name) + ":" + '{"dtype":%s,"shape":%s,"data_offsets":[%d,%d]}'
                     % (compact(dtype), compact(shape), begin, end))
    return "{" + ",".join(parts) + "}"


def write_like_reference(name, tensors, metadata=None, directory=HERE):
    """tensors: {name: (dtype, shape, raw little-endian bytes)}; returns the file bytes."""
    ordered = sorted(tensors.items(), key=lambda kv: (-ORDER[kv[1][0]], kv[0]))
    entries, data, offset = [], b"", 0
    for tname, (dtype, shape, raw) in ordered:
        nbits = int(np.prod(shape, dtype=np.uint64)) * BITS[dtype]
        assert nbits % 8 == 0 and nbits // 8 == len(raw), tname
        entries.append((tname, dtype, list(shape), offset, offset + len(raw)))
        offset += len(raw)
        data += raw
    header = header_json(entries, metadata).encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    content = struct.pack("<Q", len(header)) + header + data
    with open(os.path.join(directory, name), "wb") as f:
        f.write(content)
    return content


def raw(name, header, data=b"", n=None, directory=HERE):
    """A file with the given header bytes (not padded) and data; n overrides the length field."""
    if isinstance(header, str):
        header = header.encode("utf-8")
    content = struct.pack("<Q", len(header) if n is None else n) + header + data
    with open(os.path.join(directory, name), "wb") as f:
        f.write(content)
    return content


def f32(*values):
    return np.array(values, dtype="<f4").tobytes()


def tensor_entry(dtype, shape, begin, end):
    return '{"dtype":"%s","shape":%s,"data_offsets":[%d,%d]}' % (dtype, compact(shape), begin, end)


def pad(text):
    data = text.encode("utf-8")
    return data + b" " * ((8 - len(data) % 8) % 8)


def main():
    # ---- valid files, as the reference writer writes them -----------------------------------------------------
    # Byte-identical to the reference's unit test `test_serialization` (attn.0, F32 [1,2,3], no padding needed).
    ref = write_like_reference("valid_reference_test.safetensors",
                               {"attn.0": ("F32", [1, 2, 3], f32(0, 1, 2, 3, 4, 5))})
    assert list(ref[:16]) == [64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48], ref[:16]
    # Byte-identical to `test_empty`: "{}" padded with six spaces.
    empty = write_like_reference("valid_empty.safetensors", {})
    assert list(empty) == [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]
    write_like_reference("valid_f32_metadata.safetensors",
                         {"w": ("F32", [2, 3], f32(0, 1, 2, 3, 4, 5))}, metadata={"format": "pt"})
    write_like_reference("valid_many_dtypes.safetensors", {
        "model.embed.weight": ("F16", [2, 2], np.arange(4, dtype="<f2").tobytes()),
        "model.bias": ("BF16", [3], bytes(6)),
        "model.counter": ("I64", [], np.array(7, dtype="<i8").tobytes()),
        "model.mask": ("BOOL", [4], bytes([1, 0, 1, 1])),
        "model.q4": ("F4", [2, 3], bytes(3)),            # 6 elements x 4 bits = 3 bytes
        "model.q6": ("F6_E2M3", [4], bytes(3)),          # 4 elements x 6 bits = 3 bytes
        "model.fp8": ("F8_E4M3", [2], bytes(2)),
        "model.empty": ("F32", [0, 5], b""),             # a zero dimension: 0 bytes
        "model.complex": ("C64", [1], bytes(8)),
        "model.ids": ("U8", [3], bytes([1, 2, 3])),
        "größe.ñame": ("I32", [1], np.array([5], dtype="<i4").tobytes()),   # non-ASCII name, raw UTF-8
    }, metadata={"format": "pt", "note": "tiny test file"})

    # ---- header length field --------------------------------------------------------------------------------
    # N = 2^62: the reference refuses (HeaderTooLarge); a reader that trusts N would allocate 4 EiB.
    raw("bad_header_2p62.safetensors", '{"w":' + tensor_entry("F32", [1], 0, 4) + "}", f32(1), n=1 << 62)
    # N = 200 MB: above the reference's MAX_HEADER_SIZE (100,000,000).
    raw("bad_header_200mb.safetensors", '{"w":' + tensor_entry("F32", [1], 0, 4) + "}", f32(1), n=200_000_000)
    # N larger than the file (InvalidHeaderLength).
    raw("bad_header_past_eof.safetensors", '{"w":' + tensor_entry("F32", [1], 0, 4) + "}", f32(1), n=4096)

    # ---- header text ----------------------------------------------------------------------------------------
    raw("bad_utf8.safetensors", b'{"w\xff":' + tensor_entry("F32", [1], 0, 4).encode() + b"}   ", f32(1))
    raw("bad_json_truncated.safetensors", pad('{"w":{"dtype":"F32","shape":[1],'), f32(1))
    raw("bad_not_object.safetensors", pad("[1,2,3]"))
    raw("bad_bom.safetensors", b"\xef\xbb\xbf" + ('{"w":' + tensor_entry("F32", [1], 0, 4) + "}").encode(),
        f32(1))
    raw("bad_nul_padding.safetensors", ('{"w":' + tensor_entry("F32", [1], 0, 4) + "}").encode() + b"\0" * 5,
        f32(1))
    raw("bad_lone_surrogate.safetensors",
        pad('{"__metadata__":{"k":"\\ud800x"},"w":' + tensor_entry("F32", [1], 0, 4) + "}"), f32(1))
    raw("bad_lone_surrogate_name.safetensors", pad('{"w\\ud800":' + tensor_entry("F32", [1], 0, 4) + "}"), f32(1))
    # Accepted by the reference (serde_json skips JSON whitespace) but not what the README allows.
    raw("odd_leading_whitespace.safetensors", pad('\n{"w":' + tensor_entry("F32", [1], 0, 4) + "}"), f32(1))
    raw("odd_newline_padding.safetensors", ('{"w":' + tensor_entry("F32", [1], 0, 4) + "}").encode() + b"\n\t\r\n",
        f32(1))

    # ---- tensor entries -------------------------------------------------------------------------------------
    raw("bad_unknown_dtype.safetensors", pad('{"w":' + tensor_entry("F128", [1], 0, 16) + "}"), bytes(16))
    raw("bad_metadata_not_string.safetensors",
        pad('{"__metadata__":{"epochs":3},"w":' + tensor_entry("F32", [1], 0, 4) + "}"), f32(1))
    raw("bad_missing_offsets.safetensors", pad('{"w":{"dtype":"F32","shape":[1]}}'), f32(1))
    raw("bad_float_shape.safetensors", pad('{"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}'), f32(1))
    raw("bad_negative_offset.safetensors", pad('{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}'),
        f32(1))
    raw("bad_three_offsets.safetensors", pad('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}'),
        f32(1))
    raw("bad_dim_beyond_u64.safetensors",
        pad('{"w":{"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,1]}}'), bytes(1))
    raw("bad_lone_surrogate_ignored.safetensors",
        pad('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":["\\udc00"]}}'), f32(1))
    # "é" precomposed (U+00E9) and decomposed (e + U+0301): two tensors that look like one name.
    raw("odd_normalisation_twins.safetensors",
        pad('{"caf\u00e9":' + tensor_entry("F32", [1], 0, 4) + ',"cafe\u0301":' + tensor_entry("F32", [1], 4, 8)
            + "}"), f32(1, 2))
    raw("odd_unknown_field.safetensors",
        pad('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"exec":"echo pwned"}}'), f32(1))

    # ---- layout ---------------------------------------------------------------------------------------------
    raw("bad_size_mismatch.safetensors", pad('{"w":' + tensor_entry("F32", [2, 2], 0, 20) + "}"), bytes(20))
    raw("bad_misaligned_f4.safetensors", pad('{"w":' + tensor_entry("F4", [3], 0, 2) + "}"), bytes(2))
    raw("bad_gap.safetensors",
        pad('{"a":' + tensor_entry("F32", [1], 0, 4) + ',"b":' + tensor_entry("F32", [1], 8, 12) + "}"), bytes(12))
    raw("bad_overlap.safetensors",
        pad('{"a":' + tensor_entry("F32", [2], 0, 8) + ',"b":' + tensor_entry("F32", [2], 4, 12) + "}"), bytes(12))
    raw("bad_first_not_zero.safetensors", pad('{"w":' + tensor_entry("F32", [1], 4, 8) + "}"), bytes(8))
    raw("bad_end_before_begin.safetensors",
        pad('{"a":' + tensor_entry("F32", [1], 0, 4) + ',"b":' + tensor_entry("F32", [0], 4, 0) + "}"), bytes(4))
    raw("bad_data_past_eof.safetensors", pad('{"w":' + tensor_entry("F32", [4], 0, 16) + "}"), bytes(8))
    # A pickle of None (b"\x80\x04N.") hidden after the last tensor: the reference refuses the file
    # (MetadataIncompleteBuffer), but the bytes are there for any other reader.
    raw("bad_trailing_pickle.safetensors", pad('{"w":' + tensor_entry("F32", [1], 0, 4) + "}"),
        f32(1) + b"\x80\x04N.")
    # Shape bombs: 2^31^3 elements overflow u64 (ValidationOverflow); 2^20 x 2^20 F32 is 4 TiB (TensorInvalidInfo).
    raw("bad_shape_overflow.safetensors",
        pad('{"w":' + tensor_entry("F32", [1 << 31, 1 << 31, 1 << 31], 0, 4) + "}"), f32(1))
    raw("bad_shape_4tib.safetensors", pad('{"w":' + tensor_entry("F32", [1 << 20, 1 << 20], 0, 4) + "}"), f32(1))
    # A zero dimension after an overflowing prefix still overflows in the reference's left-to-right fold.
    raw("bad_shape_overflow_then_zero.safetensors",
        pad('{"w":' + tensor_entry("U8", [1 << 40, 1 << 40, 0], 0, 0) + "}"))

    # ---- stricter checks ------------------------------------------------------------------------------------
    # Duplicate tensor name: serde_json (HashMap) and Python json keep the LAST entry.
    raw("bad_duplicate_tensor.safetensors",
        pad('{"w":' + tensor_entry("F32", [1], 0, 4) + ',"w":' + tensor_entry("I32", [1], 0, 4) + "}"), f32(1))
    raw("bad_duplicate_metadata.safetensors",
        pad('{"__metadata__":{"format":"pt"},"__metadata__":{"format":"tf"},"w":'
            + tensor_entry("F32", [1], 0, 4) + "}"), f32(1))
    raw("bad_duplicate_field.safetensors",
        pad('{"w":{"dtype":"F32","dtype":"I32","shape":[1],"data_offsets":[0,4]}}'), f32(1))
    raw("odd_long_name.safetensors", pad('{"' + "n" * 5000 + '":' + tensor_entry("F32", [1], 0, 4) + "}"), f32(1))
    raw("odd_high_rank.safetensors", pad('{"w":' + tensor_entry("F32", [1] * 65, 0, 4) + "}"), f32(1))
    raw("bad_deep_nesting.safetensors",
        pad('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + "[" * 300 + "]" * 300 + "}}"), f32(1))

    # ---- a sharded checkpoint and a broken one ---------------------------------------------------------------
    good = os.path.join(HERE, "sharded")
    os.makedirs(good, exist_ok=True)
    write_like_reference("model-00001-of-00002.safetensors",
                         {"embed.weight": ("F32", [2, 2], f32(1, 2, 3, 4))}, {"format": "pt"}, good)
    write_like_reference("model-00002-of-00002.safetensors",
                         {"head.weight": ("F32", [2], f32(5, 6)), "head.bias": ("F16", [2], bytes(4))},
                         {"format": "pt"}, good)
    index = {"metadata": {"total_size": 28},
             "weight_map": {"embed.weight": "model-00001-of-00002.safetensors",
                            "head.bias": "model-00002-of-00002.safetensors",
                            "head.weight": "model-00002-of-00002.safetensors"}}
    with open(os.path.join(good, "model.safetensors.index.json"), "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)   # as transformers writes it
        f.write("\n")

    bad = os.path.join(HERE, "sharded_bad")
    os.makedirs(bad, exist_ok=True)
    write_like_reference("model-00001-of-00002.safetensors",
                         {"embed.weight": ("F32", [2, 2], f32(1, 2, 3, 4)),
                          "extra.weight": ("F32", [1], f32(9))}, {"format": "pt"}, bad)
    with open(os.path.join(bad, "model-00002-of-00002.safetensors"), "wb") as f:
        f.write(b"\x80\x04N.")          # a pickle (of None) where a SafeTensors shard is expected
    with open(os.path.join(bad, "pytorch_model-00003.bin"), "wb") as f:
        f.write(b"\x80\x04N.")
    index = {"metadata": {"total_size": 999},
             "weight_map": {"embed.weight": "model-00001-of-00002.safetensors",
                            "lm.weight": "model-00001-of-00002.safetensors",
                            "head.weight": "model-00002-of-00002.safetensors",
                            "missing.weight": "model-00009-of-00009.safetensors",
                            "escape.weight": "../outside.safetensors",
                            "absolute.weight": "/etc/passwd",
                            "pickle.weight": "pytorch_model-00003.bin"}}
    with open(os.path.join(bad, "model.safetensors.index.json"), "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
