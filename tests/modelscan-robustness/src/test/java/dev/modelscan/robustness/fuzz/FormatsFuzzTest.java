package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelscan.robustness.RequiresScanner;

/**
 * Fuzz targets for the ONNX, GGUF, TensorFlow, SentencePiece, Flax msgpack and Jinja template parsers. In a plain
 * build they replay the seeds under
 * {@code src/test/resources/dev/modelscan/robustness/fuzz/FormatsFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (see the module README).
 */
class FormatsFuzzTest {
  /**
   * Fuzzes the onnx scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("onnx")
  void onnx(byte[] data) {
    FuzzHarness.scan("onnx", data, "model.onnx");
  }

  /**
   * Fuzzes the gguf scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("gguf")
  void gguf(byte[] data) {
    FuzzHarness.scan("gguf", data, "model.gguf");
  }

  /**
   * Fuzzes the tflite scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("tflite")
  void tflite(byte[] data) {
    FuzzHarness.scan("tflite", data, "model.tflite");
  }

  /**
   * Fuzzes the tf-savedmodel scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("tf-savedmodel")
  void tfSavedModel(byte[] data) {
    FuzzHarness.scan("tf-savedmodel", data, "saved_model.pb");
  }

  /**
   * Fuzzes the tf-keras-metadata scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("tf-keras-metadata")
  void tfKerasMetadata(byte[] data) {
    FuzzHarness.scan("tf-keras-metadata", data, "keras_metadata.pb");
  }

  /**
   * Fuzzes the sentencepiece scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("sentencepiece")
  void sentencepiece(byte[] data) {
    FuzzHarness.scan("sentencepiece", data, "tokenizer.model");
  }

  /**
   * Fuzzes the flax-msgpack scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("flax-msgpack")
  void flaxMsgpack(byte[] data) {
    FuzzHarness.scan("flax-msgpack", data, "flax_model.msgpack");
  }

  /**
   * Fuzzes the jinja-template scanner (and through it the shared template analyser).
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("jinja-template")
  void jinjaTemplate(byte[] data) {
    FuzzHarness.scan("jinja-template", data, "chat_template.jinja");
  }
}
