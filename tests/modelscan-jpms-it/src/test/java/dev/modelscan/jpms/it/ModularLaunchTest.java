package dev.modelscan.jpms.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI launched as a modular application, {@code java -p <runtime dependencies> -m dev.modelscan.cli/...}, in a
 * JVM of its own with no class path: exactly what a user who puts our jars on the module path gets. In the test JVM,
 * Surefire puts the jars that no module requires (SLF4J, for one) on the class path, where every automatic module
 * can read them; that hides a library that an automatic module (jHDF) needs but cannot declare. Here it would show
 * as a NoClassDefFoundError and a failed file. It also checks service binding at launch (no format module is
 * required by anyone) and picocli's reflective access to the command package.
 */
class ModularLaunchTest {

  private static final Set<String> BUILT_IN_SCANNERS =
      Set.of(
          "text", "zip", "tar", "7z", "compressed-stream", "executable",
          "pickle", "numpy", "python-source", "config",
          "safetensors", "safetensors-index",
          "hdf5", "keras-config",
          "onnx",
          "gguf",
          "tf-savedmodel", "tflite", "tf-keras-metadata",
          "sentencepiece", "jinja-template",
          "flax-msgpack",
          "png", "jpeg", "gif", "riff", "bmp", "tiff", "pdf", "svg", "csv", "json", "yaml");

  /** Exit code and merged stdout/stderr of one CLI run. */
  private record Run(int exitCode, String output) {}

  @Test
  void serviceBindingFindsEveryScannerAtLaunch() throws Exception {
    Run run = cli("--list-scanners");

    assertThat(run.exitCode()).as(run.output()).isZero();
    Set<String> names =
        run.output()
            .lines()
            .skip(1) // the header
            .filter(l -> !l.isBlank())
            .map(l -> l.split("\\s+")[0])
            .collect(Collectors.toSet());
    assertThat(names).isEqualTo(BUILT_IN_SCANNERS);
  }

  @Test
  void hostileModelsAreFoundAndNothingFails(@TempDir Path dir) throws Exception {
    Path h5 = dir.resolve("model.h5");
    try (InputStream in = ModularLaunchTest.class.getResourceAsStream("/fixtures/lambda_sequential.h5")) {
      assertThat(in).as("fixture").isNotNull();
      Files.write(h5, in.readAllBytes());
    }
    // Protocol 0, written opcode by opcode: GLOBAL os.system, a string argument, REDUCE. Never unpickled. Gzipped,
    // so that commons-compress (read by core) decodes it before the pickle module sees it.
    byte[] pickle = "cos\nsystem\n(S'echo pwned'\ntR.".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(pickle);
    }
    Path pkl = dir.resolve("model.pkl.gz");
    Files.write(pkl, gz.toByteArray());

    Run run = cli("scan", "--no-color", "--no-progress", h5.toString(), pkl.toString());

    assertThat(run.output()).doesNotContain("NoClassDefFoundError", "scan failed");
    assertThat(run.output())
        .contains("KERAS-LAMBDA", "PICKLE-DANGEROUS-GLOBAL", "Scanned 2 of 2 files (0 partial, 0 skipped, 0 failed)");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1); // findings at or above the threshold
  }

  private static Run cli(String... args) throws IOException, InterruptedException {
    // The runtime dependencies as Maven resolved them (see the POM): jars, or target/classes folders in a reactor
    // build that stops before package. Not the test's own class path, which also holds JUnit and AssertJ.
    String modulePath = System.getProperty("jpms.it.runtime.path", "");
    assertThat(modulePath).as("jpms.it.runtime.path, set by the POM").isNotBlank();
    assertThat(modulePath.split(File.pathSeparator)).allMatch(p -> Files.exists(Path.of(p)));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-p", modulePath, "-m", "dev.modelscan.cli/dev.modelscan.cli.Main"));
    command.addAll(List.of(args));
    // Output to a file, not a pipe, so that a hung CLI cannot block the test past the timeout.
    Path log = Files.createTempFile("modelscan-cli", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().remove("CLASSPATH");
      Process p = pb.start();
      p.getOutputStream().close();
      boolean finished = p.waitFor(120, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (!finished) {
        throw new AssertionError("the CLI did not finish within 120 s: " + output);
      }
      return new Run(p.exitValue(), output);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
