package dev.modelscan.core;

import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small scanners for toy formats that exercise the engine without any real format module. */
final class TestScanners {
  private TestScanners() {}

  static final Rule EVIL =
      Rule.of("TEST-EVIL", "Evil marker", "The toy payload EVIL.", Severity.CRITICAL, ThreatType.DESERIALIZATION);

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Base for toy scanners: claims content starting with a 4-byte magic. */
  abstract static class MagicScanner implements ModelScanner {
    private final String magic;
    private final String format;
    private final int confidence;
    private final List<String> extensions;

    MagicScanner(String magic, String format, int confidence, List<String> extensions) {
      this.magic = magic;
      this.format = format;
      this.confidence = confidence;
      this.extensions = extensions;
    }

    @Override
    public ScannerDescriptor descriptor() {
      return ScannerDescriptor.of(format, "1", "toy " + format, List.of(format), extensions);
    }

    @Override
    public Recognition recognize(ContentHead head) {
      return head.startsWith(ascii(magic)) ? Recognition.of(format, confidence) : Recognition.none();
    }

    @Override
    public List<Rule> rules() {
      return List.of(EVIL);
    }
  }

  /**
   * Claims printable ASCII (no byte above 0x7E, no C0 control but tab, newline and carriage return) at weak confidence as
   * format {@code text}, the way the real text scanner in modelscan-archive claims what nothing else recognises. The
   * engine tests need such a fallback claimant but must not depend on a format module.
   */
  static final class PlainTextScanner implements ModelScanner {
    @Override
    public ScannerDescriptor descriptor() {
      return ScannerDescriptor.of("text", "1", "toy plain text", List.of("text"), List.of("txt"));
    }

    @Override
    public Recognition recognize(ContentHead head) {
      int n = head.headLength();
      if (n == 0) {
        return Recognition.none();
      }
      byte[] b = new byte[n];
      head.head().get(b);
      for (byte x : b) {
        if (!printable(x)) {
          return Recognition.none();
        }
      }
      return Recognition.of("text", Recognition.WEAK);
    }

    @Override
    public void scan(ScanContext context) throws IOException {
      ByteSource source = context.source();
      byte[] buf = new byte[4096];
      for (long pos = 0; pos < source.size(); ) {
        int n = source.read(pos, buf, 0, (int) Math.min(buf.length, source.size() - pos));
        if (n <= 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          if (!printable(buf[i])) {
            context.markPartial("binary content at offset " + (pos + i) + " after text");
            return;
          }
        }
        pos += n;
      }
    }

    private static boolean printable(byte x) {
      return x == '\t' || x == '\n' || x == '\r' || (x >= 0x20 && x != 0x7F);
    }
  }

  /** "MARK" content: a finding at the offset of every "EVIL". */
  public static final class MarkerScanner extends MagicScanner {
    /** Public for ServiceLoader. */
    public MarkerScanner() {
      super("MARK", "marker", Recognition.CERTAIN, List.of("mark"));
    }

    @Override
    public void scan(ScanContext ctx) throws IOException {
      byte[] all = ctx.source().readBytes(0, (int) ctx.source().size());
      String s = new String(all, StandardCharsets.ISO_8859_1);
      for (int i = s.indexOf("EVIL"); i >= 0; i = s.indexOf("EVIL", i + 1)) {
        ctx.report(ctx.finding(EVIL).offset(i).module("toy").operator("evil").message("EVIL at " + i).build());
      }
    }
  }

  /**
   * "NEST" content: members as [kind byte 'C' or 'O'][4-digit decimal length][bytes]..., handed back as slices.
   */
  static final class NestScanner extends MagicScanner {
    NestScanner() {
      super("NEST", "nest", Recognition.CERTAIN, List.of("nest"));
    }

