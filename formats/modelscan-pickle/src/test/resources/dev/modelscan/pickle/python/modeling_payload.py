"""Repository code that runs commands when imported. Fixture: never imported or run; payloads are harmless."""
import subprocess as sp
import torch
from os import system as run_it
from importlib import import_module

ｅｖａｌ("1+1")
run_it("echo pwned")
sp.run(["echo", "pwned"])
getattr(__import__("builtins"), "exec")("1+1")
__import__("os").popen("echo pwned")
import_module("socket").create_connection(("localhost", 1))
handler = f"{__import__('shutil').rmtree}"
