package dev.modelscan.bench;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.pickle.PickleScanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pickle opcode loop: an opcode-dense stream (small ints, floats, short strings, memo traffic, containers) and a
 * bulk-bytes stream (a few large BINBYTES arguments, which must be skipped by position, not read). Inputs are
 * generated from a fixed seed. Throughput in bytes per second is {@code size} times the operations per second.
 *
 * <p>Run: {@code java -jar tests/modelscan-bench/target/benchmarks.jar PickleMachineBenchmark} or through the JMH runner
 * on the class path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PickleMachineBenchmark {

  /**
   * Which stream to scan: the random opcode stream, the bulk-bytes stream, or two shapes of real files as {@code
   * pickle.dump(..., protocol=4)} writes them (issue 17): {@code records}, a list of (int, str, int, None, True)
   * tuples, and {@code vocabulary}, a dict of 8-character str keys to ints. In both, every string and tuple is
   * memoised, so the memo grows by one entry every 9 to 16 bytes.
   */
  @Param({"opcodeDense", "bulkBytes", "records", "vocabulary"})
  public String shape;

  /** Approximate size of the stream in MiB. */
  @Param({"16"})
  public int mebibytes;

  private byte[] content;
  private final PickleScanner scanner = new PickleScanner();

  /** Creates the benchmark state; JMH calls this. */
  public PickleMachineBenchmark() {}

  /** Generates the stream once per trial, from a fixed seed. */
  @Setup(Level.Trial)
  public void generate() {
    content =
        switch (shape) {
          case "bulkBytes" -> bulkBytes(mebibytes << 20);
          case "records" -> records(Integer.MAX_VALUE, mebibytes << 20);
          case "vocabulary" -> vocabulary(Integer.MAX_VALUE, mebibytes << 20);
          default -> opcodeDense(mebibytes << 20, 42);
        };
  }

  /**
   * Scans the stream once.
   *
   * @param bh sink for the result
   * @throws IOException never, the stream is in memory
   */
  @Benchmark
  public void scan(Blackhole bh) throws IOException {
    CountingContext ctx = new CountingContext(ByteSource.wrap(content));
    scanner.scan(ctx);
    bh.consume(ctx.findings);
    bh.consume(ctx.partial);
  }

  /** A stream of many small opcodes in nested lists, like the state of a large scikit-learn model. */
  static byte[] opcodeDense(int size, long seed) {
    Random rnd = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 64);
    out.write(0x80);
    out.write(4);
    out.write(']'); // EMPTY_LIST
    out.write(0x94); // MEMOIZE
    int memo = 1;
    while (out.size() < size) {
      out.write('('); // MARK
      for (int i = 0; i < 500; i++) {
        switch (rnd.nextInt(8)) {
          case 0:
            out.write('K');
            out.write(rnd.nextInt(256));
            break;
          case 1:
            out.write('J');
            writeInt(out, rnd.nextInt());
            break;
          case 2:
            out.write('G');
            writeLong(out, Double.doubleToLongBits(rnd.nextDouble()));
            break;
          case 3:
            out.write('N');
            break;
          case 4:
            out.write(0x8c); // SHORT_BINUNICODE
            int n = 1 + rnd.nextInt(12);
            out.write(n);
            for (int k = 0; k < n; k++) {
              out.write('a' + rnd.nextInt(26));
            }
            break;
          case 5:
            out.write(0x88); // NEWTRUE
            out.write(0x94); // MEMOIZE
            memo++;
            break;
          case 6:
            out.write('h'); // BINGET of an entry that exists
            out.write(rnd.nextInt(Math.min(memo, 256)));
            break;
          default:
            out.write('K');
            out.write(1);
            out.write('K');
            out.write(2);
            out.write(0x86); // TUPLE2
            break;
        }
      }
      out.write('e'); // APPENDS
    }
    out.write('.');
    return out.toByteArray();
  }

  /**
   * {@code pickle.dump([(i % 250, 'k%d' % (i % 5000), i * 7919 % 65536, None, True) for i in range(n)],
   * protocol=4)}, opcode by opcode as CPython's pickler writes it (batches of 1,000 APPENDS, every str and tuple
   * memoised, a FRAME about every 64 KiB), stopping early at {@code maxBytes}.
   */
  static byte[] records(int n, int maxBytes) {
    Framed out = new Framed();
    out.op(']').op(0x94);
    int memo = 1;
    for (int i = 0; i < n && out.size() < maxBytes; ) {
      out.op('(');
      for (int end = Math.min(n, i + 1000); i < end; i++) {
        out.op('(');
        out.op('K').op(i % 250);
        out.str("k" + (i % 5000));
        out.op(0x94);
        out.integer(i * 7919 % 65536);
        out.op('N').op(0x88).op('t').op(0x94);
        memo += 2;
        out.endOfItem();
      }
      out.op('e');
    }
    return out.finish();
  }

  /**
   * {@code pickle.dump({'w%07d' % i: i for i in range(n)}, protocol=4)}, opcode by opcode (batches of 1,000
   * SETITEMS, every key memoised, a FRAME about every 64 KiB), stopping early at {@code maxBytes}.
   */
  static byte[] vocabulary(int n, int maxBytes) {
    Framed out = new Framed();
    out.op('}').op(0x94);
    for (int i = 0; i < n && out.size() < maxBytes; ) {
      out.op('(');
      for (int end = Math.min(n, i + 1000); i < end; i++) {
        out.str(String.format("w%07d", i));
        out.op(0x94);
        out.endOfItem();
        out.integer(i);
        out.endOfItem();
      }
      out.op('u');
    }
    return out.finish();
  }

  /** Writes protocol 4 opcodes in frames of about 64 KiB, each announced by a FRAME opcode, as CPython does. */
  static final class Framed {
    private final ByteArrayOutputStream all = new ByteArrayOutputStream(1 << 20);
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream(1 << 17);

    Framed() {
      all.write(0x80);
      all.write(4);
    }

    Framed op(int b) {
      frame.write(b);
      return this;
    }

    void str(String s) {
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      frame.write(0x8c);
      frame.write(b.length);
      frame.writeBytes(b);
    }

    void integer(int v) {
      if (v < 256) {
        frame.write('K');
        frame.write(v);
      } else if (v < 65536) {
        frame.write('M');
        frame.write(v & 0xff);
        frame.write(v >>> 8);
      } else {
        frame.write('J');
        writeInt(frame, v);
      }
    }

    int size() {
      return all.size() + frame.size();
    }

    /** CPython commits a frame once it reaches 64 KiB, between two objects. */
    void endOfItem() {
      if (frame.size() >= 64 * 1024) {
        commit();
      }
    }

    private void commit() {
      all.write(0x95);
      long n = frame.size();
      for (int i = 0; i < 8; i++) {
        all.write((int) (n >>> (8 * i)));
      }
      all.writeBytes(frame.toByteArray());
      frame.reset();
    }

    byte[] finish() {
      frame.write('.');
      commit();
      return all.toByteArray();
    }
  }

  /** A stream of a list of 1 MiB BINBYTES arguments: the machine must skip them by position. */
  static byte[] bulkBytes(int size) {
    int chunk = 1 << 20;
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 64);
    out.write(0x80);
    out.write(4);
    out.write(']');
    while (out.size() < size) {
      out.write('B');
      writeInt(out, chunk);
      out.writeBytes(new byte[chunk]);
      out.write('a'); // APPEND
    }
    out.write('.');
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    for (int i = 0; i < 4; i++) {
      out.write(v >>> (8 * i));
    }
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int i = 7; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }

  /** The smallest context a scanner can run in: counts findings, records nothing else. */
  static final class CountingContext implements ScanContext {
    private final ByteSource source;
    int findings;
    int partial;

    CountingContext(ByteSource source) {
      this.source = source;
    }

    @Override
    public ByteSource source() {
      return source;
    }

    @Override
    public String format() {
      return "pickle";
    }

    @Override
    public void refineFormat(String format) {}

    @Override
    public String name() {
      return "bench.pkl";
    }

    @Override
    public Location location() {
      return new Location("bench.pkl", "", -1);
    }

    @Override
    public int depth() {
      return 0;
    }

    @Override
    public ScanSettings settings() {
      return ScanSettings.defaults();
    }

    @Override
    public Finding.Builder finding(Rule rule) {
      return Finding.builder(rule).location(location()).scanner("pickle");
    }

    @Override
    public void report(Finding finding) {
      findings++;
    }

    @Override
    public void markPartial(String reason) {
      partial++;
    }

    @Override
    public void limitReached(ScanLimitExceededException exceeded, long offset) {
      partial++;
    }

    @Override
    public void checkDeadline() {}

    @Override
    public MemberResult scanMember(String name, ByteSource content, MemberKind kind) {
      return new MemberResult(name, "", ScanStatus.COMPLETE, "", "");
    }

    @Override
    public MemberResult scanMember(String name, InputStream decompressed, long compressedSize, MemberKind kind) {
      return new MemberResult(name, "", ScanStatus.COMPLETE, "", "");
    }
  }
}
