/**
 * Scanners for tokenizer files that model directories ship beside the weights: SentencePiece models ({@code
 * tokenizer.model}, {@code spiece.model}, {@code sentencepiece.bpe.model}), recognised by content and validated by a
 * bounded protobuf walk, and standalone Jinja2 chat-template files ({@code chat_template.jinja}, {@code *.j2}, ...),
 * analysed for sandbox escapes by the shared {@code dev.modelscan.jinja} analyser. Not API: use them through the
 * scanner registry.
 */
package dev.modelscan.tokenizers;
