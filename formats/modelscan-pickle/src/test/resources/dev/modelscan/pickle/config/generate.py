#!/usr/bin/python3
"""Regenerates the config fixtures of the config scanner (run with /usr/bin/python3: PyYAML 6, torch 1.13).

YAML is written by PyYAML's yaml.dump (safe representer) where it can express the content; the forms yaml.dump never
writes (python/object/apply tags, alias bombs, escaped keys) are written as text. JSON is written by json.dump.
The .nemo files are tars (tarfile) of model_config.yaml and a torch.save zip, laid out as NeMo's save_to writes them.
Nothing here is ever loaded: yaml.load/OmegaConf/hydra.utils.instantiate of the malicious ones would run `echo pwned`.
"""
import io
import json
import os
import tarfile
from collections import OrderedDict

import torch
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def nemo_config(preprocessor_target):
    return {
        "target": "nemo.collections.asr.models.ctc_models.EncDecCTCModel",
        "sample_rate": 16000,
        "preprocessor": {
            "_target_": preprocessor_target,
            "sample_rate": 16000,
            "window_size": 0.025,
        },
        "encoder": {
            "_target_": "nemo.collections.asr.modules.ConvASREncoder",
            "feat_in": 64,
            "jasper": [{"filters": 256, "repeat": 1, "kernel": [11], "stride": [1]}],
        },
        "optim": {"name": "novograd", "lr": 0.01},
    }


def nemo_tar(config):
    buf = io.BytesIO()
    torch.manual_seed(0)
    torch.save(OrderedDict(w=torch.zeros(2, 2)), buf)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.GNU_FORMAT) as tar:
        for name, data in (("./model_config.yaml", yaml.dump(config, sort_keys=False).encode()),
                           ("./model_weights.ckpt", buf.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
          "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
SSTI = "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}" + CHATML

if __name__ == "__main__":
    write("nemo_benign.nemo", nemo_tar(nemo_config("nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor")))
    # CVE-2025-23304: hydra.utils.instantiate(cfg.preprocessor) calls os.system('echo pwned')
    evil = nemo_config("os.system")
    evil["preprocessor"] = {"_target_": "os.system", "_args_": ["echo pwned"]}
    write("nemo_os_system.nemo", nemo_tar(evil))
    write("hydra_targets.yaml", yaml.dump({
        "model": {"_target_": "builtins.eval", "_args_": ["1+1"]},
        "callbacks": [{"_target_": "subprocess.Popen", "_partial_": True, "args": ["echo", "pwned"]},
                      {"_target_": "collections.OrderedDict"}],
        "loader": {"_target_": "my_project.data.Loader", "batch_size": 8},
        "dynamic": {"_target_": "${oc.env:TARGET}"},
    }, sort_keys=False))
    # PyYAML's own representer writes a function reference as a python/name tag.
    write("pyyaml_python_name.yaml", yaml.dump({"hook": os.system}))
    write("pyyaml_apply.yaml", "run: !!python/object/apply:os.system ['echo pwned']\n"
                               "local: !custom_tag {a: 1}\n")
    # The payload as an explicit mapping key ('? '), which yaml.load would construct (and so run) while building the
    # mapping. Checked with yaml.compose, which only builds nodes: the key node carries the python tag.
    explicit = "model:\n  ? !!python/object/apply:os.system ['echo pwned']\n  : x\n  lr: 0.001\n"
    key = yaml.compose(explicit).value[0][1].value[0][0]
    assert key.tag == "tag:yaml.org,2002:python/object/apply:os.system", key.tag
    write("explicit_key_apply.yaml", explicit)
    # An escaped key and a flow mapping: the key decodes to _target_ (PyYAML reads "\x67" as 'g').
    write("escaped_key.yaml", 'trainer:\n  callbacks: [{"_tar\\x67et_": "os.system", _args_: [echo pwned]}]\n')
    write("alias_bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
          + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                    f"*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)))
    write("config.json", json.dumps({
        "architectures": ["TinyModel"],
        "auto_map": {"AutoConfig": "configuration_tiny.TinyConfig", "AutoModel": "modeling_tiny.TinyModel",
                     "AutoModelForCausalLM": "someone/other-repo--modeling_other.OtherModel"},
        "hidden_size": 4, "model_type": "tiny", "torch_dtype": "float32",
    }, indent=2))
    write("tokenizer_config_clean.json", json.dumps({
        "bos_token": "<s>", "eos_token": "</s>", "model_max_length": 2048,
        "tokenizer_class": "LlamaTokenizer", "chat_template": CHATML}, indent=2))
    write("tokenizer_config_ssti.json", json.dumps({
        "tokenizer_class": "LlamaTokenizer",
        "chat_template": [{"name": "default", "template": CHATML}, {"name": "tool_use", "template": SSTI}]},
        indent=2))
