package dev.modelscan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.report.JsonReportWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on {@code local[2]} over a generated tree of a few thousand mixed files (clean and malicious pickles, zip
 * archives holding them, SafeTensors, text, junk, the repository's sample models, and one sparse multi-gigabyte
 * file): its rows must equal the CLI's JSON report of the same tree, file for file and finding for finding.
 */
class SparkScanTest {

  /** Files in the generated tree besides the samples and the sparse file. */
  private static final int GENERATED = 2_400;

  @TempDir static Path tmp;

  private static SparkSession spark;
  private static Path tree;

  @BeforeAll
  static void start() throws IOException {
    tree = Files.createDirectories(tmp.resolve("registry"));
    generate(tree);
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("modelscan-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.warehouse.dir", tmp.resolve("warehouse").toString())
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void rowsEqualTheCliJsonReportFileForFile() throws IOException {
    SparkModelScan.Tables t = SparkModelScan.of(ScanJobConfig.defaults()).scan(spark, List.of(tree.toString()));
    List<Row> files = t.files().collectAsList();
    List<Row> findings = t.findings().collectAsList();
    t.release();

    JsonNode report = cliJsonReport(tree);
    Map<String, JsonNode> expected = new TreeMap<>();
    for (JsonNode r : report.get("results")) {
      expected.put(r.get("path").asText(), r);
    }
    Map<String, Row> actual = new TreeMap<>();
    for (Row r : files) {
      actual.put(local(r.getAs("path")), r);
    }
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    assertThat(actual).hasSizeGreaterThan(GENERATED);

    Map<String, List<String>> actualFindings = new TreeMap<>();
    for (Row f : findings) {
      actualFindings
          .computeIfAbsent(local(f.getAs("path")), k -> new ArrayList<>())
          .add(finding(f.getAs("ruleId"), f.getAs("severity"), f.getAs("entry"), f.getAs("offset")));
    }
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      JsonNode want = e.getValue();
      Row got = actual.get(e.getKey());
      assertThat((String) got.getAs("format")).as(e.getKey()).isEqualTo(want.get("format").asText());
      assertThat((String) got.getAs("status")).as(e.getKey()).isEqualTo(want.get("status").asText());
      assertThat((long) got.getAs("size")).as(e.getKey()).isEqualTo(want.get("size").asLong());
      assertThat(reason(got.getAs("statusReason"))).as(e.getKey())
          .isEqualTo(want.get("statusReason").asText());
      List<String> wantFindings = new ArrayList<>();
      for (JsonNode f : want.get("findings")) {
        JsonNode loc = f.get("location");
        wantFindings.add(
            finding(f.get("ruleId").asText(), f.get("severity").asText(), loc.get("entry").asText(),
                loc.get("offset").asLong()));
      }
      assertThat(actualFindings.getOrDefault(e.getKey(), List.of()))
          .as(e.getKey())
          .containsExactlyInAnyOrderElementsOf(wantFindings);
      int total = (int) got.getAs("critical") + (int) got.getAs("high") + (int) got.getAs("medium")
          + (int) got.getAs("low");
      assertThat(total).as(e.getKey()).isEqualTo(wantFindings.size());
    }
    // Models of several files: the shards and the external data were read where they are (not PARTIAL for want of
    // them), the data files no scanner knows are model data, and hostile companion names are refused as the CLI
    // refuses them.
    Path c = tree.resolve("companions");
    assertThat(status(actual, c.resolve("sharded/model.safetensors.index.json"))).isEqualTo("COMPLETE");
    assertThat(status(actual, c.resolve("onnx/model.onnx"))).isEqualTo("COMPLETE");
    assertThat((String) actual.get(c.resolve("onnx/weights.bin").toString()).getAs("format")).isEqualTo("model-data");
    assertThat(status(actual, c.resolve("onnx/weights.bin"))).isEqualTo("COMPLETE");
    assertThat((String) actual.get(c.resolve("savedmodel/variables/variables.index").toString()).getAs("format"))
        .isEqualTo("model-data");
    assertThat(status(actual, c.resolve("hostile/linked-onnx/weights.bin"))).isEqualTo("SKIPPED");
    assertThat(actualFindings.get(c.resolve("hostile/sharded_bad/model.safetensors.index.json").toString()))
        .anyMatch(f -> f.startsWith("SAFETENSORS-INDEX-PATH-TRAVERSAL"));
    assertThat(actualFindings.get(c.resolve("hostile/linked-shards/model.safetensors.index.json").toString()))
        .anyMatch(f -> f.startsWith("SAFETENSORS-INDEX-PATH-TRAVERSAL"));
    assertThat(actualFindings.get(c.resolve("hostile/linked-onnx/model.onnx").toString()))
        .anyMatch(f -> f.startsWith("ONNX-EXTERNAL-DATA-TRAVERSAL"));
    assertThat(actualFindings.get(c.resolve("hostile/onnx/external_traversal.onnx").toString()))
        .anyMatch(f -> f.startsWith("ONNX-EXTERNAL-DATA-TRAVERSAL"));

    // The tree holds malicious files; their findings must be there, not merely equal on both sides.
    assertThat(findings).anyMatch(f -> "CRITICAL".equals(f.getAs("severity")));
    assertThat(files).anyMatch(f -> "FINDINGS".equals(f.getAs("verdict")));
    assertThat(files).anyMatch(f -> "CLEAN".equals(f.getAs("verdict")));
  }

