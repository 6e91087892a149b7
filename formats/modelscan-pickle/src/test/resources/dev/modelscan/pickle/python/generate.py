#!/usr/bin/python3
"""Regenerates the TorchScript fixtures of the Python source scanner.

Run with the system Python that has torch installed:  /usr/bin/python3 generate.py   (written with torch 1.13.1)
Both archives are written by the real torch.jit.script + torch.jit.save. Nothing here ever loads them: the
malicious one would write /tmp files at torch.jit.load (its scripted __setstate__ runs while loading).
The loose .py fixtures next to this script are hand-written text; they are never imported or run.
"""
import io
import os
from typing import Tuple

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def save(module, name):
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buf)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(buf.getvalue())


class Clean(torch.nn.Module):
    """An ordinary scripted module: a linear layer, an activation, a buffer and a helper method."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 2)
        self.register_buffer("scale", torch.ones(2))

    def forward(self, x):
        y = torch.relu(self.linear(x)) * self.scale
        print("shape", y.shape)  # prim::Print is harmless
        return self.helper(y)

    def helper(self, y: torch.Tensor) -> torch.Tensor:
        return torch.cat([y, y.flip(0)], dim=0).sum(dim=0)


class FileWriter(torch.nn.Module):
    """A scripted __setstate__ that maps a file with shared=True (writes it) and saves a tensor: runs at load."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(2))

    def forward(self, x):
        return x + 1

    @torch.jit.export
    def __getstate__(self):
        return (self.w, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, bool]):
        t = torch.from_file("/tmp/modelscan_fixture_pwned.bin", shared=True, size=16)
        t.fill_(1)
        torch.save(t, "/tmp/modelscan_fixture_saved.pt")
        self.w = state[0]
        self.training = state[1]


class ForwardWriter(torch.nn.Module):
    """The same file write in forward(): runs on the first call after loading."""

    def forward(self, x):
        t = torch.from_file("/tmp/modelscan_fixture_fw.bin", True, 4)
        return x + t


if __name__ == "__main__":
    torch.manual_seed(0)
    save(Clean(), "torchscript_clean.pt")
    save(FileWriter(), "torchscript_setstate_from_file.pt")
    save(ForwardWriter(), "torchscript_forward_from_file.pt")
