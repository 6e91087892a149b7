#!/usr/bin/python3
"""Regenerates the model folders of FoldersTest, as users keep them.

Run with Debian's Python and its packages (python3-torch, python3-numpy, python3-h5py, python3-joblib,
python3-sklearn, python3-pil):  /usr/bin/python3 gen_folders.py

  hf-repo/    a Hugging Face model repository as `git clone` or `snapshot_download(local_dir=...)` leaves it
  project/    a scikit-learn / Keras project folder: models, plots, data, a notebook, configs
  poisoned/   the files that turn those folders into their poisoned twins (FoldersTest copies a folder and lays
              these over it): pytorch_model.bin, model.joblib, model.keras

The Hugging Face cache (hub/models--org--name/{blobs,snapshots,refs}) is not committed: symbolic links do not survive
Maven's resource copying, so FoldersTest builds it from hf-repo/ and poisoned/ with the relative links huggingface_hub
writes (file_download.py _create_symlink: os.path.relpath(blob, snapshot file's folder)).

The clean files are written by the real libraries (torch.save, joblib.dump, PIL, h5py). The poisoned pickles are
written by the libraries' save side (torch.save / joblib.dump of an object whose __reduce__ names os.system): saving
only records the reference, nothing is called, and nothing here ever loads a file. Keras is not installable here, so
the .keras archives are assembled as Keras 3's saving_lib writes them: a stored zip of metadata.json, config.json and
model.weights.h5 (h5py; layers/<name>/vars/<i>), the Lambda's function as {"class_name": "__lambda__", "config":
{"code": base64(marshal(code))}} like keras.utils.python_utils.func_dump. Payloads are harmless: `echo pwned`.
"""
import codecs
import io
import json
import marshal
import os
import shutil
import struct
import zipfile

import h5py
import joblib
import numpy as np
import torch
from PIL import Image
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def path(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write(rel, data):
    with open(path(*rel.split('/')), 'wb' if isinstance(data, bytes) else 'w') as f:
        f.write(data)


class OsSystem:
    """Pickles as os.system('echo pwned'). Only its __reduce__ is used, by the pickler; it is never unpickled."""

    def __reduce__(self):
        return os.system, ('echo pwned',)


def image(fmt, **kw):
    img = Image.new('RGB', (8, 6), (240, 240, 240))
    for x in range(8):
        img.putpixel((x, 5 - x % 6), (200, 40, 40))
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def safetensors(tensors):
    header, data, offset = {'__metadata__': {'format': 'pt'}}, b'', 0
    for name, arr in tensors.items():
        raw = arr.astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + data


def torch_bytes(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def keras(layers):
    dtype = {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, 'registered_name': None}
    config = {'module': 'keras', 'class_name': 'Sequential', 'registered_name': None,
              'config': {'name': 'sequential', 'trainable': True, 'dtype': dtype, 'layers': [
                  {'module': 'keras.layers', 'class_name': 'InputLayer', 'registered_name': None,
                   'config': {'batch_shape': [None, 4], 'dtype': 'float32', 'sparse': False,
                              'name': 'input_layer'}}] + layers},
              'build_config': {'input_shape': [None, 4]}}
    weights = io.BytesIO()
    with h5py.File(weights, 'w') as f:
        g = f.create_group('layers/dense/vars')
        g.create_dataset('0', data=np.ones((4, 2), dtype='f4'))
        g.create_dataset('1', data=np.zeros((2,), dtype='f4'))
        f.create_group('optimizer/vars')
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_STORED) as z:
        for name, data in (('metadata.json', json.dumps({'keras_version': '3.5.0', 'date_saved': '2026-01-01'})),
                           ('config.json', json.dumps(config)), ('model.weights.h5', weights.getvalue())):
            z.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data)
    return out.getvalue()


DENSE = {'module': 'keras.layers', 'class_name': 'Dense', 'registered_name': None,
         'config': {'name': 'dense', 'trainable': True, 'units': 2, 'activation': 'relu', 'use_bias': True},
         'build_config': {'input_shape': [None, 4]}}
