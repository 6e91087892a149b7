# coding=utf-8
"""A custom modelling file as Hugging Face repositories ship them (auto_map names it). Fixture: never imported."""
import math
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PretrainedConfig, PreTrainedModel
from transformers.utils import logging

from .configuration_tiny import TinyConfig

logger = logging.get_logger(__name__)


class TinyAttention(nn.Module):
    def __init__(self, config: TinyConfig):
        super().__init__()
        self.scale = 1.0 / math.sqrt(config.hidden_size)
        self.qkv = nn.Linear(config.hidden_size, 3 * config.hidden_size)
        # The model's eval() and compile flags are attributes, not builtins.
        self.eval_mode = getattr(config, "eval_mode", False)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor]:
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        w = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if mask is not None:
            w = w + mask
        return (torch.matmul(F.softmax(w, dim=-1), v),)


class TinyModel(PreTrainedModel):
    config_class = TinyConfig

    def __init__(self, config):
        super().__init__(config)
        self.attn = TinyAttention(config)
        self.model = nn.Identity()
        self.model.eval()
        logger.info(f"built {type(self).__name__} with {config.hidden_size} units")

    def forward(self, x):
        """Docstrings may say eval(), os.system('x') or exec without being code."""
        text = "call open('file') and __import__('os') in a string"
        return self.attn(x)[0]
