package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 items 1 and 3 through the command: standard input, pipes, FIFOs, devices and kernel files are read or
 * refused, never "clean" unread, never a hang; JVM errors end with a status and exit 2, never exit 1 with no report.
 */
// A separate thread: a FIFO open blocks in native code, which no interrupt ends; the test must fail, not hang.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailClosedInputTest {

  private static final Path EVIL = Path.of("..", "samples", "malicious", "os_system.pkl");

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private int runWithStdin(byte[] stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin));
    try {
      return run(args);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void aMaliciousPickleOnStandardInputIsScannedUnderItsOwnName() throws IOException {
    int code = runWithStdin(Files.readAllBytes(EVIL), "scan", "--no-progress", "-");
    assertThat(code).as(out + "\n" + err).isEqualTo(1);
    assertThat(out.toString()).contains("<stdin>", "os.system", "Verdict: UNSAFE");
  }

  @Test
  void standardInputIsReportedBesideThePaths() throws IOException {
    Path clean = Path.of("..", "samples", "clean", "embedding.npy");
    int code = runWithStdin(Files.readAllBytes(EVIL), "scan", "--no-progress", "-f", "json", clean.toString(), "-");
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("\"<stdin>\"", "embedding.npy");
  }

  @Test
  void emptyStandardInputIsNotAModel() {
    int code = runWithStdin(new byte[0], "scan", "--no-progress", "-");
    assertThat(code).isNotIn(0, 1);
  }

  @Test
  void standardInputCanBeGivenOnlyOnce() {
    assertThat(runWithStdin(new byte[0], "scan", "-", "-")).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("only once");
  }

  /** Runs the packaged-classes command in a child JVM, as a shell would, with {@code input} piped to its stdin. */
  private static Result child(byte[] input, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (OutputStream stdin = p.getOutputStream()) {
      if (input != null) {
        stdin.write(input);
      }
    }
    byte[] output = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private record Result(int code, String output) {}

  @Test
  void devStdinFromAPipeIsReadNotTakenAsEmpty() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/stdin")), "no /dev/stdin");
    Result r = child(Files.readAllBytes(EVIL), "scan", "--no-progress", "/dev/stdin");
    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("os.system", "Verdict: UNSAFE");
  }

  private Path fifo() throws IOException, InterruptedException {
    Path f = dir.resolve("model.pkl");
    Process p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
    return f;
  }

  @Test
  void aFifoWithNoWriterReturnsWithAStatusInsteadOfHanging() throws Exception {
    Path f = fifo();
    int code = run("scan", "--no-progress", f.toString());
    assertThat(code).isNotIn(0, 1);
    assertThat(out.toString()).contains("failed", "FIFO", "nothing was read");
  }

  @Test
  void aFifoWithAWriterIsScanned() throws Exception {
    Path f = fifo();
    byte[] evil = Files.readAllBytes(EVIL);
    Thread writer =
        new Thread(
            () -> {
              try {
                Files.write(f, evil);
              } catch (IOException ignored) {
                // the assertion below reports it
              }
            });
    writer.setDaemon(true);
    writer.start();
    assertThat(run("scan", "--no-progress", f.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("os.system");
  }

  @Test
  void aDeviceIsRefusedAndNotClean() {
    assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero");
    int code = run("scan", "--no-progress", "/dev/zero");
    assertThat(code).isNotIn(0, 1);
    assertThat(out.toString()).contains("/dev/zero", "a device", "nothing was read");
  }

  @Test
  void aKernelFileIsReadForItsContentNotTakenAsEmpty() {
    Path status = Path.of("/proc/self/status");
    assumeTrue(Files.isReadable(status), "no procfs");
    run("scan", "--no-progress", "-v", "-f", "json", status.toString());
    assertThat(out.toString()).doesNotContain("\"format\" : \"empty\"", "\"format\":\"empty\"");
    assertThat(out.toString()).doesNotContain("\"size\" : 0,", "\"size\":0,");
  }

  @Test
  void anErrorInOneFilesScanFailsThatFileAndTheReportIsStillWritten() throws IOException {
    Files.writeString(dir.resolve("a.bin"), "FLT!internal");
    Files.writeString(dir.resolve("b.toy"), "TOY!\nexec echo hi\n");
    Path report = dir.resolve("report.json");
    int code = run("scan", "--no-progress", "-f", "json", "-o", report.toString(), dir.toString());
    assertThat(code).isEqualTo(1); // b.toy's finding still counts
    assertThat(Files.readString(report)).contains("InternalError", "FAILED", "TOY-EXEC");
  }

  @Test
  void anErrorInTheOnlyFileIsNotExitOne() throws IOException {
    Path f = Files.writeString(dir.resolve("a.bin"), "FLT!internal");
    int code = run("scan", "--no-progress", f.toString());
    assertThat(code).isNotIn(0, 1);
    assertThat(out.toString()).contains("failed", "InternalError");
  }

  @Test
  void aWholeProcessOutOfMemoryExitsTwoWithAMessage() throws IOException {
    Path f = Files.writeString(dir.resolve("m.toy"), "TOY!\n");
    System.setProperty(FaultScanner.RULES_OOM, "true");
    try {
      assertThat(run("scan", "--no-progress", "-f", "sarif", f.toString())).isEqualTo(2);
    } finally {
      System.clearProperty(FaultScanner.RULES_OOM);
    }
    assertThat(err.toString()).contains("OutOfMemoryError", "-Xmx");
  }
}
