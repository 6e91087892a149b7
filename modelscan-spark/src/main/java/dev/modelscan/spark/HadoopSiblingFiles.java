package dev.modelscan.spark;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.api.spi.SiblingFiles;
import dev.modelscan.core.ModelScan;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The folder around an input file on a Hadoop file system, for the scanner of that file ({@link
 * dev.modelscan.api.spi.ScanContext#siblings()}): a sharded checkpoint's shards, ONNX external data, SavedModel
 * variables are found and read where they are, through positional reads ({@link HadoopByteSource}), as the CLI finds
 * them on a local disk.
 *
 * <p>Names are joined to the file's folder as loaders join them and resolved lexically first: a name that climbs out
 * ({@code ..} past the folder, an absolute path elsewhere) is refused without a request to the file system. A
 * symbolic link (where the file system has them) is followed only when it resolves inside the folder.
 *
 * <p>On the local file system ({@code file:}) every answer comes from the CLI's own view ({@link
 * ModelScan#localSiblings}): Hadoop's file status does not tell a FIFO or a device from a file, and the CLI compares
 * links as real paths and knows the Hugging Face cache layout. Only the reads go through Hadoop there, so that the
 * rows of the job equal the CLI's report.
 */
final class HadoopSiblingFiles implements SiblingFiles {

  /** Links followed in a row before the name counts as leading out: loops and long chains end here. */
  private static final int MAX_LINK_HOPS = 8;

  private final FileSystem fs;
  private final Path file;
  private final Path dir;
  private final SiblingFiles local;

  private HadoopSiblingFiles(FileSystem fs, Path file, SiblingFiles local) {
    this.fs = fs;
    this.file = file;
    this.dir = file.getParent();
    this.local = local;
  }

  /**
   * The view of the folder of {@code file}.
   *
   * @param fs the file system, as it reads (the raw one for the local file system)
   * @param file the input file, qualified
   * @return the view, or null when the file has no folder
   */
  static HadoopSiblingFiles of(FileSystem fs, Path file) {
    Objects.requireNonNull(fs, "fs");
    Path qualified = fs.makeQualified(file);
    if (qualified.getParent() == null) {
      return null;
    }
    SiblingFiles local = null;
    if (fs instanceof RawLocalFileSystem || fs instanceof LocalFileSystem) {
      java.nio.file.Path p = java.nio.file.Path.of(qualified.toUri());
      local = ModelScan.localSiblings(p);
    }
    return new HadoopSiblingFiles(fs, qualified, local);
  }

  /** The view over Hadoop's own file status even for the local file system: for tests of that path. */
  static HadoopSiblingFiles generic(FileSystem fs, Path file) {
    return new HadoopSiblingFiles(fs, fs.makeQualified(file), null);
  }

  @Override
  public String inputName() {
    return file.getName();
  }

  @Override
  public String inputLocation() throws IOException {
    return local != null ? local.inputLocation() : file.toString();
  }

  @Override
  public SiblingFile find(String name) throws IOException {
    Objects.requireNonNull(name, "name");
    if (local != null) {
      return local.find(name);
    }
    String rel = relative(name);
    if (rel == null) {
      return SiblingFile.outside(name);
    }
    Path p = rel.isEmpty() ? dir : child(rel);
    FileStatus st;
    try {
      st = linkStatus(p);
    } catch (FileNotFoundException e) {
      return SiblingFile.missing(name);
    }
    boolean link = st.isSymlink();
    // Followed only into the folder, hop by hop, each target judged by its normalised path: a link is how a name
    // inside reads a file outside (CVE-2026-27489 for ONNX). Long chains count as outside.
    for (int hops = 0; st.isSymlink(); hops++) {
      Path target = st.getSymlink();
      if (!target.isAbsolute() && !target.isUriPathAbsolute()) {
        target = new Path(p.getParent(), target);
      }
      target = fs.makeQualified(target);
      String into = hops < MAX_LINK_HOPS ? insideRelative(target) : null;
      if (into == null) {
        return new SiblingFile(name, SiblingFile.Kind.LINKED_OUTSIDE, true, -1, target.toString(), "");
      }
      p = into.isEmpty() ? dir : child(into);
      try {
        st = linkStatus(p);
      } catch (FileNotFoundException e) {
        throw new FileNotFoundException(name + " is a symbolic link to " + target + ", which does not exist");
      }
    }
    String location = fs.makeQualified(p).toString();
    if (st.isDirectory()) {
      return new SiblingFile(name, SiblingFile.Kind.DIRECTORY, link, -1, location, "a directory");
    }
    if (st.isFile()) {
      return new SiblingFile(name, SiblingFile.Kind.FILE, link, st.getLen(), location, "");
    }
    return new SiblingFile(name, SiblingFile.Kind.SPECIAL, link, -1, location, "a pipe, socket or device");
  }

  /**
   * The name as a path relative to the folder, {@code .} and {@code ..} resolved, or null when it leaves the folder.
   * An absolute name is relative to the file system's root, as a loader's join makes it.
   */
  private String relative(String name) {
    List<String> dirParts = new ArrayList<>();
    for (String s : dir.toUri().getPath().split("/")) {
      if (!s.isEmpty()) {
        dirParts.add(s);
      }
    }
    Deque<String> out = new ArrayDeque<>(name.startsWith("/") ? List.of() : dirParts);
    for (String s : name.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (out.isEmpty()) {
          return null;
        }
        out.removeLast();
      } else {
        out.addLast(s);
      }
    }
    List<String> got = new ArrayList<>(out);
    if (got.size() < dirParts.size() || !got.subList(0, dirParts.size()).equals(dirParts)) {
      return null;
    }
    return String.join("/", got.subList(dirParts.size(), got.size()));
  }

  /** A path below the folder; the relative name is taken as a path, never parsed for a scheme. */
  private Path child(String rel) {
    java.net.URI d = dir.toUri();
    String base = d.getPath().endsWith("/") ? d.getPath() : d.getPath() + "/";
    return new Path(d.getScheme(), d.getAuthority(), base + rel);
  }

  /** The status of the name itself, not of what a link points to (where the file system has links). */
  private FileStatus linkStatus(Path p) throws IOException {
    try {
      return fs.getFileLinkStatus(p);
    } catch (UnsupportedOperationException e) {
      return fs.getFileStatus(p);
    }
  }

  /** A link's target relative to the folder, normalised, or null when it lies elsewhere (another host, outside). */
  private String insideRelative(Path target) {
    java.net.URI t = target.toUri();
    java.net.URI d = dir.toUri();
    if (!Objects.equals(t.getScheme(), d.getScheme()) || !Objects.equals(t.getAuthority(), d.getAuthority())) {
      return null;
    }
    return relative(t.getPath());
  }

  @Override
  public List<SiblingFile> list(String folder, String glob, int max) throws IOException {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(glob, "glob");
    if (local != null) {
      return local.list(folder, glob, max);
    }
    String rel = relative(folder);
    if (rel == null || max <= 0) {
      return List.of();
    }
    SiblingFile f = rel.isEmpty() ? null : find(rel);
    if (f != null && (f.kind() != SiblingFile.Kind.DIRECTORY || f.link())) {
      return List.of();
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    TreeSet<String> names = new TreeSet<>();
    for (FileStatus st : fs.listStatus(rel.isEmpty() ? dir : child(rel))) {
      String n = st.getPath().getName();
      try {
        if (!matcher.matches(java.nio.file.Path.of(n))) {
          continue;
        }
      } catch (InvalidPathException e) {
        continue;
      }
      names.add(n);
      if (names.size() > max) {
        names.pollLast();
      }
    }
    List<SiblingFile> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(find(rel.isEmpty() ? n : rel + "/" + n));
    }
    return out;
  }

  @Override
  public ByteSource open(SiblingFile f) throws IOException {
    if (!f.isFile()) {
      throw new IOException(f.name() + " is not a file inside the model (" + f.kind() + "): not opened");
    }
    Path p = local != null ? new Path(java.nio.file.Path.of(f.location()).toUri()) : new Path(f.location());
    FSDataInputStream in = fs.open(p);
    try {
      return HadoopByteSource.of(in, f.size());
    } catch (RuntimeException e) {
      in.close();
      throw e;
    }
  }
}
