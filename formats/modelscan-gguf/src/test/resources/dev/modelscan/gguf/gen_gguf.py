#!/usr/bin/python3
"""Writes the GGUF test fixtures byte by byte (no gguf package is needed or used).

Run from this directory: /usr/bin/python3 gen_gguf.py
Layout (ggml docs/gguf.md): magic, u32 version, u64 tensor_count, u64 kv_count, key/values, tensor infos,
padding to general.alignment, tensor data. Payloads in the malicious templates are harmless (echo pwned).
"""
import struct

UINT32, FLOAT32, BOOL, STRING, ARRAY = 4, 6, 7, 8, 9


def s(text, end="<"):
    b = text.encode("utf-8")
    return struct.pack(end + "Q", len(b)) + b


def kv(key, vtype, payload, end="<"):
    return s(key, end) + struct.pack(end + "I", vtype) + payload


def kv_str(key, value, end="<"):
    return kv(key, STRING, s(value, end), end)


def kv_u32(key, value, end="<"):
    return kv(key, UINT32, struct.pack(end + "I", value), end)


def kv_str_array(key, values, end="<"):
    return kv(key, ARRAY, struct.pack(end + "IQ", STRING, len(values)) + b"".join(s(v, end) for v in values), end)


def kv_f32_array(key, values, end="<"):
    return kv(key, ARRAY, struct.pack(end + "IQ", FLOAT32, len(values)) + struct.pack(end + "%df" % len(values), *values), end)


def tensor_info(name, dims, ggml_type, offset, end="<"):
    return s(name, end) + struct.pack(end + "I", len(dims)) + b"".join(struct.pack(end + "Q", d) for d in dims) \
        + struct.pack(end + "IQ", ggml_type, offset)


def gguf(kvs, tensors=(), data=b"", alignment=32, end="<", version=3):
    head = b"GGUF" + struct.pack(end + "IQQ", version, len(tensors), len(kvs))
    body = head + b"".join(kvs) + b"".join(tensors)
    pad = (-len(body)) % alignment
    return body + b"\0" * pad + data


CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>'"
    " + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)
TOOL_USE = (
    "{#- tool use: counters in a namespace, as Qwen and Llama 3.1 templates do -#}"
    "{%- set ns = namespace(first=true, count=0) -%}{%- for message in messages -%}"
    "{%- if message.role == 'tool' -%}{{ '<tool_response>\\n' ~ message.content | tojson ~ '\\n</tool_response>' }}"
    "{%- set ns.count = ns.count + 1 -%}{%- else -%}{{ '<|' ~ message.role ~ '|>' ~ message.content | trim }}"
    "{%- endif -%}{%- endfor -%}{%- if add_generation_prompt -%}{{ '<|assistant|>' }}{%- endif -%}"
)

BASE = [
    kv_str("general.architecture", "llama"),
    kv_str("general.name", "tiny test model"),
    kv_u32("general.alignment", 32),
    kv_str_array("tokenizer.ggml.tokens", ["<s>", "</s>", "hello", "world"]),
    kv_f32_array("tokenizer.ggml.scores", [0.0, 0.0, -1.5, -2.5]),
]


def tensors_ok():
    # two F32 tensors: 4 elements (16 bytes) at 0, 2x4 (32 bytes) at 32
    infos = [tensor_info("tok_embd.weight", [4], 0, 0), tensor_info("output.weight", [4, 2], 0, 32)]
    data = struct.pack("<4f", 1, 2, 3, 4) + b"\0" * 16 + struct.pack("<8f", *range(8))
    return infos, data


def write(name, content):
    with open(name, "wb") as f:
        f.write(content)


infos, data = tensors_ok()
write("clean.gguf", gguf(BASE + [kv_str("tokenizer.chat_template", CHATML),
                                 kv_str("tokenizer.chat_template.llama2", LLAMA2),
                                 kv_str("tokenizer.chat_template.tool_use", TOOL_USE)], infos, data))

# big-endian GGUF (as written by gguf-py for s390x): same content, every number big-endian.
be_infos = [tensor_info("tok_embd.weight", [4], 0, 0, ">")]
write("clean_big_endian.gguf", gguf([kv_str("general.architecture", "llama", ">"),
                                     kv_str("tokenizer.chat_template", CHATML, ">")], be_infos,
                                    struct.pack(">4f", 1, 2, 3, 4), end=">"))

# CVE-2024-34359 style payload: cycler globals -> os.popen.
SSTI = ("{% for message in messages %}{{ message['content'] }}{% endfor %}"
        "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}")
write("template_ssti.gguf", gguf(BASE + [kv_str("tokenizer.chat_template", SSTI)], infos, data))

# Obfuscated: the dunder names are built by string concatenation and reached with |attr.
OBF = ("{% set c = '__cla' ~ 'ss__' %}{% set g = '__glo' ~ 'bals__' %}"
       "{{ (messages|attr(c))|attr('__mro__') }}{{ messages[0]['content'] }}")
write("template_concat.gguf", gguf(BASE + [kv_str("tokenizer.chat_template", OBF)], infos, data))

# Obfuscated with escapes: \x5f is an underscore; only the unescaped string is dangerous.
ESC = "{{ messages|attr('\\x5f\\x5fclass\\x5f\\x5f') }}{{ messages[0].content }}"
write("template_escaped.gguf", gguf(BASE + [kv_str("tokenizer.chat_template", ESC)], infos, data))

# A benign default template and a malicious named one, plus a duplicated key: every template is analysed.
write("template_named_and_duplicate.gguf", gguf(BASE + [
    kv_str("tokenizer.chat_template", CHATML),
    kv_str("tokenizer.chat_template.rag", "{{ lipsum.__globals__['os'].popen('echo pwned').read() }}"),
    kv_str("tokenizer.chat_template", "{{ self._TemplateReference__context.cycler.__init__.__globals__ }}"),
], infos, data))

# Tensor table with every sanity problem: unknown type, too many dims, overflowing element count,
# misaligned offset, data past the end, duplicate name, block-size mismatch.
bad = [
    tensor_info("a", [4], 0, 0),
    tensor_info("a", [4], 0, 32),                       # duplicate name
    tensor_info("b", [4], 99, 64),                      # unknown ggml type
    tensor_info("c", [2, 2, 2, 2, 2], 0, 96),           # five dimensions
    tensor_info("d", [1 << 40, 1 << 40], 0, 128),       # element count overflows
    tensor_info("e", [4], 0, 7),                        # misaligned
    tensor_info("f", [1 << 20], 0, 160),                # data beyond the end of the file
    tensor_info("g", [33], 2, 192),                     # Q4_0 needs multiples of 32
]
write("bad_tensors.gguf", gguf(BASE + [kv_str("tokenizer.chat_template", CHATML)], bad, b"\0" * 256))

# Malformed metadata that loaders still parse: boolean 7, alignment 12.
write("bad_metadata.gguf", gguf([
    kv_str("general.architecture", "llama"),
    kv("general.flag", BOOL, b"\x07"),
    kv_u32("general.alignment", 12),
], [], b""))
