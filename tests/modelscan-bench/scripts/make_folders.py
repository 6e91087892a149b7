#!/usr/bin/python3
"""Writes the folder shapes that scripts/scaling.sh measures (issue 17 item 5), with the real libraries.

    /usr/bin/python3 tests/modelscan-bench/scripts/make_folders.py OUT [SCALE]

OUT/hfrepo   SCALE Hugging Face model repositories side by side: config, tokenizer.json (a 20,000-entry vocabulary),
             tokenizer_config.json with a chat template, README, .gitattributes, two SafeTensors shards and their
             index, a torch.save checkpoint, images under assets/.
OUT/hub      a Hugging Face hub cache holding the same repositories: blobs named by hash, snapshots made of
             relative symbolic links to them, refs/main.
OUT/project  SCALE project folders: scikit-learn pipelines (joblib), PyTorch checkpoints, plots, a CSV, a notebook,
             Python sources.
Every file is benign (no payload); nothing is loaded back. Deterministic for a given SCALE (fixed seeds).
Needs numpy, torch, PIL, scikit-learn and joblib (the /usr/bin/python3 of the development machine has them).
"""
import hashlib
import json
import os
import shutil
import struct
import sys

import joblib
import numpy as np
import torch
from PIL import Image
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def safetensors_bytes(tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        data = array.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def hf_repo(d, seed):
    rng = np.random.RandomState(seed)
    write(d + "/config.json", json.dumps({"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 64}))
    vocab = {"tok%05d" % i: i for i in range(20000)}
    write(d + "/tokenizer.json", json.dumps({"version": "1.0", "model": {"type": "WordPiece", "vocab": vocab}}))
    template = ("{% for m in messages %}{{ '<|' + m['role'] + '|>' + m['content'] }}{% endfor %}"
                "{% if add_generation_prompt %}<|assistant|>{% endif %}")
    write(d + "/tokenizer_config.json", json.dumps({"bos_token": "<s>", "eos_token": "</s>", "chat_template": template}))
    write(d + "/special_tokens_map.json", json.dumps({"bos_token": "<s>", "eos_token": "</s>"}))
    write(d + "/generation_config.json", json.dumps({"do_sample": False}))
    write(d + "/README.md", "---\nlicense: apache-2.0\n---\n# tiny model %d\n\nA benchmark fixture.\n" % seed)
    write(d + "/.gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n*.safetensors filter=lfs diff=lfs merge=lfs -text\n")
    index = {"metadata": {"total_size": 0}, "weight_map": {}}
    for shard in (1, 2):
        name = "model-%05d-of-00002.safetensors" % shard
        tensors = {"layer%d.weight" % (shard * 10 + k): rng.rand(256, 256) for k in range(4)}
        write(d + "/" + name, safetensors_bytes(tensors))
        for t in tensors:
            index["weight_map"][t] = name
            index["metadata"]["total_size"] += 256 * 256 * 4
    write(d + "/model.safetensors.index.json", json.dumps(index))
    torch.manual_seed(seed)
    torch.save({"embeddings.weight": torch.rand(512, 64), "pooler.bias": torch.zeros(64)}, d + "/pytorch_model.bin")
    os.makedirs(d + "/assets", exist_ok=True)
    for k in range(3):
        Image.fromarray((rng.rand(64, 64, 3) * 255).astype("uint8")).save(d + "/assets/figure%d.png" % k)


def hub_cache(src_repos, d):
    for i, src in enumerate(src_repos):
        model = d + "/hub/models--org--tiny%02d" % i
        revision = hashlib.sha1(src.encode()).hexdigest()
        os.makedirs(model + "/blobs")
        write(model + "/refs/main", revision)
        for dirpath, _, files in os.walk(src):
            for f in sorted(files):
                path = os.path.join(dirpath, f)
                with open(path, "rb") as fh:
                    data = fh.read()
                blob = model + "/blobs/" + hashlib.sha256(data).hexdigest()
                if not os.path.exists(blob):
                    write(blob, data)
                link = model + "/snapshots/" + revision + "/" + os.path.relpath(path, src)
                os.makedirs(os.path.dirname(link), exist_ok=True)
                os.symlink(os.path.relpath(blob, os.path.dirname(link)), link)
    write(d + "/hub/version.txt", "1")


def project(d, seed):
    rng = np.random.RandomState(seed)
    x = rng.rand(200, 8)
    y = (x[:, 0] > 0.5).astype(int)
    for k in range(3):
        pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(C=1.0 + k))]).fit(x, y)
        os.makedirs(d + "/models", exist_ok=True)
        joblib.dump(pipe, d + "/models/pipeline%d.joblib" % k)
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 2))
    os.makedirs(d + "/checkpoints", exist_ok=True)
    for epoch in range(3):
        torch.save({"epoch": epoch, "state_dict": net.state_dict()}, d + "/checkpoints/epoch%d.pt" % epoch)
    os.makedirs(d + "/plots", exist_ok=True)
    for k in range(4):
        Image.fromarray((rng.rand(48, 64, 3) * 255).astype("uint8")).save(d + "/plots/loss%d.png" % k)
    Image.fromarray((rng.rand(48, 64, 3) * 255).astype("uint8")).save(d + "/plots/roc.jpg")
    write(d + "/data.csv", "a,b,c\n" + "".join("%f,%f,%d\n" % (a, b, c) for a, b, c in zip(x[:, 0], x[:, 1], y)))
    notebook = {"cells": [{"cell_type": "code", "source": ["import joblib\n"], "outputs": [], "metadata": {},
                           "execution_count": 1}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    write(d + "/train.ipynb", json.dumps(notebook))
    write(d + "/train.py", "import joblib\nfrom sklearn.linear_model import LogisticRegression\n")
    write(d + "/README.md", "# project %d\n" % seed)
    write(d + "/requirements.txt", "scikit-learn\ntorch\n")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    scale = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    for shape in ("hfrepo", "hub", "project"):
        shutil.rmtree(os.path.join(out, shape), ignore_errors=True)
    repos = []
    for i in range(scale):
        repo = os.path.join(out, "hfrepo", "org%02d-tiny" % i)
        hf_repo(repo, i)
        repos.append(repo)
    hub_cache(repos, os.path.join(out, "hub"))
    for i in range(scale):
        project(os.path.join(out, "project", "p%02d" % i), i)
    print("written under", out)


if __name__ == "__main__":
    main()
