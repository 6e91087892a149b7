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
 * <p>Run: {@code java -jar modelscan-bench/target/benchmarks.jar PickleMachineBenchmark} or through the JMH runner
 * on the class path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PickleMachineBenchmark {

  /** Which stream to scan. */
  @Param({"opcodeDense", "bulkBytes"})
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
    content = "bulkBytes".equals(shape) ? bulkBytes(mebibytes << 20) : opcodeDense(mebibytes << 20, 42);
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