    @Override
    public void scan(ScanContext ctx) throws IOException {
      ByteSource src = ctx.source();
      long pos = 4;
      int i = 0;
      while (pos + 5 <= src.size()) {
        byte[] h = src.readBytes(pos, 5);
        MemberKind kind = h[0] == 'O' ? MemberKind.OPAQUE_DATA : MemberKind.CONTENT;
        int len = Integer.parseInt(new String(h, 1, 4, StandardCharsets.US_ASCII));
        if (pos + 5 + len > src.size()) {
          throw new MalformedContentException(pos, "member " + i + " runs past the end");
        }
        ctx.scanMember("m" + i++, src.slice(pos + 5, len), kind);
        pos += 5 + len;
      }
    }
  }

  /**
   * "DECL a,b" content: declares the named neighbours of its input file as data of the model
   * (ScanContext.declareCompanion), as ONNX does for external tensor data.
   */
  static final class CompanionScanner extends MagicScanner {
    CompanionScanner() {
      super("DECL", "decl", Recognition.CERTAIN, List.of("decl"));
    }

    @Override
    public void scan(ScanContext ctx) throws IOException {
      String s = new String(ctx.source().readBytes(4, (int) ctx.source().size() - 4), StandardCharsets.US_ASCII);
      // Names are looked up in the input file's folder. Nested content has no folder: there the scanner makes up a
      // file named by the absolute path, as a hostile scanner could, and the engine must ignore the declaration.
      for (String name : s.trim().split(",")) {
        if (name.isEmpty()) {
          continue;
        }
        if (ctx.siblings().isPresent()) {
          ctx.declareCompanion(ctx.siblings().get().find(name));
        } else {
          java.nio.file.Path p = java.nio.file.Path.of(name).toAbsolutePath();
          ctx.declareCompanion(
              new dev.modelscan.api.spi.SiblingFile(name, dev.modelscan.api.spi.SiblingFile.Kind.FILE, false, 1,
                  p.toString(), ""));
        }
      }
    }
  }

  static byte[] nest(String... members) {
    StringBuilder sb = new StringBuilder("NEST");
    for (String m : members) {
      char kind = m.startsWith("~") ? 'O' : 'C';
      String body = m.startsWith("~") ? m.substring(1) : m;
      sb.append(kind).append(String.format("%04d", body.length())).append(body);
    }
    return ascii(sb.toString());
  }

  /** "BOMB": hands back an endless stream of zeros that claims to come from 10 compressed bytes. */
  static final class BombScanner extends MagicScanner {
    BombScanner() {
      super("BOMB", "bomb", Recognition.CERTAIN, List.of());
    }

    @Override
    public void scan(ScanContext ctx) {
      ctx.scanMember("inflated", new ZeroStream(Long.MAX_VALUE), 10, MemberKind.CONTENT);
    }
  }

  /** "GROW": hands back a stream of the given number of 'MARK EVIL ' repetitions, as if from a good compressor. */
  static final class GrowScanner extends MagicScanner {
    GrowScanner() {
      super("GROW", "grow", Recognition.CERTAIN, List.of());
    }

    @Override
    public void scan(ScanContext ctx) throws IOException {
      int reps = Integer.parseInt(new String(ctx.source().readBytes(4, 4), StandardCharsets.US_ASCII));
      byte[] body = ascii("MARK EVIL ".repeat(reps));
      ctx.scanMember("grown", new java.io.ByteArrayInputStream(body), -1, MemberKind.CONTENT);
    }
  }

  /** "BOOM": reports one finding, then fails like a buggy scanner. */
  static final class CrashingScanner extends MagicScanner {
    CrashingScanner() {
      super("BOOM", "boom", Recognition.CERTAIN, List.of());
    }

    @Override
    public void scan(ScanContext ctx) {
      ctx.report(ctx.finding(EVIL).message("before the crash").build());
      throw new IllegalStateException("bug");
    }
  }

