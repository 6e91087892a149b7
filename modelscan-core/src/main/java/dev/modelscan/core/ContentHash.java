package dev.modelscan.core;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of an input's content, taken from the byte source the scanners read (the same open file or spool), so
 * that it names exactly the bytes that were judged even if the path is replaced afterwards.
 *
 * <p>One sequential pass in fixed chunks: memory stays at one buffer whatever the file's size (a multi-gigabyte
 * checkpoint under {@code -Xmx64m} is fine), and the bytes the scanners read moments before come from the page cache.
 */
final class ContentHash {
  /** Bytes read per call: large enough to keep system calls rare, small enough to stay out of the way of the heap. */
  static final int CHUNK = 256 * 1024;

  /**
   * Inputs at least this large are hashed on a thread of their own while the scanners read them. A large pickle's scan
   * and its hash each take a good part of a second; on a second core they overlap instead of adding up. Smaller
   * inputs are hashed after the scan, on the scanning thread: a thread would cost more than it saves, and in a folder
   * scan the other cores are busy with other files anyway.
   */
  static final long CONCURRENT_BYTES = 8L << 20;

  private ContentHash() {}

  /**
   * Starts the hash of {@code source}: on a thread of its own when the source is at least {@link #CONCURRENT_BYTES}
   * long, else when {@link Pending#get()} is called.
   *
   * @param source the content; it must stay open until {@link Pending#get()} returns (concurrent positional reads are
   *     part of the {@link ByteSource} contract)
   * @param deadline as for {@link #sha256(ByteSource, Runnable)}
   * @return the pending hash
   */
  static Pending start(ByteSource source, Runnable deadline) {
    return start(source, deadline, r -> new Thread(r, "modelscan-hash"));
  }

  /** As {@link #start(ByteSource, Runnable)}, with the thread made by {@code threads} (tests make one that fails). */
  static Pending start(ByteSource source, Runnable deadline, java.util.concurrent.ThreadFactory threads) {
    if (source.size() < CONCURRENT_BYTES) {
      return () -> sha256(source, deadline);
    }
    String[] result = {""};
    Thread t = threads.newThread(() -> result[0] = sha256(source, deadline));
    t.setDaemon(true); // never keeps a JVM alive: get() waits for it, and nothing else needs it
    try {
      t.start();
    } catch (OutOfMemoryError | RuntimeException e) {
      // No thread to be had (a container's process limit, "unable to create native thread"): the scan must not fail
      // for it, so the hash is taken after the scan on the scanning thread, as for a small input.
      return () -> sha256(source, deadline);
    }
    return () -> {
      try {
        t.join(); // join makes the thread's write of result[0] visible here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ""; // not known: never matched by a baseline or a suppression
      }
      return result[0];
    };
  }

  /** A hash being taken. */
  interface Pending {
    /**
     * Waits for the hash.
     *
     * @return as {@link #sha256(ByteSource, Runnable)}; empty when the waiting thread was interrupted
     */
    String get();
  }

  /**
   * The hash of every byte of {@code source}, with no time bound.
   *
   * @return lowercase hex, or empty when the source could not be read to its end
   */
  static String sha256(ByteSource source) {
    return sha256(source, () -> {});
  }

  /**
   * The hash of every byte of {@code source}, within the file's scan deadline.
   *
   * @param deadline called before every chunk; throws when the file's time is up (the hash pass is part of the
   *     file's scan, so a multi-gigabyte file on a slow disk cannot hold a worker past {@code --scan-timeout})
   * @return lowercase hex, or empty when the source could not be read to its end: a read failed, it ended early
   *     because the file shrank, a mapping of it was truncated under the read (InternalError), or the deadline
   *     passed. A hash of part of the content would name content that does not exist, and an empty hash is never
   *     matched by a baseline or a suppression, so the findings of such a file always count.
   */
  static String sha256(ByteSource source, Runnable deadline) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    long size = source.size();
    byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
    long pos = 0;
    try {
      while (pos < size) {
        deadline.run();
        int n = source.read(pos, buf, 0, (int) Math.min(buf.length, size - pos));
        if (n <= 0) {
          return "";
        }
        md.update(buf, 0, n);
        pos += n;
      }
    } catch (IOException | RuntimeException | InternalError e) {
      return "";
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
