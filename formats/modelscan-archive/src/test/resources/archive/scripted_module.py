"""A tiny TorchScript module for the torchscript.pt fixture (make_zip_fixtures.py compiles it with torch.jit)."""
import torch


class AddOne(torch.nn.Module):
    def forward(self, x):
        return x + 1
