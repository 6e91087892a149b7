package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ExcludedPath;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanListener;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Verdict;
import dev.modelscan.core.report.JsonReportWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links inside walked directories, files read once under several names, the Hugging Face cache layout, and directory
 * links followed on request.
 */
class LinksAndCacheTest {

  private static ModelScan scanner(WalkOptions walk, ScanListener listener) {
    ScannerRegistry registry =
        ScannerRegistry.builder().discover(false).add(new TestScanners.MarkerScanner()).add(new TestScanners.PlainTextScanner()).build();
    return ModelScan.builder().registry(registry).settings(ScanSettings.defaults()).walkOptions(walk)
        .listener(listener).parallelism(2).build();
  }

  private static ModelScan scanner() {
    return scanner(WalkOptions.defaults(), ScanListener.NONE);
  }

  private static FileResult result(ScanReport report, Path path) {
    return report.results().stream().filter(r -> r.path().equals(path.toString())).findFirst().orElseThrow(
        () -> new AssertionError(path + " not in " + report.results()));
  }

  /** Counts the files the engine actually reads, to prove a file with several names is read once. */
  private static final class Counting implements ScanListener {
    final AtomicInteger started = new AtomicInteger();

    @Override
    public void fileStarted(String path, long size) {
      started.incrementAndGet();
    }
  }

