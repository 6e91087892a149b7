/**
 * Scanner for ONNX models: a bounded protobuf walk of {@code ModelProto} that checks external-data locations, custom
 * operator domains, Python operators and metadata, without reading tensor data. Not API: use it through the scanner
 * registry.
 */
package dev.modelscan.onnx;
