package dev.modelscan.core;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.Location;
import dev.modelscan.api.ScanListener;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The entry point for embedders: scans files, directories, byte arrays and streams for hostile content.
 *
 * <pre>{@code
 * ModelScan scan = ModelScan.builder().build();          // scanners from the class path, default settings
 * ScanReport report = scan.scan(List.of(Path.of("models")));
 * if (report.verdict() != Verdict.CLEAN) { ... }          // UNSAFE, INCOMPLETE or NOTHING_SCANNED
 * }</pre>
 *
 * <p>Every input is recognised by its content, never by its name alone, and everything nested in it (archive
 * members, decompressed streams, embedded pickles) is dispatched again by content under the {@link
 * dev.modelscan.api.ScanLimits}. Nothing is ever deserialized or executed. Files of a directory are scanned in
 * parallel.
 *
 * <p>Immutable and thread-safe: build one and share it.
 *
 * @since 0.1
 */
public final class ModelScan {

  private final ScannerRegistry registry;
  private final ScanSettings settings;
  private final ScanListener listener;
  private final int parallelism;
  private final ScanEngine engine;

  private ModelScan(Builder b) {
    this.registry = b.registry != null ? b.registry : ScannerRegistry.loadDefault();
    this.settings = b.settings;
    this.listener = b.listener;
    this.parallelism = b.parallelism;
    this.engine = new ScanEngine(registry, settings);
  }

  /**
   * A builder with the scanners on the class path, default settings, no listener and one thread per processor.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The registry this instance dispatches to.
   *
   * @return the registry
   */
  public ScannerRegistry registry() {
    return registry;
  }

  /**
   * The settings this instance scans with.
   *
   * @return the settings
   */
  public ScanSettings settings() {
    return settings;
  }

  /**
   * The version of modelscan-core.
   *
   * @return for example {@code "0.1.0"}, or {@code "unknown"} when run from unpackaged classes
   */
  public static String version() {
    return Version.get();
  }

