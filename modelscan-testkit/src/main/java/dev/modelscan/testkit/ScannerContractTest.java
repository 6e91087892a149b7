package dev.modelscan.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelscan.api.Finding;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ModelScanner} must keep, as JUnit tests: extend this class in your scanner's test sources,
 * say which scanner and which sample files, and the inherited tests check the scanner against hostile variations of
 * those samples.
 *
 * <pre>{@code
 * class MyScannerContractTest extends ScannerContractTest {
 *   @Override
 *   protected ModelScanner scanner() {
 *     return new MyScanner();
 *   }
 *
 *   @Override
 *   protected List<Sample> samples() {
 *     return List.of(
 *         Sample.benign("plain.my", resource("plain.my")),
 *         Sample.hostile("exec.my", resource("exec.my")));
 *   }
 * }
 * }</pre>
 *
 * <h2>What is checked</h2>
 *
 * <ul>
 *   <li><b>Descriptor</b>: a stable lower-case name, a version, a description, at least one format id, lower-case
 *       extensions without dots, the current {@link ModelScanner#SPI_VERSION}; {@link ModelScanner#rules()} has unique
 *       ids.
 *   <li><b>Loadable</b>: the class is public, concrete and has a public no-argument constructor, and {@link
 *       ServiceLoader} finds it on the test class path (so the {@code META-INF/services} entry that
 *       {@code @AutoService} writes is there). Override {@link #registeredAsService()} for a scanner that is
 *       deliberately not registered.
 *   <li><b>Samples</b>: every sample is recognised; a {@linkplain Sample#benign benign} sample scans completely with
 *       no finding at {@link Severity#MEDIUM} or above; a {@linkplain Sample#hostile hostile} one is never clean (a
 *       finding at MEDIUM or above, or a status that is not complete).
 *   <li><b>recognize never throws</b> and never returns null: on seeded random bytes of many lengths, on random bytes
 *       behind each sample's magic, on truncations, bit flips, length fields set to extremes, insertions, deletions,
 *       repetitions of the samples, and on heads that claim absurd sizes (2<sup>62</sup> bytes). Empty content is
 *       never claimed with more than {@link Recognition#WEAK} confidence: a name alone must not make a claim.
 *   <li><b>scan throws only what is documented</b> ({@link ScanLimitExceededException}, {@link
 *       MalformedContentException}, {@link IOException}) on every mutated sample the scanner recognises; findings
 *       carry the scanner's name and a rule from {@link ModelScanner#rules()} or {@link StandardRules}; partial reasons
 *       are not blank.
 *   <li><b>Limits</b>: with every limit set close to its minimum the scanner still throws nothing else, and a hostile
 *       sample is still not clean: a limit must turn into a partial result, never into a silent pass. With a deadline
 *       that has already passed, the scan still ends with a documented outcome. Each test has a {@link Timeout}, so a
 *       scanner that runs away fails instead of hanging the build.
 *   <li><b>Read errors</b>: when reads of the content fail part-way, the scan ends with the {@link IOException} or a
 *       status that is not complete, never as a clean pass.
 *   <li><b>Thread safety</b>: the same inputs scanned from several threads at once, in different orders, by one
 *       shared instance give exactly the findings, statuses and members of sequential scans.
 * </ul>
 *
 * <p>Inputs are derived from a fixed {@link #seed()}, so a failure is reproducible; the failure message names the
 * seed, the sample and the mutation, and includes the input in Base64 when it is small. Run with {@code
 * -Dmodelscan.contract.seed=N} to try other seeds.
 *
 * <p>Scans run in isolation through {@link RecordingScanContext}: nested members a scanner hands back are recorded,
 * not dispatched, so a container scanner is tested on its own. Test end-to-end behaviour through the engine
 * separately.
 *
 * <p>The class name ends in {@code Test} for readability only; JUnit runs its tests through your subclass, whose name
 * must end in {@code Test} for Surefire to pick it up.
 *
 * @since 0.1
 */
public abstract class ScannerContractTest {

  /** The system property that overrides {@link #seed()}. */
  public static final String SEED_PROPERTY = "modelscan.contract.seed";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*");
  private static final int MAX_REPORTED_VIOLATIONS = 5;
  private static final int MAX_BASE64_BYTES = 2048;

  private ModelScanner scanner;

  /** For subclasses. */
  protected ScannerContractTest() {}

  /**
   * A sample file for the contract tests.
   *
   * @param name the file name, also the name hint given to {@code recognize}
   * @param content the bytes
   * @param hostile whether the sample carries something the scanner must report (or not fully analyse)
   * @since 0.1
   */
  public record Sample(String name, byte[] content, boolean hostile) {

    /**
     * Validates and copies.
     *
     * @param name name, not null
     * @param content content, not null
     * @param hostile hostile or benign
     */
    public Sample {
      Objects.requireNonNull(name, "name");
      content = content.clone();
    }

    /**
     * A sample the scanner must pass: complete, no finding at MEDIUM or above.
     *
     * @param name the file name
     * @param content the bytes
     * @return the sample
     */
    public static Sample benign(String name, byte[] content) {
      return new Sample(name, content, false);
    }

    /**
     * A sample the scanner must not pass: a finding at MEDIUM or above, or a status that is not complete.
     *
     * @param name the file name
     * @param content the bytes
     * @return the sample
     */
    public static Sample hostile(String name, byte[] content) {
      return new Sample(name, content, true);
    }

    /**
     * The bytes of the sample.
     *
     * @return a copy
     */
    @Override
    public byte[] content() {
      return content.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sample s && s.name.equals(name) && s.hostile == hostile && Arrays.equals(s.content, content);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, hostile, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
      return (hostile ? "hostile " : "benign ") + name + " (" + content.length + " bytes)";
    }
  }

  /**
   * The scanner under test. Called once per test; return a new instance or a shared one.
   *
   * @return the scanner
   */
  protected abstract ModelScanner scanner();

  /**
   * Sample files of the scanner's formats: at least one benign and one hostile. Keep them small (KBs): each is
   * mutated and scanned some hundred times.
   *
   * @return the samples
   */
  protected abstract List<Sample> samples();

  /**
   * The seed of every random input; overridden by the system property {@value #SEED_PROPERTY}.
   *
   * @return the seed
   */
  protected long seed() {
    return 0x6D6F64656CL; // "model"
  }

  /**
   * How many random mutations (combinations of one to three mutation operators) are made of each sample, on top of
   * the systematic ones.
   *
   * @return the count; 48 by default
   */
  protected int randomMutationsPerSample() {
    return 48;
  }

  /**
   * Whether the scanner is registered for {@link ServiceLoader}. Override to return false only for a scanner that is
   * meant to be added to a registry by hand.
   *
   * @return true by default
   */
  protected boolean registeredAsService() {
    return true;
  }

  /**
   * The settings used for the tight-limit tests: every format-neutral limit at or near its minimum. Override to loosen
   * one that makes your scanner unable to even start, but keep them tight; a scanner with settings of its own (an
   * extension of {@link ScanSettings}) overrides this to add them, tight too.
   *
   * @return the settings
   */
  protected ScanSettings tightSettings() {
    ScanLimits limits =
        ScanLimits.builder()
            .maxNestingDepth(1)
            .maxArchiveMembers(1)
            .maxMemberBytes(16)
            .maxTotalDecompressedBytes(32)
            .maxCompressionRatio(1)
            .maxHeaderBytes(8)
            .maxStringBytes(4)
            .maxJsonDepth(1)
            .build();
    return ScanSettings.builder().limits(limits).build();
  }

  /**
   * Reads a resource relative to the subclass, for {@link #samples()}.
   *
   * @param path the resource path, relative to the subclass's package or absolute with a leading slash
   * @return the bytes
   * @throws UncheckedIOException when it cannot be read
   * @throws IllegalArgumentException when it does not exist
   */
  protected final byte[] resource(String path) {
    try (InputStream in = getClass().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + path + " next to " + getClass().getName());
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tests

  /** The descriptor is complete, well-formed and stable. */
  @Test
  @Timeout(60)
  public void descriptorIsValid() {
    ScannerDescriptor d = scannerUnderTest().descriptor();
    assertNotNull(d, "descriptor() returned null");
    assertTrue(NAME.matcher(d.name()).matches(), "name must be lower case words with dashes: '" + d.name() + "'");
    assertFalse(d.version().isBlank(), "version must not be blank");
    assertFalse(d.description().isBlank(), "description must not be blank");
    assertFalse(d.formats().isEmpty(), "a scanner must declare the formats it claims");
    for (String f : d.formats()) {
      assertTrue(NAME.matcher(f).matches(), "format ids are lower case words with dashes: '" + f + "'");
    }
    for (String e : d.extensions()) {
      assertTrue(EXTENSION.matcher(e).matches(), "extensions are lower case, without a leading dot: '" + e + "'");
    }
    assertEquals(ModelScanner.SPI_VERSION, d.spiVersion(), "built against another SPI version");
    assertEquals(d, scannerUnderTest().descriptor(), "descriptor() must return the same value every time");
    List<Rule> rules = scannerUnderTest().rules();
    assertNotNull(rules, "rules() returned null");
    Set<String> ids = new HashSet<>();
    for (Rule r : rules) {
      assertTrue(ids.add(r.id()), "rule id listed twice: " + r.id());
      assertFalse(r.title().isBlank(), "rule " + r.id() + " has no title");
      assertFalse(r.description().isBlank(), "rule " + r.id() + " has no description");
    }
  }

  /**
   * The registry can instantiate the scanner: public, concrete, public no-argument constructor.
   *
   * @throws ReflectiveOperationException when the constructor cannot be called
   */
  @Test
  @Timeout(60)
  public void hasPublicNoArgumentConstructor() throws ReflectiveOperationException {
    Class<? extends ModelScanner> type = scannerUnderTest().getClass();
    assertTrue(Modifier.isPublic(type.getModifiers()), type.getName() + " must be public");
    assertFalse(Modifier.isAbstract(type.getModifiers()), type.getName() + " must not be abstract");
    assertTrue(
        type.getEnclosingClass() == null || Modifier.isStatic(type.getModifiers()),
        type.getName() + " must be a top-level or static nested class");
    Constructor<? extends ModelScanner> ctor;
    try {
      ctor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new AssertionError(type.getName() + " has no public no-argument constructor; ServiceLoader needs one", e);
    }
    ModelScanner fresh;
    try {
      fresh = ctor.newInstance();
    } catch (InvocationTargetException e) {
      throw new AssertionError("the no-argument constructor of " + type.getName() + " threw", e.getCause());
    }
    assertEquals(scannerUnderTest().descriptor(), fresh.descriptor(), "a new instance describes itself differently");
  }

  /** {@link ServiceLoader} finds the scanner, so it is discovered with no configuration. */
  @Test
  @Timeout(60)
  public void isDiscoverableWithServiceLoader() {
    if (!registeredAsService()) {
      return;
    }
    Class<? extends ModelScanner> type = scannerUnderTest().getClass();
    List<String> found = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Iterator<ServiceLoader.Provider<ModelScanner>> it =
        ServiceLoader.load(ModelScanner.class, type.getClassLoader()).stream().iterator();
    // Other providers on the class path may be broken; that is not this scanner's failure, so keep going.
    while (errors.size() < 100) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next().type().getName());
      } catch (ServiceConfigurationError e) {
        errors.add(e.toString());
      }
    }
    assertTrue(
        found.contains(type.getName()),
        "ServiceLoader does not find "
            + type.getName()
            + " (found "
            + found
            + (errors.isEmpty() ? "" : ", errors " + errors)
            + "): annotate it with @AutoService(ModelScanner.class) or list it in"
            + " META-INF/services/dev.modelscan.api.spi.ModelScanner");
  }

  /** Each sample is recognised and judged as its author says. */
  @Test
  @Timeout(120)
  public void samplesAreRecognisedAndJudged() {
    List<Sample> samples = checkedSamples();
    for (Sample s : samples) {
      Recognition r = scannerUnderTest().recognize(ContentHead.ofBytes(s.content, s.name));
      assertNotNull(r, "recognize returned null for " + s);
      assertTrue(r.recognised(), "sample " + s + " is not recognised; a sample must be in the scanner's format");
      assertTrue(
          scannerUnderTest().descriptor().formats().contains(r.format()),
          "claimed format '" + r.format() + "' is not declared in the descriptor");
      Outcome o = run(new Input(s, "as given", s.content), ScanSettings.defaults());
      if (o.violation != null) {
        fail(o.violation);
      }
      if (s.hostile) {
        assertFalse(o.passes(Severity.MEDIUM), "hostile sample " + s + " came out clean: " + o);
      } else {
        assertTrue(o.passes(Severity.MEDIUM) && o.complete(), "benign sample " + s + " is not clean: " + o);
      }
    }
  }

  /** {@code recognize} never throws and never returns null on random bytes, with or without a sample's magic. */
  @Test
  @Timeout(120)
  public void recognizeNeverThrowsOnRandomBytes() {
    Random random = new Random(effectiveSeed());
    List<String> names = new ArrayList<>(List.of("", "x", ".", "a.b.c", "dir/", "model.bin", "..\\x.", "\u00e9.\u00e9"));
    for (Sample s : checkedSamples()) {
      names.add(s.name);
    }
    int[] lengths = {0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 511, ContentHead.HEAD_SIZE - 1, ContentHead.HEAD_SIZE,
        ContentHead.HEAD_SIZE + 1, ContentHead.HEAD_SIZE * 3};
    List<String> violations = new ArrayList<>();
    for (int length : lengths) {
      for (String name : names) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        checkRecognize(bytes, name, "random " + length + " bytes named '" + name + "'", violations);
      }
    }
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[random.nextInt(300)];
      random.nextBytes(bytes);
      checkRecognize(bytes, names.get(random.nextInt(names.size())), "random bytes #" + i, violations);
    }
    for (Sample s : checkedSamples()) {
      for (Input in : magicPrefixed(s, random)) {
        checkRecognize(in.bytes, s.name, in.describe(), violations);
      }
      byte[] empty = new byte[0];
      Recognition r = recognizeQuietly(empty, s.name, "empty content named " + s.name, violations);
      if (r != null && r.confidence() > Recognition.WEAK) {
        violations.add("empty content named '" + s.name + "' is claimed with confidence " + r.confidence()
            + "; a name alone must not make more than a weak claim");
      }
    }
    assertNoViolations(violations);
  }

  /** {@code recognize} never throws on mutated samples or on heads that claim absurd sizes. */
  @Test
  @Timeout(120)
  public void recognizeNeverThrowsOnMutatedSamples() {
    List<String> violations = new ArrayList<>();
    for (Input in : mutatedInputs()) {
      checkRecognize(in.bytes, in.sample.name, in.describe(), violations);
    }
    Random random = new Random(effectiveSeed() ^ 0x51E);
    for (Sample s : checkedSamples()) {
      byte[] head = Arrays.copyOf(s.content, Math.min(s.content.length, ContentHead.HEAD_SIZE));
      byte[] tail = new byte[1 + random.nextInt(ContentHead.TAIL_SIZE)];
      random.nextBytes(tail);
      for (long size : new long[] {head.length + tail.length, 1L << 31, 1L << 62, Long.MAX_VALUE}) {
        String what = "head of " + s + " with " + tail.length + " random tail bytes claiming size " + size;
        try {
          Recognition r = scannerUnderTest().recognize(ContentHead.of(head, tail, size, s.name));
          if (r == null) {
            violations.add(what + ": recognize returned null");
          }
        } catch (RuntimeException | Error e) {
          violations.add(what + ": recognize threw " + stackTrace(e));
        }
      }
    }
    assertNoViolations(violations);
  }

  /** {@code scan} throws nothing but the documented exceptions on mutated samples, and reports well-formed results. */
  @Test
  @Timeout(300)
  public void scanSurvivesMutatedSamples() {
    List<String> violations = new ArrayList<>();
    Random random = new Random(effectiveSeed() ^ 0xA11);
    List<Input> inputs = new ArrayList<>(mutatedInputs());
    for (Sample s : checkedSamples()) {
      inputs.addAll(magicPrefixed(s, random));
    }
    for (Input in : inputs) {
      Outcome o = run(in, ScanSettings.defaults());
      if (o.violation != null) {
        violations.add(o.violation);
      }
    }
    assertNoViolations(violations);
  }

  /**
   * With every limit near its minimum, scans still throw nothing undocumented, and hostile samples still do not pass:
   * a limit turns into a partial result, never into a silent clean.
   */
  @Test
  @Timeout(300)
  public void tightLimitsNeverMakeAHostileSampleClean() {
    List<String> violations = new ArrayList<>();
    ScanSettings tight = tightSettings();
    for (Sample s : checkedSamples()) {
      Outcome o = run(new Input(s, "as given, under tight limits", s.content), tight);
      if (o.violation != null) {
        violations.add(o.violation);
      } else if (s.hostile && o.clean()) {
        violations.add("hostile sample " + s + " is clean under tight limits " + tight.limits()
            + ": a limit that is reached must be reported (markPartial, limitReached or ScanLimitExceededException)");
      }
    }
    for (Input in : mutatedInputs()) {
      Outcome o = run(in, tight);
      if (o.violation != null) {
        violations.add(o.violation);
      }
    }
    assertNoViolations(violations);
  }

  /**
   * A deadline that has already passed ends every scan with a documented outcome.
   *
   * @throws InterruptedException when interrupted while waiting for the deadline to pass
   */
  @Test
  @Timeout(120)
  public void expiredDeadlineEndsTheScanCleanly() throws InterruptedException {
    ScanSettings expired =
        ScanSettings.builder().limits(ScanLimits.builder().scanTimeout(Duration.ofNanos(1)).build()).build();
    List<String> violations = new ArrayList<>();
    for (Sample s : checkedSamples()) {
      Thread.sleep(1); // the 1 ns deadline starts when the context is made; make sure it has passed
      Outcome o = run(new Input(s, "as given, deadline expired", s.content), expired);
      if (o.violation != null) {
        violations.add(o.violation);
      } else if (s.hostile && o.clean()) {
        violations.add("hostile sample " + s + " is clean although its deadline had passed");
      }
    }
    assertNoViolations(violations);
  }

  /**
   * A read error is never swallowed: when the content cannot be read past some point and the scanner did try to read
   * there, the scan ends with an {@link IOException} or at least a status that is not complete. A scanner that catches
   * the error and returns normally would report a file it never saw as clean.
   */
  @Test
  @Timeout(120)
  public void readErrorsAreNeverSwallowed() {
    List<String> violations = new ArrayList<>();
    for (Sample s : checkedSamples()) {
      for (long failFrom : new long[] {0, s.content.length / 2, Math.max(0, s.content.length - 1)}) {
        FailingByteSource source = new FailingByteSource(s.content, failFrom);
        Outcome o = run(new Input(s, "reads fail from offset " + failFrom, s.content), ScanSettings.defaults(), source);
        if (o.violation != null) {
          violations.add(o.violation);
        } else if (source.failed() && o.complete()) {
          violations.add("sample " + s + ": reads from offset " + failFrom + " threw IOException, but the scan"
              + " returned normally with a complete status: the read error was swallowed");
        }
      }
    }
    assertNoViolations(violations);
  }

  /**
   * One shared instance scanning from several threads gives the results of sequential scans.
   *
   * @throws InterruptedException when interrupted while waiting for the threads
   */
  @Test
  @Timeout(300)
  public void isThreadSafe() throws InterruptedException {
    List<Input> inputs = new ArrayList<>();
    for (Sample s : checkedSamples()) {
      inputs.add(new Input(s, "as given", s.content));
    }
    List<Input> mutated = mutatedInputs();
    for (int i = 0; i < mutated.size(); i += 3) {
      inputs.add(mutated.get(i));
    }
    List<Outcome> expected = new ArrayList<>();
    for (Input in : inputs) {
      expected.add(run(in, ScanSettings.defaults()));
    }
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (int i = 0; i < inputs.size(); i++) {
            order.add(i);
          }
        }
        Collections.shuffle(order, new Random(effectiveSeed() + t));
        Callable<List<String>> task =
            () -> {
              start.await();
              List<String> mismatches = new ArrayList<>();
              for (int i : order) {
                Outcome o = run(inputs.get(i), ScanSettings.defaults());
                if (!o.equals(expected.get(i))) {
                  mismatches.add(inputs.get(i).describe() + ": concurrent " + o + " but sequential " + expected.get(i));
                }
              }
              return mismatches;
            };
        futures.add(pool.submit(task));
      }
      start.countDown();
      List<String> violations = new ArrayList<>();
      for (Future<List<String>> f : futures) {
        try {
          violations.addAll(f.get());
        } catch (ExecutionException e) {
          violations.add("a scanning thread failed: " + stackTrace(e.getCause()));
        }
      }
      assertNoViolations(violations);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inputs

  /** One input derived from a sample, with how it was derived, for failure messages. */
  private record Input(Sample sample, String mutation, byte[] bytes) {
    String describe() {
      String text = "input '" + mutation + "' of " + sample + ", " + bytes.length + " bytes";
      if (bytes.length <= MAX_BASE64_BYTES) {
        text += ", base64 " + Base64.getEncoder().encodeToString(bytes);
      }
      return text;
    }
  }

  private ModelScanner scannerUnderTest() {
    if (scanner == null) {
      scanner = Objects.requireNonNull(scanner(), "scanner() returned null");
    }
    return scanner;
  }

  private long effectiveSeed() {
    String property = System.getProperty(SEED_PROPERTY);
    return property == null || property.isBlank() ? seed() : Long.decode(property.trim());
  }

  private List<Sample> checkedSamples() {
    List<Sample> samples = samples();
    assertNotNull(samples, "samples() returned null");
    assertTrue(samples.stream().anyMatch(s -> !s.hostile), "give at least one benign sample");
    assertTrue(samples.stream().anyMatch(s -> s.hostile), "give at least one hostile sample");
    return samples;
  }

  /** Random bytes behind the first bytes of a sample, so that recognition passes and parsing goes deep. */
  private List<Input> magicPrefixed(Sample s, Random random) {
    List<Input> out = new ArrayList<>();
    for (int keep : new int[] {1, 2, 4, 8, 16, 64}) {
      if (keep > s.content.length) {
        break;
      }
      for (int i = 0; i < 4; i++) {
        byte[] bytes = new byte[keep + random.nextInt(512)];
        random.nextBytes(bytes);
        System.arraycopy(s.content, 0, bytes, 0, keep);
        out.add(new Input(s, "first " + keep + " bytes then random, #" + i, bytes));
      }
    }
    return out;
  }

  private List<Input> mutatedInputs() {
    Random random = new Random(effectiveSeed());
    List<Input> out = new ArrayList<>();
    for (Sample s : checkedSamples()) {
      byte[] b = s.content;
      int n = b.length;
      Set<Integer> cuts = new TreeSet<>(List.of(0, 1, 2, 3, 4, 7, 8, 16, n / 4, n / 2, n - 1));
      for (int i = 0; i < 3 && n > 0; i++) {
        cuts.add(random.nextInt(n));
      }
      for (int cut : cuts) {
        if (cut >= 0 && cut < n) {
          out.add(new Input(s, "truncated to " + cut + " bytes", Arrays.copyOf(b, cut)));
        }
      }
      if (n > 1) {
        out.add(new Input(s, "first byte dropped", Arrays.copyOfRange(b, 1, n)));
        out.add(new Input(s, "last half zeroed", zeroFrom(b, n / 2)));
      }
      out.add(new Input(s, "doubled", concat(b, b)));
      out.add(new Input(s, "random tail appended", concat(b, randomBytes(random, 1 + random.nextInt(64)))));
      out.add(new Input(s, "0xFF tail appended", concat(b, filled(16, (byte) 0xFF))));
      for (int i = 0; i < randomMutationsPerSample() && n > 0; i++) {
        byte[] m = b.clone();
        StringBuilder how = new StringBuilder();
        int ops = 1 + random.nextInt(3);
        for (int k = 0; k < ops; k++) {
          m = mutate(m, random, how);
        }
        out.add(new Input(s, "random mutation #" + i + ":" + how, m));
      }
    }
    return out;
  }

  /** Applies one mutation operator; the operators aim at what parsers trust: lengths, counts, terminators. */
  private static byte[] mutate(byte[] b, Random random, StringBuilder how) {
    if (b.length == 0) {
      how.append(" append");
      return randomBytes(random, 8);
    }
    int pos = random.nextInt(b.length);
    switch (random.nextInt(8)) {
      case 0 -> {
        byte[] m = b.clone();
        m[pos] ^= (byte) (1 << random.nextInt(8));
        how.append(" flip bit at ").append(pos);
        return m;
      }
      case 1 -> {
        byte[] m = b.clone();
        byte[] interesting = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF, '\n', '(', '.'};
        m[pos] = interesting[random.nextInt(interesting.length)];
        how.append(" set byte at ").append(pos).append(" to ").append(m[pos] & 0xFF);
        return m;
      }
      case 2 -> {
        // Length and count fields set to extremes: the classic way to make a parser allocate or loop without end.
        byte[] m = b.clone();
        int width = random.nextBoolean() ? 4 : 8;
        byte[][] extremes = {filled(width, (byte) 0xFF), filled(width, (byte) 0), extreme(width, true),
            extreme(width, false)};
        byte[] v = extremes[random.nextInt(extremes.length)];
        System.arraycopy(v, 0, m, pos, Math.min(width, m.length - pos));
        how.append(" ").append(width).append("-byte extreme at ").append(pos);
        return m;
      }
      case 3 -> {
        byte[] ins = randomBytes(random, 1 + random.nextInt(16));
        how.append(" insert ").append(ins.length).append(" at ").append(pos);
        return concat(Arrays.copyOf(b, pos), concat(ins, Arrays.copyOfRange(b, pos, b.length)));
      }
      case 4 -> {
        int len = 1 + random.nextInt(Math.min(64, b.length - pos));
        how.append(" delete ").append(len).append(" at ").append(pos);
        return concat(Arrays.copyOf(b, pos), Arrays.copyOfRange(b, pos + len, b.length));
      }
      case 5 -> {
        // Repeated structure: nesting and counts grow with it.
        int len = 1 + random.nextInt(Math.min(32, b.length - pos));
        byte[] chunk = Arrays.copyOfRange(b, pos, pos + len);
        byte[] rep = new byte[0];
        int times = 2 + random.nextInt(64);
        for (int i = 0; i < times; i++) {
          rep = concat(rep, chunk);
        }
        how.append(" repeat ").append(len).append(" bytes at ").append(pos).append(" x").append(times);
        return concat(Arrays.copyOf(b, pos), concat(rep, Arrays.copyOfRange(b, pos, b.length)));
      }
      case 6 -> {
        how.append(" truncate at ").append(pos);
        return Arrays.copyOf(b, pos);
      }
      default -> {
        byte[] m = b.clone();
        int len = Math.min(1 + random.nextInt(8), m.length - pos);
        byte[] r = randomBytes(random, len);
        System.arraycopy(r, 0, m, pos, len);
        how.append(" overwrite ").append(len).append(" at ").append(pos);
        return m;
      }
    }
  }

  private static byte[] extreme(int width, boolean bigEndian) {
    byte[] v = filled(width, (byte) 0xFF);
    v[bigEndian ? 0 : width - 1] = 0x7F;
    return v;
  }

  private static byte[] filled(int n, byte value) {
    byte[] b = new byte[n];
    Arrays.fill(b, value);
    return b;
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] zeroFrom(byte[] b, int from) {
    byte[] m = b.clone();
    Arrays.fill(m, from, m.length, (byte) 0);
    return m;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * A source whose reads fail with an {@link IOException} from a given offset on (a failing disk, a network mount that
   * went away), and that remembers whether any read failed. Slices share the failure point and the memory.
   */
  private static final class FailingByteSource implements ByteSource {
    private final byte[] content;
    private final long start;
    private final long length;
    private final long failFrom;
    private final AtomicBoolean failed;

    FailingByteSource(byte[] content, long failFrom) {
      this(content, 0, content.length, failFrom, new AtomicBoolean());
    }

    private FailingByteSource(
        byte[] content, long start, long length, long failFrom, AtomicBoolean failed) {
      this.content = content;
      this.start = start;
      this.length = length;
      this.failFrom = failFrom;
      this.failed = failed;
    }

    boolean failed() {
      return failed.get();
    }

    @Override
    public long size() {
      return length;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int len) throws IOException {
      Objects.checkFromIndexSize(offset, len, buffer.length);
      if (position < 0) {
        throw new IndexOutOfBoundsException("negative position " + position);
      }
      if (position >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - position);
      if (n > 0 && start + position + n > failFrom) {
        failed.set(true);
        throw new IOException("simulated read error at offset " + Math.max(failFrom, start + position));
      }
      System.arraycopy(content, (int) (start + position), buffer, offset, n);
      return n;
    }

    @Override
    public ByteSource slice(long offset, long sliceLength) {
      if (offset < 0 || sliceLength < 0 || offset > length || sliceLength > length - offset) {
        throw new IndexOutOfBoundsException("slice " + offset + "+" + sliceLength + " of " + length);
      }
      return new FailingByteSource(content, start + offset, sliceLength, failFrom, failed);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Running

  private void checkRecognize(byte[] bytes, String name, String what, List<String> violations) {
    recognizeQuietly(bytes, name, what, violations);
  }

  private Recognition recognizeQuietly(byte[] bytes, String name, String what, List<String> violations) {
    try {
      Recognition r = scannerUnderTest().recognize(ContentHead.ofBytes(bytes, name));
      if (r == null) {
        violations.add(what + ": recognize returned null instead of Recognition.none()");
      } else if (r.recognised() && !scannerUnderTest().descriptor().formats().contains(r.format())) {
        violations.add(what + ": claimed format '" + r.format() + "' is not declared in the descriptor");
      }
      return r;
    } catch (RuntimeException | Error e) {
      violations.add(what + ": recognize threw " + stackTrace(e));
      return null;
    }
  }

  /**
   * What one scan produced, in a form that compares by value: findings, partial reasons, members and the documented
   * exception, if any. {@code violation} is set when the scanner broke the contract.
   */
  private record Outcome(
      boolean recognised,
      List<String> findings,
      List<Severity> severities,
      List<String> partialReasons,
      List<String> members,
      String exception,
      String violation) {

    boolean complete() {
      return partialReasons.isEmpty() && exception == null;
    }

    boolean passes(Severity threshold) {
      return complete() && severities.stream().noneMatch(s -> s.isAtLeast(threshold));
    }

    boolean clean() {
      return complete() && findings.isEmpty();
    }
  }

  private Outcome run(Input in, ScanSettings settings) {
    return run(in, settings, ByteSource.wrap(in.bytes));
  }

  private Outcome run(Input in, ScanSettings settings, ByteSource source) {
    ModelScanner s = scannerUnderTest();
    String scannerName = s.descriptor().name();
    Recognition r;
    try {
      r = s.recognize(ContentHead.ofBytes(in.bytes, in.sample.name));
    } catch (RuntimeException | Error e) {
      return violation(in.describe() + ": recognize threw " + stackTrace(e));
    }
    if (r == null) {
      return violation(in.describe() + ": recognize returned null");
    }
    if (!r.recognised()) {
      return new Outcome(false, List.of(), List.of(), List.of(), List.of(), null, null);
    }
    RecordingScanContext ctx =
        new RecordingScanContext(source, in.sample.name, r.format(), settings, scannerName);
    String exception = null;
    try {
      s.scan(ctx);
    } catch (ScanLimitExceededException | MalformedContentException | IOException e) {
      exception = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (UncheckedIOException e) {
      // RecordingScanContext.scanMember reads a member slice eagerly and wraps the simulated read error; the engine's
      // context would record it as a failed member. Only a read error this test caused is excused.
      if (!(source instanceof FailingByteSource f && f.failed())) {
        return violation(in.describe() + ": scan threw " + stackTrace(e));
      }
      exception = "IOException (reading a member): " + e.getMessage();
    } catch (RuntimeException | Error e) {
      return violation(
          in.describe()
              + ": scan threw "
              + stackTrace(e)
              + "\n  only ScanLimitExceededException, MalformedContentException and IOException may leave scan()");
    }
    Set<String> known = knownRuleIds(s);
    List<String> findings = new ArrayList<>();
    List<Severity> severities = new ArrayList<>();
    for (Finding f : ctx.findings()) {
      if (!f.scanner().equals(scannerName)) {
        return violation(in.describe() + ": finding carries scanner '" + f.scanner() + "': " + f);
      }
      if (!known.contains(f.ruleId())) {
        return violation(in.describe() + ": rule " + f.ruleId() + " is neither in rules() nor a StandardRules rule");
      }
      if (f.message().isBlank()) {
        return violation(in.describe() + ": finding without a message: " + f);
      }
      findings.add(f.ruleId() + "|" + f.severity() + "|" + f.module() + "|" + f.operator() + "|" + f.location()
          + "|" + f.message());
      severities.add(f.severity());
    }
    for (String reason : ctx.partialReasons()) {
      if (reason.isBlank()) {
        return violation(in.describe() + ": markPartial with a blank reason");
      }
    }
    List<String> members = new ArrayList<>();
    for (RecordingScanContext.Member m : ctx.members()) {
      members.add(m.name() + "|" + m.kind() + "|" + Arrays.hashCode(m.content()));
    }
    return new Outcome(true, findings, severities, ctx.partialReasons(), members, exception, null);
  }

  private static Outcome violation(String message) {
    return new Outcome(true, List.of(), List.of(), List.of(), List.of(), null, message);
  }

  private static Set<String> knownRuleIds(ModelScanner s) {
    Set<String> ids = new HashSet<>();
    for (Rule r : s.rules()) {
      ids.add(r.id());
    }
    for (Field f : StandardRules.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == Rule.class) {
        try {
          ids.add(((Rule) f.get(null)).id());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return ids;
  }

  private void assertNoViolations(List<String> violations) {
    if (violations.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(violations.size())
        .append(" contract violation(s) by scanner '")
        .append(scannerUnderTest().descriptor().name())
        .append("' (seed ")
        .append(effectiveSeed())
        .append(", set -D")
        .append(SEED_PROPERTY)
        .append(" to change it):");
    for (String v : violations.subList(0, Math.min(MAX_REPORTED_VIOLATIONS, violations.size()))) {
      sb.append("\n- ").append(v);
    }
    if (violations.size() > MAX_REPORTED_VIOLATIONS) {
      sb.append("\n- ... and ").append(violations.size() - MAX_REPORTED_VIOLATIONS).append(" more");
    }
    fail(sb.toString());
  }

  private static String stackTrace(Throwable e) {
    StringBuilder sb = new StringBuilder(e.toString());
    StackTraceElement[] trace = e.getStackTrace();
    for (int i = 0; i < Math.min(8, trace.length); i++) {
      sb.append("\n      at ").append(trace[i]);
    }
    return sb.toString();
  }
}
