package dev.modelscan.robustness.fuzz;

import java.util.Map;

/** The scanners that have a fuzz target, and the target method for each. */
final class FuzzTargets {

  /** How long one target fuzzes when {@code JAZZER_FUZZ=1}; override with {@code -Djazzer.max_duration}. */
  static final String MAX_DURATION = "2m";

  /** Scanner name to {@code Class#method} of its fuzz target. */
  static final Map<String, String> BY_SCANNER =
      Map.ofEntries(
          Map.entry("pickle", "PickleFuzzTest#pickle"),
          Map.entry("numpy", "PickleFuzzTest#numpy"),
          Map.entry("python-source", "PickleFuzzTest#pythonSource"),
          Map.entry("config", "PickleFuzzTest#configYaml"),
          Map.entry("zip", "ArchiveFuzzTest#zip"),
          Map.entry("tar", "ArchiveFuzzTest#tar"),
          Map.entry("7z", "ArchiveFuzzTest#sevenZip"),
          Map.entry("compressed-stream", "ArchiveFuzzTest#compressedStream"),
          Map.entry("executable", "ArchiveFuzzTest#executable"),
          Map.entry("safetensors", "SafetensorsFuzzTest#safetensors"),
          Map.entry("safetensors-index", "SafetensorsFuzzTest#safetensorsIndex"),
          Map.entry("hdf5", "H5FuzzTest#hdf5"),
          Map.entry("keras-config", "H5FuzzTest#kerasConfig"),
          Map.entry("onnx", "FormatsFuzzTest#onnx"),
          Map.entry("gguf", "FormatsFuzzTest#gguf"),
          Map.entry("tflite", "FormatsFuzzTest#tflite"),
          Map.entry("tf-savedmodel", "FormatsFuzzTest#tfSavedModel"),
          Map.entry("tf-keras-metadata", "FormatsFuzzTest#tfKerasMetadata"),
          Map.entry("sentencepiece", "FormatsFuzzTest#sentencepiece"),
          Map.entry("flax-msgpack", "FormatsFuzzTest#flaxMsgpack"),
          Map.entry("jinja-template", "FormatsFuzzTest#jinjaTemplate"),
          Map.entry("png", "MediaFuzzTest#png"),
          Map.entry("jpeg", "MediaFuzzTest#jpeg"),
          Map.entry("gif", "MediaFuzzTest#gif"),
          Map.entry("riff", "MediaFuzzTest#riff"),
          Map.entry("bmp", "MediaFuzzTest#bmp"),
          Map.entry("tiff", "MediaFuzzTest#tiff"),
          Map.entry("pdf", "MediaFuzzTest#pdf"),
          Map.entry("svg", "MediaFuzzTest#svg"),
          Map.entry("csv", "MediaFuzzTest#csv"),
          Map.entry("json", "MediaFuzzTest#json"),
          Map.entry("yaml", "MediaFuzzTest#yaml"),
          Map.entry("text", "EngineFuzzTest#engine"));

  private FuzzTargets() {}
}
