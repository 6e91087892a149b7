package dev.modelscan.robustness.dos;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** JSON nested 200,000 deep where each format reads JSON: a recursive parser overflows its stack. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class DeepJsonDosTest {

  private static final int DEPTH = 200_000;

  private static String nested(String open, String close) {
    return open.repeat(DEPTH) + close.repeat(DEPTH);
  }

  @Test
  @RequiresScanner("keras-config")
  void aKerasConfigNested200000DeepStopsAtTheJsonDepthLimit() {
    String json =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
            + nested("[", "]")
            + "]}, \"keras_version\": \"2.15.0\", \"backend\": \"tensorflow\"}";
    FileResult r = Scans.DEFAULT.scanBytes(json.getBytes(StandardCharsets.US_ASCII), "config.json");
    Dos.assertPartialWithFinding(r, "Keras config nested " + DEPTH + " deep");
  }

  @Test
  @RequiresScanner("keras-config")
  void nestedObjectsInAKerasConfigStopAtTheJsonDepthLimit() {
    String json =
        "{\"class_name\": \"Functional\", \"config\": "
            + "{\"a\": ".repeat(DEPTH)
            + "1"
            + "}".repeat(DEPTH)
            + ", \"keras_version\": \"3.0.0\"}";
    FileResult r = Scans.DEFAULT.scanBytes(json.getBytes(StandardCharsets.US_ASCII), "config.json");
    Dos.assertPartialWithFinding(r, "Keras config with objects nested " + DEPTH + " deep");
  }

  @Test
  @RequiresScanner("safetensors")
  void aSafeTensorsHeaderNested200000DeepIsRefused() {
    byte[] header =
        ("{\"__metadata__\": {\"format\": \"pt\"}, \"w\": " + nested("[", "]") + "}")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] content =
        ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header)
            .array();
    FileResult r = Scans.DEFAULT.scanBytes(content, "model.safetensors");
    Dos.assertPartialWithFinding(r, "SafeTensors header nested " + DEPTH + " deep");
  }

  /** A notebook-like document: whatever claims it (text, or a notebook scanner later) must not crash. */
  @Test
  void anIpynbLikeDocumentNested200000DeepGivesASaneResult() {
    String json = "{\"cells\": [{\"cell_type\": \"code\", \"source\": " + nested("[", "]") + "}], \"nbformat\": 4}";
    FileResult r = Scans.DEFAULT.scanBytes(json.getBytes(StandardCharsets.US_ASCII), "notebook.ipynb");
    Scans.assertSane(r, "ipynb nested " + DEPTH + " deep");
  }
}
