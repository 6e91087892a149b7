package dev.modelscan.core;

import dev.modelscan.api.ExcludedPath;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks one directory given to a scan and collects what to scan, what to report as not scanned, and what the walk
 * options leave out.
 *
 * <p>Links: a symbolic link to a regular file is collected like the file, because every loader follows it ({@code
 * open}, {@code torch.load}, {@code from_pretrained} of a Hugging Face snapshot, whose files are all links). A link to
 * a directory is reported as skipped unless {@link WalkOptions#followDirectoryLinks()} is set; then it is walked once
 * per real directory, and a link back to a directory being walked (a loop) is listed as excluded. A link to anything
 * else (a pipe, a device, nothing) is reported, never opened. Each entry's attributes are read once without following
 * links; a link's target attributes once more.
 */
final class DirectoryWalk {

  /** One file (or non-file) found by a walk, or named on the command line. */
  record Found(
      Path file, String display, long size, String skipReason, String failReason, Object key, String target) {

    static Found skipped(Path file, long size, String reason) {
      return new Found(file, file.toString(), size, reason, null, null, "");
    }

    static Found failed(Path file, String reason) {
      return new Found(file, file.toString(), -1, null, reason, null, "");
    }
  }

  private final WalkOptions options;
  private final List<Found> found = new ArrayList<>();
  private final List<ExcludedPath> excluded = new ArrayList<>();
  // Real directories already walked (by file key), and the name they were walked under: each is walked once.
  private final Map<Object, Path> walkedDirectories = new HashMap<>();

  DirectoryWalk(WalkOptions options) {
    this.options = options;
  }

  List<Found> found() {
    return found;
  }

  List<ExcludedPath> excluded() {
    return excluded;
  }

  /** A directory's frame on the walk stack: its path, its path from the root, and its ancestors' keys. */
  private record Frame(Path dir, List<String> relative, Frame parent, Object key) {
    boolean hasAncestor(Object k) {
      for (Frame f = this; f != null; f = f.parent) {
        if (f.key != null && f.key.equals(k)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Walks {@code root}, a directory or a link to one. */
  void walk(Path root) {
    Object rootKey = keyOf(root);
    walkedDirectories.put(rootKey, root);
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(root, List.of(), null, rootKey));
    while (!stack.isEmpty()) {
      Frame frame = stack.pop();
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(frame.dir)) {
        for (Path e : ds) {
          entries.add(e);
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable directory fails; what it holds was not seen.
        found.add(
            new Found(frame.dir, frame.dir.toString(), -1, null, "could not read the directory: " + e.getMessage(),
                null, ""));
        continue;
      }
      entries.sort(null);
      for (Path e : entries) {
        visit(frame, e, stack);
      }
    }
  }

  private void visit(Frame frame, Path e, Deque<Frame> stack) {
    List<String> relative = append(frame.relative, e.getFileName().toString());
    BasicFileAttributes own;
    try {
      own = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException ex) {
      found.add(Found.failed(e, "could not read: " + ex.getMessage()));
      return;
    }
    if (own.isDirectory()) {
      String why = options.exclusion(relative, true);
      if (why != null) {
        excluded.add(new ExcludedPath(e.toString(), "directory not walked: " + why));
        return;
      }
      Object key =
          own.fileKey() != null ? own.fileKey() : PathNames.realPathOr(e, e.toAbsolutePath().normalize().toString());
      walkedDirectories.putIfAbsent(key, e);
      stack.push(new Frame(e, relative, frame, key));
      return;
    }
    if (!own.isSymbolicLink()) {
      if (!own.isRegularFile()) {
        // A FIFO or device would block or never end when opened; a model repository has no reason to hold one.
        found.add(Found.skipped(e, -1, "not a regular file (pipe, socket or device), not opened"));
        return;
      }
      String why = options.exclusion(relative, false);
      if (why != null) {
        excluded.add(new ExcludedPath(e.toString(), why));
        return;
      }
      Object key =
          own.fileKey() != null ? own.fileKey() : PathNames.realPathOr(e, e.toAbsolutePath().normalize().toString());
      found.add(new Found(e, e.toString(), own.size(), null, null, key, ""));
      return;
    }
    link(frame, e, relative, stack);
  }

  private void link(Frame frame, Path e, List<String> relative, Deque<Frame> stack) {
    BasicFileAttributes target;
    String real;
    try {
      target = Files.readAttributes(e, BasicFileAttributes.class);
      real = e.toRealPath().toString();
    } catch (IOException | RuntimeException ex) {
      found.add(
          Found.skipped(e, -1, "symbolic link to " + linkText(e) + ", which does not exist or cannot be read"));
      return;
    }
    if (target.isRegularFile()) {
      String why = options.exclusion(relative, false);
      if (why != null) {
        excluded.add(new ExcludedPath(e.toString(), why));
        return;
      }
      Object key = target.fileKey() != null ? target.fileKey() : real;
      found.add(new Found(e, e.toString(), target.size(), null, null, key, real));
      return;
    }
    if (target.isDirectory()) {
      String why = options.exclusion(relative, true);
      if (why != null) {
        excluded.add(new ExcludedPath(e.toString(), "directory not walked: " + why));
        return;
      }
      if (!options.followDirectoryLinks()) {
        found.add(
            new Found(e, e.toString(), -1,
                "symbolic link to a directory (" + real + "), not followed; --follow-dir-links walks it", null, null,
                real));
        return;
      }
      Object key = target.fileKey() != null ? target.fileKey() : real;
      if (frame.hasAncestor(key)) {
        // Its files are being scanned already, under the ancestor's name: walking it again would never end.
        excluded.add(
            new ExcludedPath(e.toString(), "directory link loop back to " + real + ", which is walked already"));
        return;
      }
      Path first = walkedDirectories.putIfAbsent(key, e);
      if (first != null) {
        excluded.add(new ExcludedPath(e.toString(), "directory link to " + real + ", already walked as " + first));
        return;
      }
      stack.push(new Frame(e, relative, frame, key));
      return;
    }
    found.add(
        new Found(e, e.toString(), -1, "symbolic link to a pipe, socket or device (" + real + "), not opened", null,
            null, real));
  }

  /** A file's identity: its file key (device and inode on Unix), or its real path where the system has no keys. */
  static Object keyOf(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.fileKey() != null ? a.fileKey() : p.toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return p.toAbsolutePath().normalize().toString();
    }
  }

  private static String linkText(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException | RuntimeException e) {
      return "an unreadable target";
    }
  }

  private static List<String> append(List<String> list, String name) {
    List<String> out = new ArrayList<>(list.size() + 1);
    out.addAll(list);
    out.add(name);
    return out;
  }
}
