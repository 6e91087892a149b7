package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model folders as users keep them, built by the real libraries (src/test/resources/folders/gen_folders.py), scanned
 * through the command line in-process: a Hugging Face model repository, the Hugging Face hub cache (built here with
 * the relative links huggingface_hub writes), and a scikit-learn / Keras project folder. Each benign folder must scan
 * complete with exit 0; each poisoned twin must exit 1 with the finding on the name the user knows.
 */
class FoldersTest {

  private static final String REV = "8f2a6c0d3b1e4f5a6b7c8d9e0f1a2b3c4d5e6f70";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static Path resource(String name) {
    try {
      return Path.of(FoldersTest.class.getResource("/folders/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies a committed folder and lays the given poisoned files over it. */
  private Path folder(String name, Map<String, String> poisoned) throws IOException {
    Path to = tmp.resolve(name);
    copyTree(resource(name), to);
    for (Map.Entry<String, String> e : poisoned.entrySet()) {
      Files.copy(resource("poisoned/" + e.getValue()), to.resolve(e.getKey()),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return to;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private JsonNode scanJson(String... paths) throws IOException {
    List<String> args = new ArrayList<>(List.of("scan", "--no-progress", "-f", "json"));
    args.addAll(List.of(paths));
    run(args.toArray(String[]::new));
    return JSON.readTree(out.toString());
  }

  private static JsonNode result(JsonNode report, Path path) {
    for (JsonNode r : report.get("results")) {
      if (r.get("path").asText().equals(path.toString())) {
        return r;
      }
    }
    throw new AssertionError(path + " not in the report: " + report.toPrettyString());
  }

  private static void assertAllComplete(JsonNode report) {
    for (JsonNode r : report.get("results")) {
      assertThat(r.get("status").asText()).as(r.get("path").asText() + " " + r.get("statusReason").asText())
          .isEqualTo("COMPLETE");
      assertThat(r.get("findings")).as(r.get("path").asText()).isEmpty();
    }
  }

  private static void assertCriticalOn(JsonNode report, Path path, String ruleId) {
    JsonNode r = result(report, path);
    assertThat(r.get("findings")).anySatisfy(f -> {
      assertThat(f.get("ruleId").asText()).isEqualTo(ruleId);
      assertThat(f.get("severity").asText()).isEqualTo("CRITICAL");
      assertThat(f.get("location").get("path").asText()).isEqualTo(path.toString());
    });
  }

  // ---- a Hugging Face model repository (git clone, snapshot_download(local_dir=...))

  @Test
  void aHuggingFaceRepoWithTokenizerReadmeAndPngIsCompleteAndClean() throws IOException {
    Path repo = folder("hf-repo", Map.of());
    assertThat(run("scan", "--no-progress", repo.toString())).as(out.toString()).isZero();
    JsonNode report = scanJson(repo.toString());
    assertAllComplete(report);
    assertThat(report.get("summary").get("filesScanned").asInt()).isEqualTo(11);
    assertThat(result(report, repo.resolve("assets/arch.png")).get("format").asText()).isEqualTo("png");
  }

  @Test
  void aPoisonedPytorchModelBinInARepoExitsOneOnThatFile() throws IOException {
    Path repo = folder("hf-repo", Map.of("pytorch_model.bin", "pytorch_model.bin"));
    assertThat(run("scan", "--no-progress", repo.toString())).as(out.toString()).isEqualTo(1);
    assertCriticalOn(scanJson(repo.toString()), repo.resolve("pytorch_model.bin"), "PICKLE-DANGEROUS-GLOBAL");
  }

  @Test
  void aPickleAfterTheEndOfTheReadmeImageIsCaughtThroughTheEnginesSecondReading() throws IOException {
    Path repo = folder("hf-repo", Map.of());
    // Protocol 2, os.system('echo pwned'), written opcode by opcode after the PNG's IEND chunk.
    byte[] pickle = ("\u0080\u0002cos\nsystem\nX\n\u0000\u0000\u0000echo pwned\u0085R.")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(repo.resolve("assets/arch.png"), pickle, java.nio.file.StandardOpenOption.APPEND);
    assertThat(run("scan", "--no-progress", repo.toString())).isEqualTo(1);
    JsonNode png = result(scanJson(repo.toString()), repo.resolve("assets/arch.png"));
    assertThat(png.get("format").asText()).isEqualTo("png");
    assertThat(png.get("findings")).anySatisfy(f -> {
      assertThat(f.get("ruleId").asText()).isEqualTo("PICKLE-DANGEROUS-GLOBAL");
      assertThat(f.get("location").get("entry").asText()).isEqualTo("after-IEND");
    });
    assertThat(png.get("findings")).anySatisfy(f -> assertThat(f.get("ruleId").asText())
        .isEqualTo("MEDIA-APPENDED-DATA"));
  }

  // ---- the Hugging Face hub cache

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Lays a repository out as huggingface_hub's cache does: each file's content in blobs/&lt;sha256&gt;, a snapshot
   * that links to it with a path relative to the link's folder (os.path.relpath in file_download.py
   * _create_symlink), refs/main naming the commit.
   */
  private static Path cacheRepo(Path hub, String folder, Path files, Map<String, Path> replaced) throws IOException {
    Path repo = Files.createDirectories(hub.resolve(folder));
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), REV);
    Path snapshot = Files.createDirectories(repo.resolve("snapshots/" + REV));
    try (Stream<Path> s = Files.walk(files)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = files.relativize(p).toString();
        byte[] content = Files.readAllBytes(replaced.getOrDefault(rel, p));
        Path blob = blobs.resolve(sha256(content));
        if (!Files.exists(blob)) {
          Files.write(blob, content);
        }
        Path link = snapshot.resolve(rel);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
      }
    }
    return repo;
  }

  private Path hub(boolean poisoned) throws IOException {
    Path hub = Files.createDirectories(tmp.resolve("cache/huggingface/hub"));
    Files.writeString(hub.resolve("version.txt"), "1");
    Files.createDirectories(hub.resolve(".locks/models--org--tiny-model"));
    cacheRepo(hub, "models--org--tiny-model", resource("hf-repo"),
        poisoned ? Map.of("pytorch_model.bin", resource("poisoned/pytorch_model.bin")) : Map.of());
    cacheRepo(hub, "datasets--org--tiny-set", resource("project/data"), Map.of());
    return hub;
  }

  @Test
  void aHubCacheScansCompleteUnderSnapshotNamesWithEachBlobOnce() throws IOException {
    Path hub = hub(false);
    assertThat(run("scan", "--no-progress", hub.toString())).as(out.toString()).isZero();
    JsonNode report = scanJson(hub.toString());
    assertAllComplete(report);
    Path weights = hub.resolve("models--org--tiny-model/snapshots/" + REV + "/pytorch_model.bin");
    JsonNode w = result(report, weights);
    assertThat(w.get("origin").asText()).isEqualTo("org/tiny-model@" + REV + "/pytorch_model.bin");
    assertThat(w.get("target").asText()).contains("models--org--tiny-model/blobs/");
    assertThat(result(report, hub.resolve("datasets--org--tiny-set/snapshots/" + REV + "/train.csv"))
        .get("origin").asText()).isEqualTo("datasets/org/tiny-set@" + REV + "/train.csv");
    // No result is named by a blob hash: every blob is reported under the snapshot name that links to it.
    for (JsonNode r : report.get("results")) {
      assertThat(r.get("path").asText()).doesNotContain("/blobs/");
    }
  }

  @Test
  void aPoisonedBlobBehindASnapshotLinkExitsOneOnTheSnapshotName() throws IOException {
    Path hub = hub(true);
    Path snapshot = hub.resolve("models--org--tiny-model/snapshots/" + REV);
    for (Path scanned : List.of(hub, hub.resolve("models--org--tiny-model"), snapshot)) {
      assertThat(run("scan", "--no-progress", scanned.toString())).as(scanned + "\n" + out).isEqualTo(1);
      assertThat(out.toString()).contains("(org/tiny-model@" + REV + "/pytorch_model.bin)");
      JsonNode report = scanJson(scanned.toString());
      assertCriticalOn(report, snapshot.resolve("pytorch_model.bin"), "PICKLE-DANGEROUS-GLOBAL");
      assertThat(result(report, snapshot.resolve("pytorch_model.bin")).get("origin").asText())
          .isEqualTo("org/tiny-model@" + REV + "/pytorch_model.bin");
    }
  }

  @Test
  void aShardIndexInTheCacheMayNameShardsThatAreLinksIntoTheRepositorysBlobs() throws IOException {
    // transformers' sharded checkpoints: model.safetensors.index.json names its shards; in the cache both are links
    // into blobs/, which is outside the snapshot folder but inside the repository folder that huggingface_hub owns.
    Path files = folder("hf-repo", Map.of());
    Files.writeString(files.resolve("model.safetensors.index.json"), "{\"metadata\": {\"total_size\": 40},"
        + " \"weight_map\": {\"linear.weight\": \"model.safetensors\", \"linear.bias\": \"model.safetensors\"}}");
    Path hub = Files.createDirectories(tmp.resolve("hub"));
    Path repo = cacheRepo(hub, "models--org--sharded", files, Map.of());
    JsonNode report = scanJson(hub.toString());
    assertAllComplete(report);
    assertThat(result(report, repo.resolve("snapshots/" + REV + "/model.safetensors.index.json")).get("format")
        .asText()).isEqualTo("safetensors-index");
    // A shard that links out of the repository folder is still an escape.
    Path outside = Files.write(tmp.resolve("elsewhere.safetensors"),
        Files.readAllBytes(files.resolve("model.safetensors")));
    Path shard = repo.resolve("snapshots/" + REV + "/model.safetensors");
    Files.delete(shard);
    Files.createSymbolicLink(shard, outside);
    JsonNode escaped = scanJson(hub.toString());
    assertThat(result(escaped, repo.resolve("snapshots/" + REV + "/model.safetensors.index.json")).get("findings"))
        .anySatisfy(f -> assertThat(f.get("message").asText()).contains("outside the model directory"));
  }

  @Test
  void anOrphanBlobIsScannedAndReportedAsAnOrphan() throws IOException {
    Path hub = hub(false);
    Path repo = hub.resolve("models--org--tiny-model");
    byte[] old = Files.readAllBytes(resource("poisoned/pytorch_model.bin"));
    Path orphan = repo.resolve("blobs/" + sha256(old));
    Files.write(orphan, old); // an old revision's weights, no longer linked from any snapshot
    assertThat(run("scan", "--no-progress", repo.toString())).isEqualTo(1);
    JsonNode report = scanJson(repo.toString());
    assertThat(result(report, orphan).get("origin").asText())
        .isEqualTo("org/tiny-model (orphan blob: no scanned snapshot links to it)");
    assertCriticalOn(report, orphan, "PICKLE-DANGEROUS-GLOBAL");
  }

  // ---- a project folder

  @Test
  void aProjectFolderWithPlotsDataNotebookAndConfigsIsCompleteAndClean() throws IOException {
    Path project = folder("project", Map.of());
    assertThat(run("scan", "--no-progress", project.toString())).as(out.toString()).isZero();
    JsonNode report = scanJson(project.toString());
    assertAllComplete(report);
    assertThat(result(report, project.resolve("notebooks/explore.ipynb")).get("format").asText())
        .isEqualTo("jupyter-notebook");
    assertThat(result(report, project.resolve("plots/confusion.jpg")).get("format").asText()).isEqualTo("jpeg");
  }

  @Test
  void aPoisonedJoblibFileInAProjectExitsOneOnThatFile() throws IOException {
    Path project = folder("project", Map.of("models/model.joblib", "model.joblib"));
    assertThat(run("scan", "--no-progress", project.toString())).isEqualTo(1);
    assertCriticalOn(scanJson(project.toString()), project.resolve("models/model.joblib"), "PICKLE-DANGEROUS-GLOBAL");
  }

  @Test
  void aKerasLambdaInAProjectExitsOneOnThatFile() throws IOException {
    Path project = folder("project", Map.of("models/model.keras", "model.keras"));
    assertThat(run("scan", "--no-progress", project.toString())).isEqualTo(1);
    assertCriticalOn(scanJson(project.toString()), project.resolve("models/model.keras"), "KERAS-LAMBDA");
  }

  // ---- include and exclude

  @Test
  void excludedFilesAreListedNotDropped() throws IOException {
    Path project = folder("project", Map.of("models/model.joblib", "model.joblib"));
    assertThat(run("scan", "--no-progress", "--exclude", "*.joblib", "--exclude", "plots/", project.toString()))
        .isZero();
    assertThat(out.toString()).contains("2 excluded");
    JsonNode report = scanJson("--exclude", "*.joblib", "--exclude", "plots/", project.toString());
    assertThat(report.get("summary").get("filesExcluded").asInt()).isEqualTo(2);
    assertThat(report.get("excluded")).anySatisfy(e -> {
      assertThat(e.get("path").asText()).isEqualTo(project.resolve("models/model.joblib").toString());
      assertThat(e.get("reason").asText()).contains("'*.joblib'");
    });
    assertThat(run("scan", "--no-progress", "-v", "--include", "models/**", project.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("[excluded]  matches no include pattern");
  }

  @Test
  void aMalformedPatternIsAUsageError() {
    assertThat(run("scan", "--no-progress", "--include", "[a-", tmp.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("unterminated");
  }

  static {
    // Fails early and clearly when the fixtures were not generated.
    if (FoldersTest.class.getResource("/folders/hf-repo/pytorch_model.bin") == null) {
      throw new UncheckedIOException(new IOException("run src/test/resources/folders/gen_folders.py"));
    }
  }
}
