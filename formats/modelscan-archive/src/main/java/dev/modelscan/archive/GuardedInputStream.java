package dev.modelscan.archive;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.spi.ScanContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.tukaani.xz.MemoryLimitException;

/**
 * Wraps a decompressing stream handed to {@link ScanContext#scanMember(String, InputStream, long,
 * dev.modelscan.api.spi.MemberKind)} so that a corrupt stream ends the member instead of failing the whole scan.
 *
 * <p>Decoders throw {@link IOException}s and, for some corrupt input, unchecked exceptions. Either one would abort
 * the scan of the archive and lose every member after this one, so the error is remembered, the stream reports its
 * end, and the scanner reports the error after the member's scan ({@link #reportFailure}). Everything decompressed
 * before the error has been scanned: a loader reading the same stream would have acted on it too.
 *
 * <p>It also counts the bytes read and whether the end was reached, so that checks that need the whole content (a
 * zip member's CRC and size) are made only when it was read whole.
 */
final class GuardedInputStream extends FilterInputStream {

  /** Opens the decoder; its constructor reads headers and may fail like any read. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  private final Opener opener;
  private long count;
  private boolean eof;
  private Exception failure;

  GuardedInputStream(InputStream in) {
    super(in);
    this.opener = null;
  }

  /** A stream that opens its decoder on the first read, so that a bad header is a recorded failure too. */
  GuardedInputStream(Opener opener) {
    super(null);
    this.opener = opener;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failure != null || eof) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    try {
      if (in == null) {
        in = opener.open();
      }
      int n = in.read(b, off, len);
      if (n < 0) {
        eof = true;
      } else {
        count += n;
      }
      return n;
    } catch (IOException | RuntimeException e) {
      if (e instanceof ScanLimitExceededException) {
        throw (ScanLimitExceededException) e;
      }
      failure = e;
      return -1;
    }
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public int available() {
    return 0;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** The engine may close the stream it was given; the scanner releases the decoder itself with {@link #release}. */
  @Override
  public void close() {}

  /** Releases the decoder (native inflater memory, dictionaries), ignoring errors: the scan result is already made. */
  void release() {
    if (in != null) {
      try {
        in.close();
      } catch (IOException | RuntimeException e) {
        // Nothing useful to do: the content was already read or the failure recorded.
      }
    }
  }

  /** Bytes delivered so far. */
  long count() {
    return count;
  }

  /** Whether the decoder reported its regular end. */
  boolean reachedEnd() {
    return eof && failure == null;
  }

  /** The error that ended the stream, or null. */
  Exception failure() {
    return failure;
  }

  /**
   * Reports the error that ended the stream, if any: a limit when the decoder refused a dictionary larger than
   * allowed, otherwise a corrupt-stream finding; either way the result is partial.
   *
   * @return true when there was an error
   */
  boolean reportFailure(ScanContext ctx, String what, long offset) {
    if (failure == null) {
      return false;
    }
    if (failure instanceof MemoryLimitException) {
      MemoryLimitException m = (MemoryLimitException) failure;
      ctx.limitReached(
          ArchiveSupport.decoderMemoryExceeded(ctx.limits(), m.getMemoryNeeded(), what), offset);
      return true;
    }
    if (failure instanceof org.apache.commons.compress.MemoryLimitException) {
      org.apache.commons.compress.MemoryLimitException m =
          (org.apache.commons.compress.MemoryLimitException) failure;
      ctx.limitReached(
          ArchiveSupport.decoderMemoryExceeded(ctx.limits(), m.getMemoryNeededInKb(), what), offset);
      return true;
    }
    String msg = what + ": decompression failed after " + count + " bytes (" + describe(failure) + ")";
    Finding f = ctx.finding(ArchiveRules.CORRUPT_STREAM).offset(offset).message(msg + ".").build();
    ctx.report(f);
    ctx.markPartial(msg);
    return true;
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }
}
