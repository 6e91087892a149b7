/**
 * Scanner for GGUF files (llama.cpp and the ggml ecosystem): header, metadata and tensor-info validation, and the
 * analysis of Jinja2 chat templates for sandbox escapes. Not API: use it through the scanner registry.
 */
package dev.modelscan.gguf;
