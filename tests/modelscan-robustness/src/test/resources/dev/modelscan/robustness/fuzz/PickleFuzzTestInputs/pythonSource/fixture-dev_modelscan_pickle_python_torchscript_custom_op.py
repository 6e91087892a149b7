class Custom(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.Custom,
    x: Tensor) -> Tensor:
    _0 = ops.my_vendor.fast_gelu(x)
    _1 = ops.torchvision.nms(x, x, 0.5)
    _2 = ops.prim.rpc_sync("worker1", "echo")
    _3 = torch.ops.aten.save(x, "/tmp/x")
    return torch.add(_0, _1)
