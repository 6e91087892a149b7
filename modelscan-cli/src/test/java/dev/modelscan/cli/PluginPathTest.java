package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party scanner that the CLI has never seen, compiled into a jar while the test runs, loaded with {@code
 * --plugin-path}, {@value PluginPath#ENV} and the installation's {@code plugins/} folder.
 */
class PluginPathTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** A scanner for files that start with {@code PLUG!}: one HIGH finding per line {@code run ...}. */
  private static final String SOURCE =
      """
      package com.example.plug;

      import dev.modelscan.api.Rule;
      import dev.modelscan.api.Severity;
      import dev.modelscan.api.ThreatType;
      import dev.modelscan.api.spi.*;
      import java.nio.charset.StandardCharsets;
      import java.util.List;

      public final class PlugScanner implements ModelScanner {
        static final Rule RUN = Rule.of("PLUG-RUN", "Plug run", "A plug command.", Severity.HIGH,
            ThreatType.CODE_INJECTION);

        public ScannerDescriptor descriptor() {
          return ScannerDescriptor.of("plug", "2.5", "plug format", List.of("plug"), List.of("plug"));
        }

        public Recognition recognize(ContentHead head) {
          return head.startsWith("PLUG!".getBytes(StandardCharsets.US_ASCII))
              ? Recognition.of("plug", Recognition.CERTAIN) : Recognition.none();
        }

        public void scan(ScanContext ctx) throws java.io.IOException {
          String text = new String(ctx.source().readBytes(0, (int) ctx.source().size()), StandardCharsets.US_ASCII);
          long offset = 0;
          for (String line : text.split("\\n", -1)) {
            if (line.startsWith("run ")) {
              ctx.report(ctx.finding(RUN).offset(offset).message("would run " + line).build());
            }
            offset += line.length() + 1;
          }
        }

        public List<Rule> rules() {
          return List.of(RUN);
        }
      }
      """;

  /** Compiles {@link #SOURCE} against the test's class path and packs it with its service file. */
  static Path pluginJar(Path folder) throws IOException {
    Path src = folder.resolve("src/com/example/plug/PlugScanner.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, SOURCE);
    Path classes = Files.createDirectories(folder.resolve("classes"));
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    StringWriter log = new StringWriter();
    int rc =
        javac.run(new PrintWriter(log), new PrintWriter(log),
            "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "--release", "17",
            src.toString());
    assertThat(rc).as("javac " + log).isZero();
    Path jar = folder.resolve("plug-scanner.jar");
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
      j.putNextEntry(new JarEntry("com/example/plug/PlugScanner.class"));
      j.write(Files.readAllBytes(classes.resolve("com/example/plug/PlugScanner.class")));
      j.putNextEntry(new JarEntry("META-INF/services/dev.modelscan.api.spi.ModelScanner"));
      j.write("com.example.plug.PlugScanner\n".getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }

  private Path model() throws IOException {
    return Files.writeString(dir.resolve("model.plug"), "PLUG!\nrun echo hi\n");
  }

  @Test
  void withoutThePluginTheFormatIsUnknown() throws IOException {
    assertThat(run("scan", "--no-progress", model().toString())).isEqualTo(3);
  }

  @Test
  void aPluginJarOnThePluginPathScansAndReports() throws IOException {
    Path jar = pluginJar(Files.createDirectory(dir.resolve("build")));
    assertThat(run("scan", "--no-progress", "--plugin-path", jar.toString(), model().toString()))
        .as(err.toString())
        .isEqualTo(1);
    assertThat(out.toString()).contains("PLUG-RUN", "would run run echo hi", "Verdict: UNSAFE");
  }

  @Test
  void aFolderOfJarsIsLoadedToo() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("plugins"));
    pluginJar(Files.createDirectory(dir.resolve("build")));
    Files.copy(dir.resolve("build/plug-scanner.jar"), folder.resolve("plug-scanner.jar"));
    assertThat(run("scan", "--no-progress", "--plugin-path", folder.toString(), model().toString())).isEqualTo(1);
    assertThat(out.toString()).contains("PLUG-RUN");
  }

  @Test
  void listScannersNamesWherePluginsCameFrom() throws IOException {
    Path jar = pluginJar(Files.createDirectory(dir.resolve("build")));
    assertThat(run("--list-scanners", "--plugin-path", jar.toString())).isEqualTo(0);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("SCANNER").contains("VERSION", "FORMATS", "EXTENSIONS", "FROM");
    String plug = lines.stream().filter(l -> l.startsWith("plug ")).findFirst().orElseThrow();
    assertThat(plug).contains("2.5.0", "plug").endsWith(jar.toString());
    String toy = lines.stream().filter(l -> l.startsWith("toy ")).findFirst().orElseThrow();
    assertThat(toy).endsWith("built-in").contains("1.0.0");
    // Aligned: every column starts at the same place on every line.
    int from = lines.get(0).indexOf("FROM");
    assertThat(plug.indexOf(jar.toString())).isEqualTo(from);
    assertThat(toy.indexOf("built-in")).isEqualTo(from);
    // Only formats that are decoded: zstd and RAR are recognised (reported as not scanned), not decoded.
    String streams = lines.stream().filter(l -> l.startsWith("compressed-stream ")).findFirst().orElseThrow();
    assertThat(streams.substring(lines.get(0).indexOf("FORMATS"), lines.get(0).indexOf("EXTENSIONS")))
        .contains("gzip", "lz4")
        .doesNotContain("zstd", "rar");
    // The scan command accepts it too.
    out.getBuffer().setLength(0);
    assertThat(run("scan", "--list-scanners", "--plugin-path", jar.toString())).isEqualTo(0);
    assertThat(out.toString()).contains(jar.toString());
  }

  @Test
  void aMissingPluginEntryIsAUsageError() {
    assertThat(run("scan", "--plugin-path", dir.resolve("nope.jar").toString(), dir.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("--plugin-path", "nope.jar", "no such jar or folder");
  }

  @Test
  void theEnvironmentAndTheInstallationFolderAddJars() throws IOException {
    Path jar = pluginJar(Files.createDirectory(dir.resolve("build")));
    Path home = Files.createDirectory(dir.resolve("home"));
    Path plugins = Files.createDirectory(home.resolve("plugins"));
    Path installed = Files.copy(jar, plugins.resolve("installed.jar"));
    Path other = Files.createDirectory(dir.resolve("other"));
    String env = File.pathSeparator + jar + File.pathSeparator + " " + File.pathSeparator;
    try (PluginPath p = PluginPath.resolve(List.of(other), env, home)) {
      assertThat(p.jars()).containsExactly(jar.toAbsolutePath(), installed.toAbsolutePath());
    }
    assertThatThrownBy(() -> PluginPath.resolve(List.of(), dir.resolve("gone").toString(), null))
        .hasMessageContaining(PluginPath.ENV);
    // A home without plugins/ is fine: the folder is optional.
    try (PluginPath p = PluginPath.resolve(List.of(), null, dir)) {
      assertThat(p.jars()).isEmpty();
    }
  }

  @Test
  void theEnvironmentVariableWorksForARealProcess() throws Exception {
    Path jar = pluginJar(Files.createDirectory(dir.resolve("build")));
    Path report = dir.resolve("out.txt");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "scan",
                    "--no-progress", model().toString()))
            .redirectErrorStream(true)
            .redirectOutput(report.toFile());
    Map<String, String> env = pb.environment();
    env.put(PluginPath.ENV, jar.toString());
    Process p = pb.start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(report)).isEqualTo(1);
    assertThat(Files.readString(report)).contains("PLUG-RUN");
  }
}
