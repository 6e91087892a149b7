#!/usr/bin/python3
"""Writes the Flax msgpack checkpoint fixtures next to this script.

flax is not installable on the build machine, so this script mirrors flax.serialization (google/flax,
flax/serialization.py: msgpack_serialize, _msgpack_ext_pack, _ndarray_to_bytes, _chunk) with python3-msgpack
(Debian python3-msgpack 1.0.3) and numpy, byte for byte:
  - the file is msgpack.packb(state_dict, default=ext_pack, strict_types=True);
  - an ndarray leaf is ExtType(1, packb((shape, dtype.name, arr.tobytes('C')), use_bin_type=True));
  - a numpy scalar is ExtType(3, the same 3-tuple of np.asarray(x), so shape ());
  - a Python complex is ExtType(2, packb((real, imag)));
  - arrays over MAX_CHUNK_SIZE bytes are replaced by {'__msgpack_chunked_array__': True, 'shape': {'0': d0, ...},
    'chunks': {'0': flat chunk, ...}} (_chunk); MAX_CHUNK_SIZE is lowered here to 64 bytes so that the fixture
    stays tiny. Nothing is ever unpacked or loaded here.
Run: /usr/bin/python3 gen_flax_msgpack.py
"""
import os

import msgpack
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_CHUNK_SIZE = 64  # flax: 2**30


def ndarray_to_bytes(arr):
    assert not arr.dtype.hasobject
    return msgpack.packb((arr.shape, arr.dtype.name, arr.tobytes('C')), use_bin_type=True)


def ext_pack(x):
    if isinstance(x, np.ndarray):
        return msgpack.ExtType(1, ndarray_to_bytes(x))
    if np.issctype(type(x)):
        return msgpack.ExtType(3, ndarray_to_bytes(np.asarray(x)))
    if isinstance(x, complex):
        return msgpack.ExtType(2, msgpack.packb((x.real, x.imag)))
    return x


def tuple_to_dict(t):
    return {str(i): v for i, v in enumerate(t)}


def chunk(arr):
    size = max(1, int(MAX_CHUNK_SIZE / arr.dtype.itemsize))
    flat = arr.reshape(-1)
    return {'__msgpack_chunked_array__': True, 'shape': tuple_to_dict(arr.shape),
            'chunks': tuple_to_dict([flat[i:i + size] for i in range(0, flat.size, size)])}


def chunk_in_place(d):
    for k, v in d.items():
        if isinstance(v, np.ndarray) and v.size * v.dtype.itemsize > MAX_CHUNK_SIZE:
            d[k] = chunk(v)
        elif isinstance(v, dict):
            chunk_in_place(v)
    return d


def write(name, tree, chunked=False):
    if chunked:
        chunk_in_place(tree)
    data = msgpack.packb(tree, default=ext_pack, strict_types=True)
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)
    print(name, len(data))


rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


# A 2-layer MLP as Flax linen names it: params/Dense_0/{kernel,bias}.
write('clean.msgpack', {'params': {'Dense_0': {'kernel': f32(4, 8), 'bias': f32(8)},
                                   'Dense_1': {'kernel': f32(8, 2), 'bias': f32(2)}}})
# An optimizer-like state: plain int step, numpy scalars (ext 3), a complex (ext 2), None, str, bool, int8 array.
write('scalars.msgpack', {'step': 7, 'count': np.int32(3), 'lr': np.float32(0.001), 'c': complex(1.5, -2.0),
                          'note': 'sgd', 'done': False, 'none': None,
                          'params': {'w': np.arange(6, dtype=np.int8).reshape(2, 3),
                                     'h': np.zeros((2, 2), dtype=np.float16),
                                     'empty': np.zeros((0, 3), dtype=np.float64)}})
# One array over the (lowered) chunk size: written chunked, as flax does for arrays over 1 GiB.
write('chunked.msgpack', {'params': {'embedding': f32(5, 8), 'bias': f32(3)}}, chunked=True)
