#!/usr/bin/python3
"""Regenerates the benign container fixtures that were once false alarms (run with /usr/bin/python3, which has torch).

* zip/zipcrypto_stored.zip, zip/zipcrypto_deflated.zip: one member each, really encrypted with traditional PKWARE
  encryption by Info-ZIP `zip -P` (the 12-byte encryption header makes the compressed size the size + 12, and the
  CRC covers the plaintext), so size and CRC checks must not call them corrupt.
* tar/nemo_checkpoint.nemo: a NeMo-style tar (tarfile) of model_config.yaml and a torch.save zip as the LAST member,
  so the inner zip's end record lies in the tar's last 64 KiB.
* tar/legacy_torch_tar.pt: PyTorch's legacy tar layout as torch/serialization.py `_legacy_load` reads it
  (`tarfile.open(mode='r:', format=PAX_FORMAT)`, members `storages`, `tensors`, `pickle`, plus `sys_info`), built with
  tarfile and hand-written protocol-2 pickles. It is also written to modelscan-pickle's python fixtures for the
  end-to-end test there.

Nothing is ever unpickled or loaded. Usage: /usr/bin/python3 make_false_alarm_fixtures.py
"""
import io
import os
import pickle
import struct
import subprocess
import tarfile
import tempfile
from collections import OrderedDict

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
PICKLE_FIXTURES = os.path.join(HERE, "..", "..", "..", "..", "..", "modelscan-pickle", "src", "test", "resources",
                               "dev", "modelscan", "pickle", "python")


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def zipcrypto():
    with tempfile.TemporaryDirectory() as tmp:
        member = os.path.join(tmp, "config.json")
        write(member, b'{"hidden_size": 4, "note": "' + b"padding " * 64 + b'"}\n')
        for name, level in (("zipcrypto_stored.zip", "-0"), ("zipcrypto_deflated.zip", "-9")):
            out = os.path.join(tmp, name)
            subprocess.run(["zip", "-q", "-X", level, "-P", "secret", "-j", out, member], check=True)
            write(os.path.join(HERE, "zip", name), open(out, "rb").read())


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1_700_000_000
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def nemo():
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.save(OrderedDict(w=torch.arange(6, dtype=torch.float32).reshape(2, 3)), buf)
    config = (b"target: nemo.collections.asr.models.EncDecCTCModel\n"
              b"sample_rate: 16000\n"
              b"preprocessor:\n"
              b"  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor\n"
              b"  window_size: 0.025\n")
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.GNU_FORMAT) as tar:
        add(tar, "./model_config.yaml", config)
        add(tar, "./model_weights.ckpt", buf.getvalue())
    write(os.path.join(HERE, "tar", "nemo_checkpoint.nemo"), out.getvalue())


class _Key:
    def __init__(self, key):
        self.key = key


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.key if isinstance(obj, _Key) else None


def legacy_tar():
    # `storages`: pickled count, per storage pickled (key, location, storage type) + i64 numel + elements, then the
    # pickled list of views. `tensors`: pickled count, per tensor pickled (key, storage key, type) + <i ndim + 4 pad
    # bytes + sizes + strides + i64 storage offset. `pickle`: the object, tensors as persistent ids (their keys).
    storages = pickle.dumps(1, protocol=2)
    storages += pickle.dumps(("140000", "cpu", torch.FloatStorage), protocol=2)
    storages += struct.pack("<q", 3) + struct.pack("<3f", 1.0, 2.0, 3.0)
    storages += pickle.dumps([], protocol=2)
    tensors = pickle.dumps(1, protocol=2)
    tensors += pickle.dumps(("140001", "140000", torch.FloatTensor), protocol=2)
    tensors += struct.pack("<i", 1) + b"\x00" * 4 + struct.pack("<q", 3) + struct.pack("<q", 1) + struct.pack("<q", 0)
    main = io.BytesIO()
    _Pickler(main, protocol=2).dump(OrderedDict(weight=_Key("140001")))
    sys_info = pickle.dumps(dict(protocol_version=1001, little_endian=True,
                                 type_sizes=dict(short=2, int=4, long=8)), protocol=2)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.PAX_FORMAT) as tar:
        add(tar, "sys_info", sys_info)
        add(tar, "pickle", main.getvalue())
        add(tar, "tensors", tensors)
        add(tar, "storages", storages)
    write(os.path.join(HERE, "tar", "legacy_torch_tar.pt"), out.getvalue())
    write(os.path.join(PICKLE_FIXTURES, "legacy_torch_tar.pt"), out.getvalue())


if __name__ == "__main__":
    zipcrypto()
    nemo()
    legacy_tar()