  @Test
  void aSecondRunGivesTheSameRows() throws IOException {
    SparkModelScan job = SparkModelScan.of(ScanJobConfig.defaults());
    SparkModelScan.Tables a = job.scan(spark, List.of(tree.resolve("pickles").toString()));
    SparkModelScan.Tables b = job.scan(spark, List.of(tree.resolve("pickles").toString()));
    assertThat(b.files().collectAsList()).isEqualTo(a.files().collectAsList());
    assertThat(b.findings().collectAsList()).isEqualTo(a.findings().collectAsList());
    a.release();
    b.release();
  }

  @Test
  void theSparseFileIsReadByPositionNotCopied() throws IOException {
    SparkModelScan.Tables t = SparkModelScan.of(ScanJobConfig.defaults()).scan(spark, List.of(sparse().toString()));
    Row r = t.files().first();
    t.release();
    assertThat((long) r.getAs("size")).isEqualTo(SPARSE_SIZE);
    assertThat((String) r.getAs("status")).isNotEqualTo("COMPLETE");
    assertThat((String) r.getAs("verdict")).isEqualTo("INCOMPLETE");
    // The hash of 2 GiB of zeros, computed by streaming, not held in memory (-Xmx1g for the tests).
    assertThat((String) r.getAs("sha256")).hasSize(64);
  }