  @Test
  void aLinkToARegularFileIsScannedAsLoadersFollowItAndNamesItsTarget(@TempDir Path dir) throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path real = Files.write(outside.resolve("weights.mark"), ascii("MARK EVIL"));
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path link = Files.createSymbolicLink(tree.resolve("model.mark"), real);
    ScanReport report = scanner().scan(tree);
    FileResult r = result(report, link);
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.target()).isEqualTo(real.toRealPath().toString());
    assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.location().path()).isEqualTo(link.toString()));
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void aLinkNamedOnTheCommandLineIsScannedWithItsTarget(@TempDir Path dir) throws IOException {
    Path real = Files.write(dir.resolve("weights.mark"), ascii("MARK EVIL"));
    Path link = Files.createSymbolicLink(dir.resolve("latest.mark"), real);
    FileResult r = scanner().scan(link).results().get(0);
    assertThat(r.path()).isEqualTo(link.toString());
    assertThat(r.target()).isEqualTo(real.toRealPath().toString());
    assertThat(r.findings()).hasSize(1);
  }

  @Test
  void scanFileOfASnapshotLinkNamesItsTargetAndOrigin(@TempDir Path dir) throws IOException {
    Path repo = hubRepo(dir.resolve("hub"), "models--org--name", "5f3e0a", "MARK EVIL");
    Path link = repo.resolve("snapshots/0123abcd/pytorch_model.bin");
    FileResult r = scanner().scanFile(link);
    assertThat(r.target()).isEqualTo(repo.resolve("blobs/5f3e0a").toRealPath().toString());
    assertThat(r.origin()).isEqualTo("org/name@0123abcd/pytorch_model.bin");
    assertThat(r.findings()).hasSize(1);
  }

  @Test
  void aDanglingLinkAndALinkToAPipeGetAStatusAndAreNotOpened(@TempDir Path dir) throws IOException {
    Files.createSymbolicLink(dir.resolve("gone.bin"), dir.resolve("missing.bin"));
    ScanReport report = scanner().scan(dir);
    FileResult r = report.results().get(0);
    assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(r.statusReason()).contains("symbolic link to").contains("does not exist");
    assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
  }

  @Test
  void aFileReachedUnderSeveralNamesIsReadOnceAndReportedUnderEach(@TempDir Path dir) throws IOException {
    Path real = Files.write(dir.resolve("a.mark"), ascii("MARK EVIL"));
    Path soft = Files.createSymbolicLink(dir.resolve("b.mark"), real.getFileName());
    Path hard = Files.createLink(dir.resolve("c.mark"), real);
    Counting counting = new Counting();
    ScanReport report = scanner(WalkOptions.defaults(), counting).scan(dir);
    assertThat(counting.started.get()).isEqualTo(1);
    assertThat(report.results()).extracting(FileResult::path)
        .containsExactly(real.toString(), soft.toString(), hard.toString());
    assertThat(report.results()).allSatisfy(r -> assertThat(r.findings()).singleElement()
        .satisfies(f -> assertThat(f.location().path()).isEqualTo(r.path())));
    assertThat(result(report, real).target()).isEmpty();
    assertThat(result(report, soft).target()).isEqualTo(real.toRealPath().toString());
    assertThat(result(report, hard).target()).isEqualTo(real.toRealPath().toString());
  }

  /** Builds {@code hub/models--org--name} as huggingface_hub does: relative links from snapshots to blobs. */
  private static Path hubRepo(Path hub, String folder, String sha, String payload) throws IOException {
    Path repo = Files.createDirectories(hub.resolve(folder));
    Files.createDirectories(repo.resolve("blobs"));
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), "0123abcd");
    Files.write(repo.resolve("blobs/" + sha), ascii(payload));
    Files.write(repo.resolve("blobs/9e7c1b2d"), ascii("{\"model_type\": \"toy\"}"));
    Path snap = Files.createDirectories(repo.resolve("snapshots/0123abcd/sub"));
    Files.createSymbolicLink(snap.resolve("../pytorch_model.bin"), Path.of("../../blobs/" + sha));
    Files.createSymbolicLink(snap.resolve("../config.json"), Path.of("../../blobs/9e7c1b2d"));
    // The same weights under a second name in a subfolder: one more ../ per level, as _create_relative_symlink does.
    Files.createSymbolicLink(snap.resolve("copy.bin"), Path.of("../../../blobs/" + sha));
    return repo;
  }

  @Test
  void aHubCacheRepoIsReportedUnderSnapshotNamesAndEachBlobIsReadOnce(@TempDir Path dir) throws IOException {
    Path hub = Files.createDirectories(dir.resolve("hub"));
    Path repo = hubRepo(hub, "models--org--name", "5f3e0a", "MARK EVIL");
    Files.write(repo.resolve("blobs/77aa"), ascii("MARK EVIL orphan"));
    Files.writeString(hub.resolve("version.txt"), "1");
    Files.createDirectories(hub.resolve(".locks/models--org--name"));
    Counting counting = new Counting();
    ScanReport report = scanner(WalkOptions.defaults(), counting).scan(hub);

    Path weights = repo.resolve("snapshots/0123abcd/pytorch_model.bin");
    FileResult w = result(report, weights);
    assertThat(w.origin()).isEqualTo("org/name@0123abcd/pytorch_model.bin");
    assertThat(w.target()).isEqualTo(repo.resolve("blobs/5f3e0a").toRealPath().toString());
    assertThat(w.findings()).singleElement().satisfies(f -> assertThat(f.location().path()).isEqualTo(weights.toString()));
    assertThat(result(report, repo.resolve("snapshots/0123abcd/sub/copy.bin")).origin())
        .isEqualTo("org/name@0123abcd/sub/copy.bin");
    // Blobs behind snapshot names are not reported again under their hash.
    assertThat(report.results()).extracting(FileResult::path)
        .doesNotContain(repo.resolve("blobs/5f3e0a").toString(), repo.resolve("blobs/9e7c1b2d").toString());
    FileResult orphan = result(report, repo.resolve("blobs/77aa"));
    assertThat(orphan.origin()).isEqualTo("org/name (orphan blob: no scanned snapshot links to it)");
    assertThat(orphan.findings()).hasSize(1);
    // 3 blobs + refs/main + version.txt are read; the three snapshot names share two of the blobs.
    assertThat(counting.started.get()).isEqualTo(5);
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void aSnapshotScannedAloneIsCompleteAndNamedByRepoAndRevision(@TempDir Path dir) throws IOException {
    Path repo = hubRepo(dir.resolve("hub"), "models--org--name", "5f3e0a", "plain weights");
    ScanReport report = scanner().scan(repo.resolve("snapshots/0123abcd"));
    // Every name is a link into blobs/: all are read and complete. The fixture's files are text, which counts as seen
    // but is no model, so the verdict is "nothing scanned" rather than clean (exit 3, never 2 for an incomplete file).
    assertThat(report.results()).extracting(FileResult::status).containsOnly(ScanStatus.COMPLETE);
    assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
    assertThat(report.results()).extracting(FileResult::origin).containsExactlyInAnyOrder(
        "org/name@0123abcd/config.json", "org/name@0123abcd/pytorch_model.bin", "org/name@0123abcd/sub/copy.bin");
  }

  @Test
  void datasetsRepositoriesAreNamedWithTheirType() {
    HubCache.Place p = HubCache.of(Path.of("/c/hub/datasets--org--set/snapshots/abc/data/train.csv"));
    assertThat(p.origin()).isEqualTo("datasets/org/set@abc/data/train.csv");
    assertThat(HubCache.of(Path.of("/c/hub/models--gpt2/blobs/abc")).repoId()).isEqualTo("gpt2");
    assertThat(HubCache.of(Path.of("/c/hub/other/snapshots/abc/x"))).isNull();
  }

  @Test
  void theLinkBoundaryOfASnapshotFileIsItsRepositoryFolder() {
    Path snap = Path.of("/c/hub/models--org--name/snapshots/abc/sub/model.onnx");
    assertThat(FileScan.linkBoundary(snap)).isEqualTo(Path.of("/c/hub/models--org--name"));
    assertThat(FileScan.linkBoundary(Path.of("/work/models/model.onnx"))).isEqualTo(Path.of("/work/models"));
    assertThat(FileScan.linkBoundary(Path.of("/c/hub/models--org--name/blobs/abc")))
        .isEqualTo(Path.of("/c/hub/models--org--name/blobs"));
  }

  @Test
  void directoryLinksAreFollowedOnRequestAndALoopIsWalkedOnce(@TempDir Path dir) throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.write(outside.resolve("evil.mark"), ascii("MARK EVIL"));
    Files.createSymbolicLink(tree.resolve("linked"), outside);
    Files.createSymbolicLink(tree.resolve("loop"), tree);
    ScanReport off = scanner().scan(tree);
    assertThat(off.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED));
    assertThat(off.results()).extracting(FileResult::statusReason)
        .allSatisfy(reason -> assertThat(reason).contains("--follow-dir-links"));

    ScanReport on = scanner(WalkOptions.builder().followDirectoryLinks(true).build(), ScanListener.NONE).scan(tree);
    assertThat(on.results()).extracting(FileResult::path).containsExactly(tree.resolve("linked/evil.mark").toString());
    assertThat(on.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(on.excluded()).singleElement().satisfies(e -> {
      assertThat(e.path()).isEqualTo(tree.resolve("loop").toString());
      assertThat(e.reason()).contains("loop");
    });
  }

  @Test
  void includeAndExcludePatternsListWhatTheyLeaveOut(@TempDir Path dir) throws IOException {
    Files.write(Files.createDirectories(dir.resolve("models/a")).resolve("w.mark"), ascii("MARK EVIL"));
    Files.write(dir.resolve("models/a/notes.txt"), ascii("notes"));
    Files.write(Files.createDirectories(dir.resolve(".git/objects")).resolve("x.mark"), ascii("MARK EVIL"));
    Files.write(dir.resolve("readme.txt"), ascii("hello"));
    WalkOptions walk = WalkOptions.builder().include("models/**", "*.txt").exclude(".git/", "**/notes.*").build();
    ScanReport report = scanner(walk, ScanListener.NONE).scan(dir);
    assertThat(report.results()).extracting(FileResult::path)
        .containsExactly(dir.resolve("models/a/w.mark").toString(), dir.resolve("readme.txt").toString());
    assertThat(report.excluded()).extracting(ExcludedPath::path)
        .containsExactlyInAnyOrder(dir.resolve(".git").toString(), dir.resolve("models/a/notes.txt").toString());
    assertThat(report.excluded()).extracting(ExcludedPath::reason)
        .anySatisfy(r -> assertThat(r).contains("'.git/'"))
        .anySatisfy(r -> assertThat(r).contains("'**/notes.*'"));

    StringWriter json = new StringWriter();
    new JsonReportWriter().write(report, json);
    assertThat(json.toString()).contains("\"filesExcluded\" : 2").contains("\"excluded\" : [")
        .contains("\"target\" : \"\"");
  }

  @Test
  void onlyExcludedFilesIsNothingScanned(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("a.png"), ascii("MARK EVIL"));
    ScanReport report = scanner(WalkOptions.builder().exclude("*.png").build(), ScanListener.NONE).scan(dir);
    assertThat(report.results()).isEmpty();
    assertThat(report.excluded()).hasSize(1);
    assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
  }
}
