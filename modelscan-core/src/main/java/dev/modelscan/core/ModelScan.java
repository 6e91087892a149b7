package dev.modelscan.core;

import dev.modelscan.api.ExcludedPath;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final dev.modelscan.core.report.ReportPolicy reportPolicy;
  private final ScanListener listener;
  private final int parallelism;
  private final WalkOptions walkOptions;
  private final ScanEngine engine;

  private ModelScan(Builder b) {
    this.registry = b.registry != null ? b.registry : ScannerRegistry.loadDefault();
    this.settings = b.settings;
    this.reportPolicy = b.reportPolicy;
    this.listener = b.listener;
    this.parallelism = b.parallelism;
    this.walkOptions = b.walkOptions;
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
   * How this instance walks directories.
   *
   * @return the walk options
   */
  public WalkOptions walkOptions() {
    return walkOptions;
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
   * How this instance judges its reports: the threshold of {@link ScanReport#severityThreshold()}.
   *
   * @return the report policy
   */
  public dev.modelscan.core.report.ReportPolicy reportPolicy() {
    return reportPolicy;
  }

  /**
   * The version of modelscan.
   *
   * @return the same as {@link dev.modelscan.api.ModelScanVersion#current()}
   */
  public static String version() {
    return dev.modelscan.api.ModelScanVersion.current();
  }

  /**
   * Scans files and directories. Directories are walked recursively as {@link WalkOptions} say (by default every file,
   * symbolic links to regular files followed, links to directories reported as skipped); what the options leave out
   * is listed in {@link ScanReport#excluded()}. The files are scanned in parallel and reported sorted by path within
   * each directory. A path that does not exist or cannot be read gives a {@link ScanStatus#FAILED} result, not an
   * exception.
   *
   * <p>Each real file is read once per scan, however many names lead to it (links, hard links, a directory given
   * twice); the result is reported under every name, with {@link FileResult#target()} naming the file read. In a
   * Hugging Face cache the snapshot names are reported (with {@link FileResult#origin()} {@code org/name@commit/path})
   * and the blobs they link to are not reported again under their hash; a blob that no snapshot of a walked repository
   * links to is reported under its own name as an orphan.
   *
   * <p>A file that no scanner recognises but that another input of the same scan declared as its data ({@link
   * dev.modelscan.api.spi.ScanContext#declareCompanion}) is reported complete with format {@value
   * dev.modelscan.api.spi.ScanContext#COMPANION_FORMAT}; the listener has seen it finish as skipped, because which
   * input declares which is known only once both are scanned.
   *
   * <p>A path named directly that is not a regular file is never taken as empty: a pipe or FIFO ({@code /dev/stdin},
   * {@code /dev/fd/63}, a {@code mkfifo}) is read as a stream, bounded by {@link ScanSettings#maxFileSize()}, {@link
   * dev.modelscan.api.ScanLimits#maxMemberBytes()} and the file's deadline, after waiting at most two seconds for a
   * FIFO to get a writer ({@link ScanStatus#FAILED} if none comes; {@link ScanStatus#SKIPPED} if it ends without a
   * byte); a kernel file that reports size 0 ({@code /proc/...}) is read as a stream too; a device or socket is
   * {@link ScanStatus#FAILED} without being opened. A regular file whose size or modification time changes while it
   * is scanned is {@link ScanStatus#PARTIAL} with a {@link dev.modelscan.api.StandardRules#INPUT_CHANGED} finding.
   * Whatever one file's scan throws, errors included, fails that file only.
   *
   * @param paths files and directories
   * @return the report
   */
  public ScanReport scan(Collection<Path> paths) {
    long start = System.nanoTime();
    List<DirectoryWalk.Found> found = new ArrayList<>();
    List<ExcludedPath> excluded = new ArrayList<>();
    for (Path p : paths) {
      collect(p, found, excluded);
    }
    Set<Path> walkedRepos = new HashSet<>();
    for (DirectoryWalk.Found f : found) {
      HubCache.Place place = HubCache.of(absolute(f.file()));
      if (place != null && !place.blob()) {
        walkedRepos.add(place.repoDir());
      }
    }
    List<Group> groups = group(found, walkedRepos);
    List<Input> inputs = groups.stream().map(g -> g.primary).toList();
    long total = inputs.stream().mapToLong(i -> Math.max(0, i.size)).sum();
    try {
      listener.scanStarted(inputs.size(), total);
    } catch (RuntimeException ignored) {
      // a listener's failure must not change the scan (ScanListener's contract)
    }
    List<FileResult> scanned = coverCompanions(runAll(inputs));
    List<FileResult> results = new ArrayList<>(found.size());
    List<Path> names = new ArrayList<>(found.size());
    Map<DirectoryWalk.Found, Named> byFound = new IdentityHashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      for (Named n : groups.get(i).reported) {
        n.result = scanned.get(i);
        byFound.put(n.found, n);
      }
    }
    for (DirectoryWalk.Found f : found) {
      Named n = byFound.get(f);
      if (n != null) {
        results.add(n.relabel());
        names.add(f.file());
      }
    }
    // A name that is not valid UTF-8 is shown lossily; the exact form goes beside it (see FileResult#exactPath).
    results = PathNames.withExactPaths(names, results);
    return new ScanReport(
        version(), reportPolicy.severityThreshold(), results, Duration.ofNanos(System.nanoTime() - start), excluded);
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
   * Scans one file (not a directory). A symbolic link is followed, and its {@link FileResult#target()} names the file
   * read; a Hugging Face cache snapshot file gets its {@link FileResult#origin()}. Pipes, FIFOs, kernel files, devices
   * and sockets are handled as in {@link #scan(Collection)}.
   *
   * @param file the file
   * @return its result; {@link ScanStatus#FAILED} when it cannot be read or its scan broke down
   */
  public FileResult scanFile(Path file) {
    Objects.requireNonNull(file, "file");
    FileResult r = scanOne(direct(file));
    HubCache.Place place = HubCache.of(absolute(file));
    String origin = place == null || place.blob() ? "" : place.origin();
    String target = Files.isSymbolicLink(file) ? PathNames.realPathOr(file, "") : "";
    r = PathNames.withExactPaths(List.of(file), List.of(r)).get(0);
    if (target.isEmpty() && origin.isEmpty()) {
      return r;
    }
    return r.withTargetAndOrigin(target, origin);
  }

  /**
   * Scans content held in memory.
   *
   * @param content the bytes; not copied, not to be changed during the scan
   * @param name the name to report and to use as a hint (a file name such as {@code "model.pt"})
   * @return the result; {@link ScanStatus#FAILED} with a finding when the scan broke down (never an exception or
   *     error thrown out of a scanner)
   */
  public FileResult scanBytes(byte[] content, String name) {
    Objects.requireNonNull(content, "content");
    return scanSource(ByteSource.wrap(content), name);
  }

  /**
   * Scans content that the caller reads from elsewhere by position: a file on a remote or distributed file system, a
   * blob in an object store, a region of a larger file. Scanners read only what they need, so a multi-gigabyte
   * checkpoint is neither copied nor read whole. The source is not closed.
   *
   * <p>The name is reported and used as a hint, as for {@link #scanBytes}. Companion files (ONNX external data,
   * SafeTensors shards) cannot be looked up here, so a model that needs them is reported as its scanner reports a
   * missing companion; {@link #scanSource(ByteSource, String, Optional)} takes the folder to look them up in.
   *
   * @param content the bytes; must not change during the scan
   * @param name the name to report and to use as a hint (a file name such as {@code "model.pt"})
   * @return the result; {@link ScanStatus#SKIPPED} when the content is larger than {@link
   *     ScanSettings#maxFileSize()}
   */
  public FileResult scanSource(ByteSource content, String name) {
    return scanSource(content, name, Optional.empty()).result();
  }

  /**
   * Scans one input file that the caller reads by position from a folder it can look into, such as a file on a
   * Hadoop file system: like {@link #scanSource(ByteSource, String)}, and the file's scanner finds the files beside it
   * (SafeTensors shards, ONNX external data, SavedModel variables) through {@code siblings}, as it does for a local
   * file in {@link #scan(Collection)}. The result says which neighbours were declared as the model's data and whether
   * the file was unrecognised, so that a caller scanning a whole folder can report declared files as {@link
   * InputScan#asCompanion()} the way {@link #scan(Collection)} does.
   *
   * @param content the bytes; must not change during the scan
   * @param name the name to report and to use as a hint (the file's path or URI)
   * @param siblings the folder around the file, or empty when it has none
   * @return the scan; its result {@link ScanStatus#SKIPPED} when the content is larger than {@link
   *     ScanSettings#maxFileSize()}
   * @since 0.1
   */
  public InputScan scanSource(
      ByteSource content, String name, Optional<dev.modelscan.api.spi.SiblingFiles> siblings) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(siblings, "siblings");
    long size = content.size();
    if (size > settings.maxFileSize()) {
      return plain(tooLarge(name, size));
    }
    notifyStarted(name, size);
    InputScan r = engine.scanInput(content, name, baseName(name), Optional.empty(), siblings);
    notifyFinished(r.result());
    return r;
  }

  /**
   * Scans content from a stream. The stream is read to its end into memory or a temporary file (deleted before this
   * method returns), then scanned; it is not closed. At most {@link ScanSettings#maxFileSize()} and {@link
   * dev.modelscan.api.ScanLimits#maxMemberBytes()} bytes are read, because a stream has no size to check first and
   * may never end. Waiting for bytes is not bounded here: a caller whose stream can stall bounds it itself.
   *
   * @param content the stream
   * @param name the name to report and to use as a hint
   * @return the result; {@link ScanStatus#SKIPPED} with a limit finding when the stream is longer than those bounds
   * @throws UncheckedIOException when the stream cannot be read
   */
  public FileResult scanStream(InputStream content, String name) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(name, "name");
    try (Spool spool = new Spool()) {
      Spool.Stop stop = spool.fill(content, streamBound(), Long.MAX_VALUE, Long.MAX_VALUE);
      if (stop != null) {
        return streamTooLarge(name);
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

  /**
   * One path to scan.
   *
   * @param kind what it is; decides how it is read
   * @param modified the modification time seen before the scan (to notice a file changed while it is scanned), or
   *     null when unknown
   */
  private record Input(
      Path file,
      String display,
      long size,
      String skipReason,
      String failReason,
      InputFiles.Kind kind,
      java.nio.file.attribute.FileTime modified) {
    Input(Path file, String display, long size, String skipReason) {
      this(file, display, size, skipReason, null, InputFiles.Kind.REGULAR, null);
    }

    Input(Path file, String display, long size, String skipReason, String failReason) {
      this(file, display, size, skipReason, failReason, InputFiles.Kind.REGULAR, null);
    }

    /**
     * The input for a name found by the walk or named directly. What the file is (regular, pipe, kernel file,
     * device) is decided here, once more, from the file itself: a path named on the command line may be a pipe to
     * read as a stream, and a walked file may have been swapped for a FIFO since it was listed.
     */
    static Input of(DirectoryWalk.Found f) {
      if (f.skipReason() != null || f.failReason() != null) {
        return new Input(f.file(), f.display(), f.size(), f.skipReason(), f.failReason());
      }
      Input d = direct(f.file());
      return new Input(f.file(), f.display(), d.size, d.skipReason, d.failReason, d.kind, d.modified);
    }
  }

  /**
   * A path named directly (not met in a walk): what it is decides how it is read. Nothing that is not a regular file
   * is opened by position, so nothing is reported empty and complete without a byte read.
   */
  private static Input direct(Path p) {
    InputFiles.Probe probe = InputFiles.probe(p);
    String display = p.toString();
    switch (probe.kind()) {
      case MISSING:
        return new Input(p, display, -1, null, "could not read the file: " + probe.problem(), probe.kind(), null);
      case DEVICE:
      case SOCKET:
      case OTHER:
        // A device has no end (/dev/zero) or gives other bytes on every read (/dev/urandom, a terminal); opening one
        // can block or act on hardware. None holds a model to vouch for.
        return new Input(p, display, -1, null,
            InputFiles.describe(probe.kind()) + ", not a regular file: not opened, nothing was read",
            probe.kind(), null);
      default:
        return new Input(p, display, probe.size(), null, null, probe.kind(), probe.modified());
    }
  }

  /** One name under which a file was found, and the result to report under it once the file is scanned. */
  private static final class Named {
    final DirectoryWalk.Found found;
    String target;
    String origin;
    FileResult result;

    Named(DirectoryWalk.Found found, String origin) {
      this.found = found;
      this.target = found.target();
      this.origin = origin;
    }

    /** The scan's result under this name: the path, the findings' locations, the target and the origin. */
    FileResult relabel() {
      String path = found.display();
      if (path.equals(result.path()) && target.isEmpty() && origin.isEmpty()) {
        return result;
      }
      List<Finding> findings = new ArrayList<>(result.findings().size());
      for (Finding f : result.findings()) {
        Location l = f.location();
        Location moved = l.path().equals(result.path()) ? new Location(path, l.entry(), l.offset()) : l;
        findings.add(
            new Finding(f.rule(), f.severity(), f.module(), f.operator(), moved, f.message(), f.scanner(),
                f.suppression()));
      }
      return new FileResult(
          path, result.size(), result.format(), result.status(), result.statusReason(), findings, result.members(),
          result.exactPath(), target, origin, result.sha256());
    }
  }

  /** The names of one real file: scanned once (as {@code primary}), reported under each of {@code reported}. */
  private static final class Group {
    final List<Named> reported = new ArrayList<>();
    final List<Named> blobs = new ArrayList<>();
    Input primary;
  }

  /**
   * Groups the names found by the identity of the file they lead to, so that each real file is read once. Cache blobs
   * are reported under the snapshot names that link to them; a blob without one is reported under its own name.
   */
  private static List<Group> group(List<DirectoryWalk.Found> found, Set<Path> walkedRepos) {
    Map<Object, Group> byKey = new LinkedHashMap<>();
    List<Group> groups = new ArrayList<>();
    for (DirectoryWalk.Found f : found) {
      HubCache.Place place = HubCache.of(absolute(f.file()));
      Group g;
      if (f.key() == null) {
        g = new Group();
        groups.add(g);
      } else {
        g = byKey.get(f.key());
        if (g == null) {
          g = new Group();
          byKey.put(f.key(), g);
          groups.add(g);
        }
      }
      if (place != null && place.blob()) {
        Named n = new Named(f, "");
        String name = f.file().getFileName().toString();
        if (name.endsWith(".incomplete")) {
          n.origin = place.repoId() + " (unfinished download)";
        } else if (walkedRepos.contains(place.repoDir())) {
          n.origin = place.repoId() + " (orphan blob: no scanned snapshot links to it)";
        }
        g.blobs.add(n);
      } else {
        g.reported.add(new Named(f, place == null ? "" : place.origin()));
      }
    }
    for (Group g : groups) {
      if (g.reported.isEmpty()) {
        g.reported.addAll(g.blobs);
      } else {
        // The blob is read under its snapshot name and reported there; its hash name is nobody's name for it.
        for (Named n : g.reported) {
          if (n.target.isEmpty() && !g.blobs.isEmpty()) {
            n.target = g.blobs.get(0).found.file().toString();
          }
        }
      }
      Named first = g.reported.get(0);
      g.primary = Input.of(first.found);
      if (g.reported.size() > 1) {
        // Several names of one file (hard links, a path given twice): every other name says which file was read.
        for (Named n : g.reported.subList(1, g.reported.size())) {
          if (n.target.isEmpty()) {
            n.target = PathNames.realPathOr(first.found.file(), "");
          }
        }
      }
    }
    return groups;
  }

  private void collect(Path p, List<DirectoryWalk.Found> found, List<ExcludedPath> excluded) {
    if (Files.isDirectory(p)) {
      // A directory named on the command line is walked even when it is a link to one: the user named it.
      DirectoryWalk walk = new DirectoryWalk(walkOptions);
      walk.walk(p);
      List<DirectoryWalk.Found> mine = new ArrayList<>(walk.found());
      mine.sort(Comparator.comparing(DirectoryWalk.Found::file));
      found.addAll(mine);
      excluded.addAll(walk.excluded());
    } else {
      String target = Files.isSymbolicLink(p) ? PathNames.realPathOr(p, "") : "";
      found.add(new DirectoryWalk.Found(p, p.toString(), sizeOf(p), null, null, DirectoryWalk.keyOf(p), target));
    }
  }

  private static Path absolute(Path p) {
    return p.toAbsolutePath().normalize();
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
   * {@link dev.modelscan.api.spi.ScanContext#COMPANION_FORMAT}, not skipped. Each scan carries its own declarations
   * and its own location, so the match is by where the files are, whatever order the scans finished in. Progress
   * listeners have already seen them as skipped: which file declares which is known only once both are scanned.
   */
  private static List<FileResult> coverCompanions(List<InputScan> scans) {
    Set<String> declared = new HashSet<>();
    for (InputScan s : scans) {
      for (dev.modelscan.api.spi.SiblingFile f : s.companions()) {
        declared.add(f.location());
      }
    }
    List<FileResult> out = new ArrayList<>(scans.size());
    for (InputScan s : scans) {
      // Only content that was read whole and that no scanner claimed: never a file skipped for its size, a link, or
      // a file a scanner claimed and could not finish.
      boolean covered = s.unrecognised() && !s.location().isEmpty() && declared.contains(s.location());
      out.add(covered ? s.asCompanion() : s.result());
    }
    return out;
  }

  private List<InputScan> runAll(List<Input> inputs) {
    if (inputs.size() <= 1 || parallelism == 1) {
      return inputs.stream().map(this::scanInput).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, inputs.size()), r -> {
      Thread t = new Thread(r, "modelscan-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<InputScan>> futures = new ArrayList<>();
      for (Input in : inputs) {
        futures.add(pool.submit(() -> scanInput(in)));
      }
      List<InputScan> results = new ArrayList<>(inputs.size());
      for (int i = 0; i < futures.size(); i++) {
        results.add(await(futures.get(i), inputs.get(i)));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static InputScan await(Future<InputScan> f, Input in) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return plain(failed(in.display, in.size, "interrupted"));
    } catch (ExecutionException e) {
      // scanInput contains what a scan throws; only a failure around it (a listener's error) gets here.
      return plain(crashed(in.display, in.size, e.getCause()));
    }
  }

  /** A result that declares nothing and is nobody's companion. */
  private static InputScan plain(FileResult r) {
    return new InputScan(r, "", List.of(), false);
  }

  private FileResult scanOne(Input in) {
    return scanInput(in).result();
  }

  private InputScan scanInput(Input in) {
    notifyStarted(in.display, in.size);
    InputScan r;
    try {
      r = scanOneQuietly(in);
    } catch (Throwable e) {
      // The engine contains what scanners throw; this is the last line for everything around them (a byte source, a
      // spool, an Error from the platform such as InternalError from a mapped file truncated under us). One file's
      // failure must not end the scan of the others, nor the report, nor leave the file looking clean.
      r = plain(crashed(in.display, in.size, e));
    }
    notifyFinished(r.result());
    return r;
  }

  /** A listener's failure must not change the scan (ScanListener's contract), so its exceptions are dropped. */
  private void notifyStarted(String path, long size) {
    try {
      listener.fileStarted(path, size);
    } catch (RuntimeException | LinkageError ignored) {
      // see above
    }
  }

  private void notifyFinished(FileResult r) {
    try {
      listener.fileFinished(r);
    } catch (RuntimeException | LinkageError ignored) {
      // see above
    }
  }

  private InputScan scanOneQuietly(Input in) {
    if (in.failReason != null) {
      return plain(failed(in.display, in.size, in.failReason));
    }
    if (in.skipReason != null) {
      return plain(new FileResult(
          in.display, in.size, Outcome.UNKNOWN_FORMAT, ScanStatus.SKIPPED, in.skipReason, List.of(), List.of()));
    }
    Input at = in;
    if (in.kind == InputFiles.Kind.REGULAR) {
      // Looked at again just before opening, whatever collected the path: it may have been replaced since (by a FIFO,
      // which would block the open), and a walk keeps only the size, so the modification time is taken here.
      InputFiles.Probe now = InputFiles.beforeOpen(in.file);
      at = new Input(in.file, in.display, in.size, null, null, now.kind(),
          in.modified != null ? in.modified : now.modified());
      if (now.kind() == InputFiles.Kind.MISSING) {
        return plain(failed(in.display, in.size, "could not read the file: " + now.problem()));
      }
    }
    switch (at.kind) {
      case PIPE:
      case KERNEL_FILE:
        return plain(scanSpecial(at));
      case DEVICE:
      case SOCKET:
      case OTHER:
        return plain(failed(in.display, -1,
            InputFiles.describe(at.kind) + ", not a regular file: not opened, nothing was read"));
      default:
        break;
    }
    if (in.size > settings.maxFileSize()) {
      return plain(tooLarge(in.display, in.size));
    }
    Input before = at;
    InputScan r;
    long openedSize;
    try (ByteSource source = ByteSource.open(in.file)) {
      openedSize = source.size();
      r = engine.scanInput(
          source, in.display, baseName(in.file.toString()), Optional.of(in.file), siblingsOf(in.file));
    } catch (IOException e) {
      return plain(failed(in.display, in.size, "could not read the file: " + e.getMessage()));
    }
    return r.withResult(checkUnchanged(before, openedSize, r.result()));
  }

  /** The folder of a local input file as its scanner sees it; empty for a file without a folder. */
  private static Optional<dev.modelscan.api.spi.SiblingFiles> siblingsOf(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (abs.getParent() == null) {
      return Optional.empty();
    }
    return Optional.of(localSiblings(abs));
  }

  /**
   * The view of the folder around a local file that the CLI gives that file's scanner: {@link
   * dev.modelscan.api.spi.SiblingFiles#local}, with links allowed to resolve inside the file's folder, or inside the
   * repository folder for a file of a Hugging Face cache snapshot (whose files are links into the repository's
   * {@code blobs/}). For front ends that read a local file through other means (the Spark job on a local file system)
   * and want the same answers as the CLI.
   *
   * @param file a local file
   * @return the view
   * @throws IllegalArgumentException when the file has no folder
   * @since 0.1
   */
  public static dev.modelscan.api.spi.SiblingFiles localSiblings(Path file) {
    return dev.modelscan.api.spi.SiblingFiles.local(file, FileScan.linkBoundary(file));
  }

  /**
   * A file written while it is scanned (a download still arriving, a checkpoint being saved, an attacker swapping
   * content after the check) was read partly old, partly new, or only in part: what a loader reads later is not what
   * was judged. Its size and modification time after the scan are compared with those before it and at opening.
   */
  private FileResult checkUnchanged(Input in, long openedSize, FileResult r) {
    InputFiles.Probe after = InputFiles.recheck(in.file);
    List<String> changes = new ArrayList<>();
    if (after.size() != openedSize || (in.size >= 0 && after.size() != in.size)) {
      changes.add("its size went from " + (in.size >= 0 ? in.size : openedSize) + " to " + after.size() + " bytes");
    }
    if (in.modified != null && !in.modified.equals(after.modified())) {
      changes.add("its modification time went from " + in.modified + " to " + after.modified());
    }
    if (after.problem() != null) {
      changes.add("it could no longer be read (" + after.problem() + ")");
    }
    if (changes.isEmpty()) {
      return r;
    }
    String reason = "the file changed while it was scanned: " + String.join(", ", changes);
    List<Finding> findings = new ArrayList<>(r.findings());
    findings.add(
        Finding.builder(StandardRules.INPUT_CHANGED)
            .location(new Location(in.display, "", -1))
            .scanner("engine")
            .message(
                "The file changed while it was scanned ("
                    + String.join(", ", changes)
                    + "): what was analysed is not what a loader reads now. Scan it again once it is no longer"
                    + " being written.")
            .build());
    // The hash was taken over bytes that were changing: it names no version of the file, so it is dropped (a baseline
    // or suppression keyed on it must not match).
    return r.withOutcome(
            r.status().worst(ScanStatus.PARTIAL), Reasons.join(r.statusReason(), reason), findings)
        .withSha256("");
  }

  /**
   * A pipe, FIFO or kernel file named directly: read as a stream under the byte bounds and the file's deadline, then
   * scanned like {@link #scanStream}. It has no neighbours to look at ({@link
   * dev.modelscan.api.spi.ScanContext#inputFile()} is empty) and no size to trust.
   */
  private FileResult scanSpecial(Input in) {
    long deadline = System.nanoTime() + settings.limits().scanTimeout().toNanos();
    Duration wait =
        InputFiles.FIFO_OPEN_WAIT.compareTo(settings.limits().scanTimeout()) < 0
            ? InputFiles.FIFO_OPEN_WAIT
            : settings.limits().scanTimeout();
    try (Spool spool = new Spool()) {
      InputFiles.StreamEnd end;
      try (java.nio.channels.FileChannel ch = InputFiles.openForStream(in.file, in.kind, wait)) {
        end = InputFiles.spool(ch, spool, streamBound(), deadline);
      }
      if (end == InputFiles.StreamEnd.TOO_LARGE) {
        return streamTooLarge(in.display);
      }
      ByteSource source = spool.source();
      if (source.size() == 0 && in.kind == InputFiles.Kind.PIPE && end == InputFiles.StreamEnd.COMPLETE) {
        // A pipe that ends at once is what a failed producer leaves (cat of a missing file): no model was handed
        // over, so there is nothing to call clean.
        return new FileResult(in.display, 0, "empty", ScanStatus.SKIPPED, EMPTY_PIPE, List.of(), List.of());
      }
      FileResult r = engine.scanInput(source, in.display, baseName(in.file.toString()), Optional.empty());
      if (end == InputFiles.StreamEnd.DEADLINE) {
        // What arrived before the deadline was analysed; the rest never came in time and could hold anything.
        String reason =
            "the stream had not ended by "
                + dev.modelscan.api.LimitType.SCAN_TIMEOUT.settingName()
                + " ("
                + settings.limits().scanTimeout().toMillis()
                + " ms); only its first "
                + source.size()
                + " bytes were analysed";
        List<Finding> findings = new ArrayList<>(r.findings());
        findings.add(
            Finding.builder(StandardRules.LIMIT_REACHED)
                .location(new Location(in.display, "", source.size()))
                .scanner("engine")
                .message("Not fully read: " + reason + ".")
                .build());
        r = r.withOutcome(r.status().worst(ScanStatus.PARTIAL), Reasons.join(r.statusReason(), reason),
            findings);
      }
      return r;
    } catch (InputFiles.NoWriterException e) {
      return failed(in.display, -1, e.getMessage());
    } catch (IOException e) {
      return failed(in.display, -1, "could not read " + InputFiles.describe(in.kind) + ": " + e.getMessage());
    }
  }

  /** The status reason of a pipe that ended without a byte. */
  private static final String EMPTY_PIPE = "the pipe ended without a byte: no model was handed over";

  /** The most bytes read from a stream: it has no size to check first, and may never end. */
  private long streamBound() {
    return Math.min(settings.maxFileSize(), settings.limits().maxMemberBytes());
  }

  private FileResult streamTooLarge(String display) {
    if (settings.maxFileSize() <= settings.limits().maxMemberBytes()) {
      return tooLarge(display, -1);
    }
    String reason =
        "the stream is longer than "
            + LimitType.MEMBER_BYTES.settingName()
            + " ("
            + settings.limits().maxMemberBytes()
            + " bytes), the most read from a stream";
    Finding f =
        Finding.builder(StandardRules.LIMIT_REACHED)
            .location(new Location(display, "", -1))
            .scanner("engine")
            .message("Not scanned: " + reason + ".")
            .build();
    return new FileResult(display, -1, Outcome.UNKNOWN_FORMAT, ScanStatus.SKIPPED, reason, List.of(f), List.of());
  }

  private FileResult tooLarge(String display, long size) {
    String reason =
        "the file is larger than " + LimitType.FILE_SIZE.settingName() + " (" + LimitType.FILE_SIZE.optionName() + ", "
            + settings.maxFileSize() + " bytes)";
    Finding f =
        Finding.builder(StandardRules.LIMIT_REACHED)
            .location(new Location(display, "", -1))
            .scanner("engine")
            .message("Not scanned: " + reason + ".")
            .build();
    return new FileResult(
        display, size, Outcome.UNKNOWN_FORMAT, ScanStatus.SKIPPED, reason, List.of(f), List.of());
  }

  private static FileResult crashed(String display, long size, Throwable e) {
    String what = Reasons.describe(e);
    Finding f =
        Finding.builder(StandardRules.SCANNER_ERROR)
            .location(new Location(display, "", -1))
            .scanner("engine")
            .message("The scan of this file failed (" + what + "); it was not analysed.")
            .build();
    return new FileResult(
        display, size, Outcome.UNKNOWN_FORMAT, ScanStatus.FAILED, "scan failed: " + what, List.of(f), List.of());
  }

  private static FileResult failed(String display, long size, String reason) {
    return new FileResult(display, size, Outcome.UNKNOWN_FORMAT, ScanStatus.FAILED, reason, List.of(), List.of());
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
    private dev.modelscan.core.report.ReportPolicy reportPolicy = dev.modelscan.core.report.ReportPolicy.defaults();
    private ScanListener listener = ScanListener.NONE;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private WalkOptions walkOptions = WalkOptions.defaults();

    private Builder() {}

    /**
     * Sets how directories are walked: include and exclude patterns, whether links to directories are followed; by
     * default {@link WalkOptions#defaults()}.
     *
     * @param value the options
     * @return this builder
     */
    public Builder walkOptions(WalkOptions value) {
      walkOptions = Objects.requireNonNull(value, "walkOptions");
      return this;
    }

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
     * Sets how reports are judged (the severity threshold); by default {@link
     * dev.modelscan.core.report.ReportPolicy#defaults()}. Scanners never see it.
     *
     * @param value the policy
     * @return this builder
     */
    public Builder reportPolicy(dev.modelscan.core.report.ReportPolicy value) {
      reportPolicy = Objects.requireNonNull(value, "reportPolicy");
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