  @Test
  void theJobWritesBothTablesAndExitsWithTheCliCodes() throws IOException {
    Path out = tmp.resolve("out");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code =
        ScanJob.run(
            new String[] {tree.resolve("samples").toString(), out.toString()},
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(1);
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Scanned 8 files");
    List<String> findingLines = jsonLines(out.resolve("findings"));
    assertThat(findingLines).anyMatch(l -> l.contains("os_system.pkl") && l.contains("\"severity\":\"CRITICAL\""));
    assertThat(jsonLines(out.resolve("files"))).hasSize(8);

    // The same output folder again: refused unless --overwrite, so an earlier result is never silently replaced.
    int again =
        ScanJob.run(
            new String[] {tree.resolve("samples").toString(), out.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(again).isEqualTo(4);
    int overwrite =
        ScanJob.run(
            new String[] {"--overwrite", tree.resolve("samples").toString(), out.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(overwrite).isEqualTo(1);
  }

  @Test
  void badOptionsAreUsageErrors() throws IOException {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(ScanJob.run(new String[] {"--scan-timeout", "5d", "in", "out"}, out, err)).isEqualTo(4);
    assertThat(ScanJob.run(new String[] {"--format", "csv", "in", "out"}, out, err)).isEqualTo(4);
    assertThat(ScanJob.run(new String[] {"only-one"}, out, err)).isEqualTo(4);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("5d").contains("csv").contains("OUTPUT");
  }

  @Test
  void aFileThatCannotBeReadIsAFailedRowNotAnException() {
    ModelScan engine = ModelScan.builder().build();
    FileResult r =
        SparkModelScan.scanOne(engine, tmp.resolve("no-such-file.pt").toString(), new Configuration()).result();
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("no-such-file.pt");
    assertThat(r.findings()).isNotEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static final long SPARSE_SIZE = (2L << 30) + 1; // past 2^31: no int offset may hold a position

  private static Path sparse() {
    return tree.resolve("big/sparse-checkpoint.bin");
  }

  private static String finding(String rule, String severity, String entry, long offset) {
    return rule + "|" + severity + "|" + entry + "|" + offset;
  }

  private static String local(String uri) {
    if (uri == null) {
      return "";
    }
    return uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)).toString() : uri;
  }

  /** A status reason, with the job's file URIs spelled as the CLI spells local paths. */
  private static String reason(String r) {
    return r == null ? "" : r.replace("file:" + tmp.toString(), tmp.toString());
  }

  private static String status(Map<String, Row> rows, Path file) {
    Row r = rows.get(file.toString());
    assertThat(r).as(file.toString()).isNotNull();
    return r.getAs("status");
  }

  private static JsonNode cliJsonReport(Path dir) throws IOException {
    ScanReport report = ModelScan.builder().build().scan(List.of(dir));
    StringWriter w = new StringWriter();
    new JsonReportWriter().write(report, w);
    return new ObjectMapper().readTree(w.toString());
  }

  private static List<String> jsonLines(Path folder) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(folder)) {
      for (Path p : parts.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        lines.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  /** The tree: a registry's worth of small files of every kind, the repository's samples, and one sparse file. */
  private static void generate(Path root) throws IOException {
    Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
    Path samplesCopy = Files.createDirectories(root.resolve("samples"));
    try (Stream<Path> walk = Files.walk(samples)) {
      for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".py")).toList()) {
        Files.copy(p, samplesCopy.resolve(p.getParent().getFileName() + "-" + p.getFileName()));
      }
    }
    Path pickles = Files.createDirectories(root.resolve("pickles"));
    Path archives = Files.createDirectories(root.resolve("archives"));
    Path other = Files.createDirectories(root.resolve("other"));
    for (int i = 0; i < GENERATED; i++) {
      switch (i % 6) {
        case 0 -> Files.write(pickles.resolve("benign-" + i + ".pkl"), benignPickle(i));
        case 1 -> Files.write(pickles.resolve("evil-" + i + ".pkl"), evilPickle(i));
        case 2 -> Files.write(archives.resolve("model-" + i + ".pt"), zip("model/data.pkl", i % 4 == 1
            ? evilPickle(i) : benignPickle(i)));
        case 3 -> Files.write(other.resolve("notes-" + i + ".md"),
            ("# run " + i + "\n\nloss went down\n").getBytes(StandardCharsets.UTF_8));
        case 4 -> Files.write(other.resolve("weights-" + i + ".safetensors"), safetensors(i));
        default -> {
          byte[] junk = new byte[64 + i % 200];
          new java.util.Random(i).nextBytes(junk);
          Files.write(other.resolve("blob-" + i + ".bin"), junk);
        }
      }
    }
    companions(root.resolve("companions"));
    Files.createDirectories(sparse().getParent());
    try (RandomAccessFile f = new RandomAccessFile(sparse().toFile(), "rw")) {
      f.setLength(SPARSE_SIZE);
    }
  }

  /**
   * Models of several files, from the format modules' committed fixtures (each generated by its module's script
   * beside it): a sharded SafeTensors checkpoint, an index with hostile shard names ({@code /etc/passwd}, {@code
   * ../outside.safetensors}, a missing shard, a pickle shard), ONNX external data inside the folder (its data file is
   * then model data), ONNX external data that climbs out by name or by a symbolic link, and a SavedModel with its
   * variables (model data too).
   */
  private static void companions(Path root) throws IOException {
    Path st = fixtureDir("modelscan-safetensors", "src/test/resources/safetensors");
    copyFolder(st.resolve("sharded"), root.resolve("sharded"));
    copyFolder(st.resolve("sharded_bad"), root.resolve("hostile/sharded_bad"));
    // "../outside.safetensors" of the bad index then names a real file beside the model: still refused.
    Files.copy(st.resolve("valid_f32_metadata.safetensors"), root.resolve("hostile/outside.safetensors"));

    Path onnx = fixtureDir("modelscan-onnx", "src/test/resources/dev/modelscan/onnx");
    Path inside = Files.createDirectories(root.resolve("onnx"));
    Files.copy(onnx.resolve("external_inside.onnx"), inside.resolve("model.onnx"));
    Files.copy(onnx.resolve("weights.bin"), inside.resolve("weights.bin"));
    Path hostile = Files.createDirectories(root.resolve("hostile/onnx"));
    for (String f : List.of("external_traversal.onnx", "external_absolute.onnx", "external_nested_traversal.onnx",
        "external_device.onnx")) {
      Files.copy(onnx.resolve(f), hostile.resolve(f));
    }
    // Lexically inside, a symbolic link out of the model (the CVE-2026-27489 shape), for ONNX and for a shard.
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path secret = Files.copy(onnx.resolve("weights.bin"), elsewhere.resolve("secret.bin"));
    Path secretShard = Files.copy(st.resolve("sharded/model-00002-of-00002.safetensors"),
        elsewhere.resolve("model-00002-of-00002.safetensors"));
    Path linked = Files.createDirectories(root.resolve("hostile/linked-onnx"));
    Files.copy(onnx.resolve("external_inside.onnx"), linked.resolve("model.onnx"));
    Files.createSymbolicLink(linked.resolve("weights.bin"), secret);
    Path linkedShards = Files.createDirectories(root.resolve("hostile/linked-shards"));
    Files.copy(st.resolve("sharded/model.safetensors.index.json"), linkedShards.resolve("model.safetensors.index.json"));
    Files.copy(st.resolve("sharded/model-00001-of-00002.safetensors"),
        linkedShards.resolve("model-00001-of-00002.safetensors"));
    Files.createSymbolicLink(linkedShards.resolve("model-00002-of-00002.safetensors"), secretShard);

    Path tf = fixtureDir("modelscan-tensorflow", "src/test/resources/dev/modelscan/tensorflow");
    Path saved = Files.createDirectories(root.resolve("savedmodel/variables"));
    Files.copy(tf.resolve("clean_saved_model.pb"), saved.getParent().resolve("saved_model.pb"));
    byte[] opaque = new byte[48];
    for (int i = 0; i < opaque.length; i++) {
      opaque[i] = (byte) (0x80 | i * 37); // raw tensor bytes: no scanner's magic, not text
    }
    Files.write(saved.resolve("variables.index"), opaque);
    Files.write(saved.resolve("variables.data-00000-of-00001"), opaque);
    Files.write(saved.getParent().resolve("fingerprint.pb"), opaque);
  }

  /** A format module's fixture folder, before or after the modules moved under formats/. */
  private static Path fixtureDir(String module, String rel) {
    for (String base : List.of("..", "../formats")) {
      Path p = Path.of(base, module, rel).toAbsolutePath().normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException("fixtures of " + module + " not found");
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  /** Protocol 4: a dict {'w': i, 'name': 'layer-i'}. */
  private static byte[] benignPickle(int i) {
    String name = "layer-" + i;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x80);
    b.write(4);
    b.write('}');
    b.write(0x8c);
    b.write(1);
    b.write('w');
    b.write('J');
    b.write(i);
    b.write(i >>> 8);
    b.write(i >>> 16);
    b.write(i >>> 24);
    b.write('s');
    b.write(0x8c);
    b.write(4);
    b.writeBytes("name".getBytes(StandardCharsets.US_ASCII));
    b.write(0x8c);
    b.write(name.length());
    b.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    b.write('s');
    b.write('.');
    return b.toByteArray();
  }

  /** Protocol 2: posix.system('echo i') through GLOBAL and REDUCE. Harmless, and never run. */
  private static byte[] evilPickle(int i) {
    String cmd = "echo " + i;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x80);
    b.write(2);
    b.writeBytes("cposix\nsystem\n".getBytes(StandardCharsets.US_ASCII));
    b.write('X');
    b.write(cmd.length());
    b.write(0);
    b.write(0);
    b.write(0);
    b.writeBytes(cmd.getBytes(StandardCharsets.US_ASCII));
    b.write(0x85);
    b.write('R');
    b.write('.');
    return b.toByteArray();
  }

  private static byte[] zip(String name, byte[] content) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      ZipEntry e = new ZipEntry(name);
      z.putNextEntry(e);
      z.write(content);
      z.closeEntry();
    }
    return b.toByteArray();
  }

  private static byte[] safetensors(int i) {
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    while ((8 + header.length()) % 8 != 0) {
      header += " ";
    }
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[8 + h.length + 8];
    long n = h.length;
    for (int k = 0; k < 8; k++) {
      out[k] = (byte) (n >>> (8 * k));
    }
    System.arraycopy(h, 0, out, 8, h.length);
    out[8 + h.length] = (byte) i;
    return out;
  }
}
