package dev.modelscan.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What kind of thing a path handed to the facade is, and how to read the kinds whose size is not their content.
 *
 * <p>A regular file is read by position with its size taken once. Everything else named directly (not met inside a
 * walked directory, where the walk skips it) is handled here so that nothing is ever "empty, complete" without a byte
 * read: a pipe or FIFO ({@code /dev/stdin}, {@code <(cat model.pkl)}, {@code mkfifo}) and a kernel file that reports
 * size 0 or a made-up size ({@code /proc}, {@code /sys}) are read as a stream under a byte bound and the file's
 * deadline; a device or socket is refused without being opened.
 */
final class InputFiles {

  /**
   * How long to wait for a FIFO to get a writer. Opening a FIFO for reading blocks until some process opens it for
   * writing; a named one that nobody writes to hung the scan for ever.
   */
  static final Duration FIFO_OPEN_WAIT = Duration.ofSeconds(2);

  private InputFiles() {}

  /** The kinds of path the facade tells apart. */
  enum Kind {
    /** A regular file whose size is its content: read by position. */
    REGULAR,
    /** A directory: walked. */
    DIRECTORY,
    /** A regular file whose size cannot be trusted (size 0, or a kernel file system): read as a stream. */
    KERNEL_FILE,
    /** A pipe or FIFO: opened with a bounded wait and read as a stream. */
    PIPE,
    /** A character or block device: refused, never opened. */
    DEVICE,
    /** A socket: refused, never opened. */
    SOCKET,
    /** Something else that is not a file: refused. */
    OTHER,
    /** Nothing there, or its attributes cannot be read. */
    MISSING
  }

  /**
   * What a path is, with symbolic links followed (a link named on the command line means its target).
   *
   * @param kind the kind
   * @param size the size the file system reports, -1 when unknown or meaningless
   * @param modified the modification time, or null
   * @param problem why the attributes could not be read, or null
   */
  record Probe(Kind kind, long size, FileTime modified, String problem) {}