  /**
   * "FAIL kind": throws what a scanner can throw besides exceptions, as the JVM would: {@code internal} an
   * InternalError (what an unsafe access to a memory-mapped file truncated under the scan raises), {@code linkage} a
   * NoClassDefFoundError (a plugin built against classes that are missing), {@code stack} a real StackOverflowError,
   * {@code oom} an OutOfMemoryError, {@code assert} an AssertionError, anything else an IllegalStateException. A
   * finding is reported first, to check that it is kept.
   */
  static final class ErrorScanner extends MagicScanner {
    ErrorScanner() {
      super("FAIL", "fail", Recognition.CERTAIN, List.of());
    }

    @Override
    public void scan(ScanContext ctx) throws IOException {
      String kind = new String(ctx.source().readBytes(5, (int) ctx.source().size() - 5), StandardCharsets.US_ASCII)
          .trim();
      ctx.report(ctx.finding(EVIL).message("before the error").build());
      switch (kind) {
        case "internal":
          throw new InternalError("a fault occurred in an unsafe memory access operation");
        case "linkage":
          throw new NoClassDefFoundError("org/example/Missing");
        case "stack":
          recurse(0);
          break;
        case "oom":
          throw new OutOfMemoryError("Java heap space");
        case "assert":
          throw new AssertionError("broken invariant");
        default:
          throw new IllegalStateException("bug");
      }
    }

    private static int recurse(int n) {
      return recurse(n + 1) + 1;
    }
  }

  /** Claims "LINK" content but its recognizer fails as a plugin with a missing dependency does. */
  static final class LinkageRecognizer extends MagicScanner {
    LinkageRecognizer() {
      super("LINK", "link", Recognition.CERTAIN, List.of());
    }

    @Override
    public Recognition recognize(ContentHead head) {
      throw new NoClassDefFoundError("org/example/Missing");
    }

    @Override
    public void scan(ScanContext ctx) {}
  }

  /**
   * "EDIT n": changes its own input file while it is scanned, as a concurrent writer would: appends bytes when n is
   * positive, truncates the file to |n| bytes when it is negative. Then reads the whole content it was given.
   */
  static final class SelfEditingScanner extends MagicScanner {
    SelfEditingScanner() {
      super("EDIT", "edit", Recognition.CERTAIN, List.of());
    }

    @Override
    public void scan(ScanContext ctx) throws IOException {
      java.nio.file.Path file = ctx.inputFile().orElseThrow();
      int n = Integer.parseInt(new String(ctx.source().readBytes(5, 4), StandardCharsets.US_ASCII).trim());
      if (n >= 0) {
        java.nio.file.Files.write(file, new byte[n], java.nio.file.StandardOpenOption.APPEND);
      } else {
        try (java.nio.channels.FileChannel ch =
            java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
          ch.truncate(-n);
        }
      }
      ctx.source().readBytes(0, (int) ctx.source().size());
    }
  }

  /** "SLOW": loops until the deadline stops it. */
  static final class SlowScanner extends MagicScanner {
    SlowScanner() {
      super("SLOW", "slow", Recognition.CERTAIN, List.of());
    }

    @Override
    public void scan(ScanContext ctx) {
      while (true) {
        ctx.checkDeadline();
        Thread.onSpinWait();
      }
    }
  }

  /** Claims "MARK" content too, strongly, as another format: makes MARK files polyglots. */
  static final class RivalScanner extends MagicScanner {
    RivalScanner() {
      super("MARK", "rival", Recognition.STRONG, List.of());
    }

    @Override
    public void scan(ScanContext ctx) {}
  }

  /** A stream of zeros. */
  static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long length) {
      this.left = length;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }

  /** Registered in test META-INF/services with no public no-argument constructor: must be reported, not fatal. */
  public static final class BrokenProvider extends MagicScanner {
    /**
     * Not usable by ServiceLoader.
     *
     * @param unused anything
     */
    public BrokenProvider(String unused) {
      super("XXXX", "broken", Recognition.CERTAIN, List.of());
    }

    @Override
    public void scan(ScanContext ctx) {}
  }
}
