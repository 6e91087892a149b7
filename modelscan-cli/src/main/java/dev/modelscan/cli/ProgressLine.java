package dev.modelscan.cli;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanListener;
import dev.modelscan.core.report.TerminalText;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A one-line progress display on standard error: files done, bytes, current file. Redrawn at most 10 times a second. */
final class ProgressLine implements ScanListener {
  private final PrintWriter err;
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private volatile int total;
  private volatile long totalBytes;
  private volatile long lastDraw;
  private volatile int width;

  ProgressLine(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void scanStarted(int fileCount, long allBytes) {
    total = fileCount;
    totalBytes = allBytes;
  }

  @Override
  public void fileStarted(String path, long size) {
    draw(path, false);
  }

  @Override
  public void fileFinished(FileResult result) {
    done.incrementAndGet();
    bytes.addAndGet(Math.max(0, result.size()));
    draw(result.path(), done.get() == total);
  }

  private synchronized void draw(String current, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    // The name comes from the scanned tree: escaped, so that a newline or escape sequence in it cannot draw lines.
    String safe = TerminalText.escape(current);
    String name = safe.length() > 50 ? "..." + safe.substring(safe.length() - 47) : safe;
    String line =
        String.format(
            "[%d/%d files, %s of %s] %s", done.get(), total, human(bytes.get()), human(totalBytes), name);
    int pad = Math.max(0, width - line.length());
    err.print("\r" + line + " ".repeat(pad));
    err.flush();
    width = line.length();
  }

  synchronized void clear() {
    err.print("\r" + " ".repeat(width) + "\r");
    err.flush();
  }

  private static String human(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1L << 20) {
      return String.format("%.1f KiB", n / 1024.0);
    }
    if (n < 1L << 30) {
      return String.format("%.1f MiB", n / (double) (1L << 20));
    }
    return String.format("%.2f GiB", n / (double) (1L << 30));
  }
}
