/**
 * Scanners for tokenizer files that model directories ship beside the weights: SentencePiece models ({@code
 * tokenizer.model}, {@code spiece.model}, {@code sentencepiece.bpe.model}), recognised by content and validated by a
 * bounded protobuf walk. Not API: use them through the scanner registry.
 */
package dev.modelscan.tokenizers;
