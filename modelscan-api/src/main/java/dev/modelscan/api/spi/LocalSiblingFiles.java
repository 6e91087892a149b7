package dev.modelscan.api.spi;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/** {@link SiblingFiles#local}: a folder on the local file system. */
final class LocalSiblingFiles implements SiblingFiles {

  private final Path file;
  private final Path dir;
  private final Path boundary;

  LocalSiblingFiles(Path inputFile, Path linkBoundary) {
    Path abs = Objects.requireNonNull(inputFile, "inputFile").toAbsolutePath().normalize();
    this.file = abs;
    this.dir = abs.getParent();
    if (dir == null) {
      throw new IllegalArgumentException(inputFile + " has no folder");
    }
    this.boundary = Objects.requireNonNull(linkBoundary, "linkBoundary").toAbsolutePath().normalize();
  }

  @Override
  public SiblingFile find(String name) throws IOException {
    Objects.requireNonNull(name, "name");
    Path path = dir.resolve(name).normalize();
    // Lexical first: "../x" and "/etc/passwd" are refused without touching the file system, so not even the
    // existence of a file outside the model is revealed by the answer.
    if (!path.startsWith(dir)) {
      return SiblingFile.outside(name);
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return SiblingFile.missing(name);
    }
    boolean link = Files.isSymbolicLink(path);
    // A name inside may still escape through a link (CVE-2026-27489 for ONNX external data): compared as real paths.
    Path real = path.toRealPath();
    if (!real.startsWith(boundary.toRealPath())) {
      return new SiblingFile(name, SiblingFile.Kind.LINKED_OUTSIDE, link, -1, real.toString(), "");
    }
    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
    if (a.isRegularFile()) {
      return new SiblingFile(name, SiblingFile.Kind.FILE, link, a.size(), real.toString(), "");
    }
    if (a.isDirectory()) {
      return new SiblingFile(name, SiblingFile.Kind.DIRECTORY, link, -1, real.toString(), "a directory");
    }
    return new SiblingFile(name, SiblingFile.Kind.SPECIAL, link, -1, real.toString(), special(real));
  }

  /** What a file that is neither regular nor a directory is, for a person. Never opened to find out. */
  private static String special(Path real) {
    try {
      int type = (Integer) Files.getAttribute(real, "unix:mode") & 0170000;
      if (type == 0010000) {
        return "a FIFO (named pipe)";
      }
      if (type == 0020000 || type == 0060000) {
        return "a device";
      }
      if (type == 0140000) {
        return "a socket";
      }
    } catch (IOException | RuntimeException e) {
      // no "unix" view on this platform: the generic description below
    }
    return "a pipe, socket or device";
  }

  @Override
  public List<SiblingFile> list(String folder, String glob, int max) throws IOException {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(glob, "glob");
    Path sub = dir.resolve(folder).normalize();
    if (!sub.startsWith(dir) || max <= 0 || !Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    PathMatcher matcher = sub.getFileSystem().getPathMatcher("glob:" + glob);
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(sub)) {
      for (Path p : entries) {
        Path fileName = p.getFileName();
        if (fileName != null && matcher.matches(fileName)) {
          names.add(fileName.toString());
          if (names.size() > max) {
            names.pollLast();
          }
        }
      }
    }
    String prefix = dir.relativize(sub).toString();
    List<SiblingFile> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(find(prefix.isEmpty() ? n : prefix + "/" + n));
    }
    return out;
  }

  @Override
  public String inputName() {
    return file.getFileName().toString();
  }

  @Override
  public String inputLocation() {
    try {
      return file.toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return file.toString();
    }
  }

  @Override
  public ByteSource open(SiblingFile file) throws IOException {
    if (!file.isFile()) {
      throw new IOException(file.name() + " is not a file inside the model (" + file.kind() + "): not opened");
    }
    return ByteSource.open(Path.of(file.location()));
  }
}