  /**
   * Scans files and directories. Directories are walked recursively without following symbolic links (a link inside
   * a scanned tree is reported as skipped); the files are scanned in parallel and reported sorted by path. A path that
   * does not exist or cannot be read gives a {@link ScanStatus#FAILED} result, not an exception. A file that no
   * scanner recognises but that another input of the same scan declared as its data ({@link
   * dev.modelscan.api.spi.ScanContext#declareCompanion}) is reported complete with format {@value
   * dev.modelscan.api.spi.ScanContext#COMPANION_FORMAT}; the listener has seen it finish as skipped, because which
   * input declares which is known only once both are scanned.
   *
   * @param paths files and directories
   * @return the report
   */
  public ScanReport scan(Collection<Path> paths) {
    long start = System.nanoTime();
    List<Input> inputs = new ArrayList<>();
    for (Path p : paths) {
      collect(p, inputs);
    }
    long total = inputs.stream().mapToLong(i -> Math.max(0, i.size)).sum();
    try {
      listener.scanStarted(inputs.size(), total);
    } catch (RuntimeException ignored) {
      // a listener's failure must not change the scan (ScanListener's contract)
    }
    java.util.Queue<Path> companions = new java.util.concurrent.ConcurrentLinkedQueue<>();
    List<FileResult> results = coverCompanions(inputs, runAll(inputs, companions), companions);
    results = PathNames.withExactPaths(inputs.stream().map(Input::file).toList(), results);
    return new ScanReport(
        version(), settings.severityThreshold(), results, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Scans files and directories; see {@link #scan(Collection)}.
   *
   * @param paths files and directories
   * @return the report
   */
  public ScanReport scan(Path... paths) {
    return scan(List.of(paths));
  }

  /**
   * Scans one file (not a directory).
   *
   * @param file the file
   * @return its result; {@link ScanStatus#FAILED} when it cannot be read
   */
  public FileResult scanFile(Path file) {
    Objects.requireNonNull(file, "file");
    FileResult r = scanOne(new Input(file, file.toString(), sizeOf(file), null));
    return PathNames.withExactPaths(List.of(file), List.of(r)).get(0);
  }

  /**
   * Scans content held in memory.
   *
   * @param content the bytes; not copied, not to be changed during the scan
   * @param name the name to report and to use as a hint (a file name such as {@code "model.pt"})
   * @return the result
   */
  public FileResult scanBytes(byte[] content, String name) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(name, "name");
    if (content.length > settings.maxFileSize()) {
      return tooLarge(name, content.length);
    }
    notifyStarted(name, content.length);
    FileResult r = engine.scanInput(ByteSource.wrap(content), name, baseName(name), Optional.empty());
    notifyFinished(r);
    return r;
  }

  /**
   * Scans content that the caller reads from elsewhere by position: a file on a remote or distributed file system, a
   * blob in an object store, a region of a larger file. Scanners read only what they need, so a multi-gigabyte
   * checkpoint is neither copied nor read whole. The source is not closed.
   *
   * <p>The name is reported and used as a hint, as for {@link #scanBytes}. Companion files (ONNX external data,
   * SafeTensors shards) are looked up only for inputs scanned by {@link Path}; here they cannot be, so a model that
   * needs them is reported as its scanner reports a missing companion.
   *
   * @param content the bytes; must not change during the scan
   * @param name the name to report and to use as a hint (a file name such as {@code "model.pt"})
   * @return the result; {@link ScanStatus#SKIPPED} when the content is larger than {@link
   *     ScanSettings#maxFileSize()}
   */
  public FileResult scanSource(ByteSource content, String name) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(name, "name");
    long size = content.size();
    if (size > settings.maxFileSize()) {
      return tooLarge(name, size);
    }
    notifyStarted(name, size);
    FileResult r = engine.scanInput(content, name, baseName(name), Optional.empty());
    notifyFinished(r);
    return r;
  }

  /**
   * Scans content from a stream. The stream is read to its end (or to {@link ScanSettings#maxFileSize()}) into memory
   * or a temporary file, then scanned; it is not closed.
   *
   * @param content the stream
   * @param name the name to report and to use as a hint
   * @return the result; {@link ScanStatus#SKIPPED} when the stream is longer than the maximum file size
   * @throws UncheckedIOException when the stream cannot be read
   */
  public FileResult scanStream(InputStream content, String name) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(name, "name");
    try (Spool spool = new Spool()) {
      long max = settings.maxFileSize();
      Spool.Stop stop = spool.fill(content, max, Long.MAX_VALUE, Long.MAX_VALUE);
      if (stop != null) {
        return tooLarge(name, -1);
      }
      ByteSource source = spool.source();
      notifyStarted(name, source.size());
      FileResult r = engine.scanInput(source, name, baseName(name), Optional.empty());
      notifyFinished(r);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Input(Path file, String display, long size, String skipReason, String failReason) {
    Input(Path file, String display, long size, String skipReason) {
      this(file, display, size, skipReason, null);
    }
  }

  private void collect(Path p, List<Input> inputs) {
    if (Files.isDirectory(p)) {
      List<Input> found = new ArrayList<>();
      try {
        Files.walkFileTree(p, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new Collector(found));
      } catch (IOException | UncheckedIOException e) {
        found.add(new Input(p, p.toString(), -1, "could not walk the directory: " + e.getMessage()));
      }
      found.sort(Comparator.comparing(Input::file));
      inputs.addAll(found);
    } else {
      inputs.add(new Input(p, p.toString(), sizeOf(p), null));
    }
  }

  /**
   * Collects the files of a tree from the attributes the walk already read (one lstat per entry), instead of asking
   * the file system again for type, link status and size of every file: on a directory of many small files those
   * calls were a large part of the cost. Links are not followed, so their attributes are the link's own.
   */
  private static final class Collector extends SimpleFileVisitor<Path> {
    private final List<Input> found;

    Collector(List<Input> found) {
      this.found = found;
    }

    @Override
    public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
      if (attrs.isSymbolicLink()) {
        found.add(new Input(f, f.toString(), -1, "symbolic link inside a scanned directory, not followed"));
      } else if (attrs.isRegularFile()) {
        found.add(new Input(f, f.toString(), attrs.size(), null));
      } else {
        // A FIFO or device would block or never end when opened; a model repository has no reason to hold one.
        found.add(new Input(f, f.toString(), -1, "not a regular file (pipe, socket or device), not opened"));
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path f, IOException e) {
      // An entry that cannot be read (an unreadable subdirectory, a file that vanished) fails; it is never a gap.
      found.add(new Input(f, f.toString(), -1, null, "could not read: " + e.getMessage()));
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
      if (e != null) {
        found.add(new Input(dir, dir.toString(), -1, "could not walk the directory: " + e.getMessage()));
      }
      return FileVisitResult.CONTINUE;
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Files that no scanner recognised but that another input's scanner declared as data of its model (ONNX external
   * data, SavedModel variables; see {@link dev.modelscan.api.spi.ScanContext#declareCompanion}) are complete as
   * {@link dev.modelscan.api.spi.ScanContext#COMPANION_FORMAT}, not skipped. Progress listeners have already seen
   * them as skipped: which file declares which is known only once both are scanned.
   */
  private static List<FileResult> coverCompanions(
      List<Input> inputs, List<FileResult> results, Collection<Path> companions) {
    if (companions.isEmpty()) {
      return results;
    }
    java.util.Set<Path> declared = new java.util.HashSet<>();
    for (Path p : companions) {
      declared.add(canonical(p));
    }
    List<FileResult> out = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      FileResult r = results.get(i);
      // Only content that was read and that no scanner claimed: never a file skipped for its size, a link, or a
      // file a scanner claimed and could not finish.
      boolean unrecognised =
          r.status() == ScanStatus.SKIPPED && r.statusReason().equals(ScanEngine.UNRECOGNISED);
      if (unrecognised && declared.contains(canonical(inputs.get(i).file))) {
        r = new FileResult(r.path(), r.size(), dev.modelscan.api.spi.ScanContext.COMPANION_FORMAT,
            ScanStatus.COMPLETE, "", r.findings(), r.members());
      }
      out.add(r);
    }
    return out;
  }

  /** The real path when it can be resolved, so that a declaration and a walked path name the same file alike. */
  private static Path canonical(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException | RuntimeException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  private List<FileResult> runAll(List<Input> inputs, Collection<Path> companions) {
    if (inputs.size() <= 1 || parallelism == 1) {
      return inputs.stream().map(in -> scanOne(in, companions)).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, inputs.size()), r -> {
      Thread t = new Thread(r, "modelscan-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<FileResult>> futures = new ArrayList<>();
      for (Input in : inputs) {
        futures.add(pool.submit(() -> scanOne(in, companions)));
      }
      List<FileResult> results = new ArrayList<>(inputs.size());
      for (int i = 0; i < futures.size(); i++) {
        results.add(await(futures.get(i), inputs.get(i)));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static FileResult await(Future<FileResult> f, Input in) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(in.display, in.size, "interrupted");
    } catch (ExecutionException e) {
      return failed(in.display, in.size, "scan failed: " + e.getCause());
    }
  }

  private FileResult scanOne(Input in) {
    return scanOne(in, new ArrayList<>());
  }

  private FileResult scanOne(Input in, Collection<Path> companions) {
    notifyStarted(in.display, in.size);
    FileResult r = scanOneQuietly(in, companions);
    notifyFinished(r);
    return r;
  }

  /** A listener's failure must not change the scan (ScanListener's contract), so its exceptions are dropped. */
  private void notifyStarted(String path, long size) {
    try {
      listener.fileStarted(path, size);
    } catch (RuntimeException ignored) {
      // see above
    }
  }

  private void notifyFinished(FileResult r) {
    try {
      listener.fileFinished(r);
    } catch (RuntimeException ignored) {
      // see above
    }
  }

  private FileResult scanOneQuietly(Input in, Collection<Path> companions) {
    if (in.failReason != null) {
      return failed(in.display, in.size, in.failReason);
    }
    if (in.skipReason != null) {
      return new FileResult(
          in.display, in.size, ScanEngine.UNKNOWN_FORMAT, ScanStatus.SKIPPED, in.skipReason, List.of(), List.of());
    }
    if (in.size > settings.maxFileSize()) {
      return tooLarge(in.display, in.size);
    }
    try (ByteSource source = ByteSource.open(in.file)) {
      List<Path> declared = new ArrayList<>();
      FileResult r = engine.scanInput(source, in.display, baseName(in.file.toString()), Optional.of(in.file), declared);
      companions.addAll(declared);
      return r;
    } catch (IOException e) {
      return failed(in.display, in.size, "could not read the file: " + e.getMessage());
    }
  }

  private FileResult tooLarge(String display, long size) {
    String reason =
        "the file is larger than " + LimitType.FILE_SIZE.settingName() + " (" + settings.maxFileSize() + " bytes)";
    Finding f =
        Finding.builder(StandardRules.LIMIT_REACHED)
            .location(new Location(display, "", -1))
            .scanner("engine")
            .message("Not scanned: " + reason + ".")
            .build();
    return new FileResult(
        display, size, ScanEngine.UNKNOWN_FORMAT, ScanStatus.SKIPPED, reason, List.of(f), List.of());
  }

  private static FileResult failed(String display, long size, String reason) {
    return new FileResult(display, size, ScanEngine.UNKNOWN_FORMAT, ScanStatus.FAILED, reason, List.of(), List.of());
  }

  private static String baseName(String path) {
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }

  /**
   * Builds a {@link ModelScan}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private ScannerRegistry registry;
    private ScanSettings settings = ScanSettings.defaults();
    private ScanListener listener = ScanListener.NONE;
    private int parallelism = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /**
     * Sets the scanners to dispatch to; by default those on the class path ({@link ScannerRegistry#loadDefault()}).
     *
     * @param value the registry
     * @return this builder
     */
    public Builder registry(ScannerRegistry value) {
      registry = Objects.requireNonNull(value, "registry");
      return this;
    }

    /**
     * Sets the settings; by default {@link ScanSettings#defaults()}.
     *
     * @param value the settings
     * @return this builder
     */
    public Builder settings(ScanSettings value) {
      settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /**
     * Sets a listener for progress.
     *
     * @param value the listener, thread-safe
     * @return this builder
     */
    public Builder listener(ScanListener value) {
      listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Sets how many files are scanned at once; by default one per available processor.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder parallelism(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, was " + value);
      }
      parallelism = value;
      return this;
    }

    /**
     * Builds the scanner.
     *
     * @return the scanner
     */
    public ModelScan build() {
      return new ModelScan(this);
    }
  }
}