PAYLOAD = lambda x: __import__('os').system('echo pwned') or x  # noqa: E731  (compiled for marshal, never called)
LAMBDA = {'module': 'keras.layers', 'class_name': 'Lambda', 'registered_name': None,
          'config': {'name': 'lambda', 'trainable': True, 'arguments': {},
                     'function': {'class_name': '__lambda__', 'config': {
                         'code': codecs.encode(marshal.dumps(PAYLOAD.__code__), 'base64').decode('ascii'),
                         'defaults': None, 'closure': None}}}}

for d in ('hf-repo', 'project', 'poisoned'):
    shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)

# ---- hf-repo: what `git clone https://huggingface.co/org/tiny-model` gives.
torch.manual_seed(0)
state = {'linear.weight': torch.randn(2, 4), 'linear.bias': torch.zeros(2)}
write('hf-repo/pytorch_model.bin', torch_bytes(state))
write('hf-repo/model.safetensors', safetensors({k: v.numpy() for k, v in state.items()}))
write('hf-repo/config.json', json.dumps({'architectures': ['TinyModel'], 'model_type': 'tiny', 'hidden_size': 4,
                                         'torch_dtype': 'float32', 'transformers_version': '4.44.0'}, indent=2))
write('hf-repo/generation_config.json', json.dumps({'do_sample': False, 'max_new_tokens': 8}, indent=2))
write('hf-repo/tokenizer.json', json.dumps({'version': '1.0', 'truncation': None, 'padding': None,
                                            'added_tokens': [], 'model': {'type': 'WordLevel', 'vocab': {
                                                '[UNK]': 0, 'hello': 1, 'world': 2}, 'unk_token': '[UNK]'}}))
write('hf-repo/tokenizer_config.json', json.dumps({'model_max_length': 16, 'tokenizer_class': 'PreTrainedTokenizerFast'}))
write('hf-repo/special_tokens_map.json', json.dumps({'unk_token': '[UNK]'}))
write('hf-repo/vocab.txt', '[UNK]\nhello\nworld\n')
write('hf-repo/README.md', '---\nlicense: mit\nlibrary_name: transformers\n---\n# tiny-model\n\n![arch](assets/arch.png)\n')
write('hf-repo/.gitattributes', '*.bin filter=lfs diff=lfs merge=lfs -text\n*.safetensors filter=lfs diff=lfs merge=lfs -text\n')
write('hf-repo/assets/arch.png', image('PNG'))

# ---- project: a scikit-learn / Keras project folder.
X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1]])
y = np.array([0, 1, 0, 1])
model = LogisticRegression().fit(X, y)
buf = io.BytesIO()
joblib.dump(model, buf)
write('project/models/model.joblib', buf.getvalue())
write('project/models/model.keras', keras([DENSE]))
write('project/plots/loss.png', image('PNG'))
write('project/plots/confusion.jpg', image('JPEG', quality=80))
write('project/data/train.csv', 'x0,x1,y\n0.0,1.0,0\n1.0,0.0,1\n0.5,0.5,0\n0.9,0.1,1\n')
write('project/params.yaml', 'train:\n  C: 1.0\n  max_iter: 100\n')
write('project/requirements.txt', 'scikit-learn\njoblib\n')
write('project/README.md', '# Tiny classifier\n\n![loss](plots/loss.png)\n')
write('project/notebooks/explore.ipynb', json.dumps({
    'cells': [{'cell_type': 'code', 'execution_count': 1, 'metadata': {}, 'source': ['import joblib\n',
               "model = joblib.load('../models/model.joblib')"],
               'outputs': [{'output_type': 'execute_result', 'execution_count': 1, 'metadata': {},
                            'data': {'text/plain': ['LogisticRegression()']}}]}],
    'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'Python 3'}}, 'nbformat': 4,
    'nbformat_minor': 5}, indent=1))

# ---- poisoned: the same files with a payload, each written by its library's save side (or layout, for Keras).
write('poisoned/pytorch_model.bin', torch_bytes({'linear.weight': state['linear.weight'], 'hook': OsSystem()}))
buf = io.BytesIO()
joblib.dump({'model': model, 'hook': OsSystem()}, buf)
write('poisoned/model.joblib', buf.getvalue())
write('poisoned/model.keras', keras([DENSE, LAMBDA]))
