/**
 * Python source as code: a bounded, linear tokenizer for the Python subset that model repositories and TorchScript
 * archives carry, the resolution of import aliases and string-built names, and the scanner that reports what the code
 * can do (commands, evaluation, native code, run-time imports, files, network, unsafe loaders).
 *
 * <p>Internal to the module: the scanner is found by {@link java.util.ServiceLoader}. Nothing is ever compiled,
 * imported or run.
 */
package dev.modelscan.pickle.python;