  static Probe probe(Path p) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (IOException | RuntimeException e) {
      return new Probe(Kind.MISSING, -1, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (a.isDirectory()) {
      return new Probe(Kind.DIRECTORY, -1, a.lastModifiedTime(), null);
    }
    if (a.isRegularFile()) {
      Kind k = a.size() == 0 || onKernelFileSystem(p) ? Kind.KERNEL_FILE : Kind.REGULAR;
      return new Probe(k, a.size(), a.lastModifiedTime(), null);
    }
    return new Probe(specialKind(p), -1, null, null);
  }

  /**
   * Files under /proc and /sys are made by the kernel as they are read: their size is 0 or a page, whatever they
   * hold. Judged on the resolved path, so that a link to one (/dev/stdin is /proc/self/fd/0) counts too.
   */
  private static boolean onKernelFileSystem(Path p) {
    try {
      String real = p.toRealPath().toString();
      return real.startsWith("/proc/") || real.startsWith("/sys/");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The file type bits of stat(2)'s st_mode, where the platform offers the "unix" view (Linux, macOS). */
  private static Kind specialKind(Path p) {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(p, "unix:mode");
    } catch (IOException | RuntimeException e) {
      return Kind.OTHER;
    }
    switch (mode & 0170000) {
      case 0010000:
        return Kind.PIPE;
      case 0020000:
      case 0060000:
        return Kind.DEVICE;
      case 0140000:
        return Kind.SOCKET;
      default:
        return Kind.OTHER;
    }
  }

  /**
   * What a path that was collected as a regular file is just before it is opened: {@link Kind#REGULAR} with its size
   * and modification time when it still is a regular file that is not empty, else what {@link #probe} says (an empty
   * file may be a kernel file, and a path may have been replaced by a FIFO since it was listed). Costs one stat for
   * the common case.
   */
  static Probe beforeOpen(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      if (a.isRegularFile() && a.size() > 0) {
        return new Probe(Kind.REGULAR, a.size(), a.lastModifiedTime(), null);
      }
    } catch (IOException | RuntimeException e) {
      return new Probe(Kind.MISSING, -1, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return probe(p);
  }

  /** The size and modification time of a regular file now, to compare with those taken before its scan. */
  static Probe recheck(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return new Probe(Kind.REGULAR, a.size(), a.lastModifiedTime(), null);
    } catch (IOException | RuntimeException e) {
      return new Probe(Kind.MISSING, -1, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Signals that a FIFO got no writer within the wait. */
  static final class NoWriterException extends IOException {
    private static final long serialVersionUID = 1L;

    NoWriterException(String message) {
      super(message);
    }
  }

  /**
   * Opens a pipe, FIFO or kernel file for reading. A FIFO's open blocks until a writer comes, so it runs on a daemon
   * thread and is given up after {@code wait}; the blocked open is then released by opening the FIFO for reading and
   * writing at once (which Linux never blocks), so no thread stays stuck.
   *
   * @throws NoWriterException when no writer came within the wait
   */
  static FileChannel openForStream(Path p, Kind kind, Duration wait) throws IOException {
    if (kind != Kind.PIPE) {
      return FileChannel.open(p, StandardOpenOption.READ);
    }
    CompletableFuture<FileChannel> opening = new CompletableFuture<>();
    Thread opener =
        new Thread(
            () -> {
              try {
                opening.complete(FileChannel.open(p, StandardOpenOption.READ));
              } catch (Throwable e) {
                opening.completeExceptionally(e);
              }
            },
            "modelscan-fifo-open");
    opener.setDaemon(true);
    opener.start();
    try {
      return opening.get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Whatever the opener gets from now on is closed at once; then let it through.
      opening.thenAccept(InputFiles::closeQuietly);
      try {
        // Opened and closed only to end the blocked open: nothing is written.
        FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
      } catch (IOException | RuntimeException ignored) {
        // the opener stays blocked on a daemon thread; it cannot hold the scan up
      }
      throw new NoWriterException(
          "a FIFO (named pipe) that no process opened for writing within " + wait.toMillis() + " ms; nothing was read");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("could not open: " + c, c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      opening.thenAccept(InputFiles::closeQuietly);
      throw new IOException("interrupted while opening a FIFO", e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing was read from it
    }
  }

  /** How a stream read ended. */
  enum StreamEnd {
    /** The stream ended: every byte was read. */
    COMPLETE,
    /** The byte bound was reached with bytes left. */
    TOO_LARGE,
    /** The deadline passed while the stream still had not ended. */
    DEADLINE
  }

  /**
   * Reads a channel to its end into the spool, at most {@code maxBytes}, until the deadline. A read that blocks (a
   * writer that never writes nor closes) is ended at the deadline by closing the channel from a timer thread, which
   * wakes the blocked read.
   */
  static StreamEnd spool(FileChannel ch, Spool spool, long maxBytes, long deadlineNanos) throws IOException {
    AtomicBoolean expired = new AtomicBoolean();
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return StreamEnd.DEADLINE;
    }
    ScheduledFuture<?> alarm =
        Timer.INSTANCE.schedule(
            () -> {
              expired.set(true);
              closeQuietly(ch);
            },
            remaining,
            TimeUnit.NANOSECONDS);
    try {
      InputStream in = Channels.newInputStream(ch);
      Spool.Stop stop = spool.fill(in, maxBytes, Long.MAX_VALUE, Long.MAX_VALUE);
      return stop == null ? StreamEnd.COMPLETE : StreamEnd.TOO_LARGE;
    } catch (IOException e) {
      if (expired.get()) {
        return StreamEnd.DEADLINE;
      }
      throw e;
    } finally {
      alarm.cancel(false);
    }
  }

  /** One daemon timer for every stream read, created on first use. */
  private static final class Timer {
    static final ScheduledExecutorService INSTANCE =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "modelscan-stream-deadline");
              t.setDaemon(true);
              return t;
            });
  }

  /** Describes a kind for a status reason. */
  static String describe(Kind kind) {
    Objects.requireNonNull(kind, "kind");
    switch (kind) {
      case DEVICE:
        return "a device";
      case SOCKET:
        return "a socket";
      case PIPE:
        return "a pipe";
      case DIRECTORY:
        return "a directory";
      default:
        return "not a regular file";
    }
  }
}
