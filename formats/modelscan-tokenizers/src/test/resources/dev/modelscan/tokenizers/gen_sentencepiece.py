#!/usr/bin/python3
"""Regenerates the SentencePiece fixtures with the real trainer (python3-sentencepiece 0.1.97, Debian).

    cd formats/modelscan-tokenizers/src/test/resources/dev/modelscan/tokenizers && /usr/bin/python3 gen_sentencepiece.py

unigram.model: unigram, 64 pieces, a user-defined symbol "<sep>".
bpe.model: BPE with byte_fallback, 340 pieces: vocab_size counts the 256 BYTE pieces <0x00>..<0xFF>, so it is
raised above 259 to leave room for some learned pieces (81 NORMAL ones).
Both use the "identity" normalizer so that no 240 KB nmt_nfkc charsmap is embedded. The models are only written
here; nothing loads them back.
"""
import io
import os

import sentencepiece as spm

TEXT = """The quick brown fox jumps over the lazy dog.
A model directory holds a config, weights and a tokenizer.
Tokenizers split text into pieces; pieces map to ids.
Scanners read files without running them.
She sells sea shells by the sea shore.
Peter Piper picked a peck of pickled peppers.
How much wood would a woodchuck chuck if a woodchuck could chuck wood?
Numbers 0 1 2 3 4 5 6 7 8 9 and accents: café, naïve, über, señor.
""" * 20


def train(name, **kwargs):
    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXT.splitlines()),
        model_writer=out,
        normalization_rule_name="identity",
        minloglevel=2,
        **kwargs)
    with open(name, "wb") as f:
        f.write(out.getvalue())
    print(name, len(out.getvalue()), "bytes")


here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
train("unigram.model", model_type="unigram", vocab_size=64, user_defined_symbols=["<sep>"])
train("bpe.model", model_type="bpe", vocab_size=340, byte_fallback=True)
