package dev.modelscan.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * Seeded random cases for property tests written as plain JUnit parameterized tests.
 *
 * <p>A property test draws its inputs from a {@link SeededCases} built from one {@code long} seed, so every case is
 * reproducible from that number alone. {@link #seeds(String, int)} gives a fixed list of seeds for
 * {@code @MethodSource}; {@link #check(long, Consumer)} runs one case and, when it fails, rethrows with the seed and
 * the way to replay it in the message:
 *
 * <pre>{@code
 * static LongStream cases() { return SeededCases.seeds("anyBytes", 300); }
 *
 * @ParameterizedTest(name = "seed {0}")
 * @MethodSource("cases")
 * void anyBytesGiveAStatus(long seed) {
 *   SeededCases.check(seed, g -> assertThat(scan(g.bytes(2048)).status()).isNotNull());
 * }
 * }</pre>
 *
 * <p>The seeds of a property depend only on its name and the case count, so a run is the same on every machine. The
 * system property {@value #SEED_PROPERTY} replaces the list by one seed, to replay a failure; the system property
 * {@value #SALT_PROPERTY} shifts every list, to explore new cases on purpose.
 *
 * <p>Like the generators of property-testing libraries, the draws favour edge cases: sizes 0, 1 and the maximum, and
 * the byte values 0, 1, 0x7F, 0x80 and 0xFF come up far more often than uniform drawing would make them. An instance
 * is not thread-safe; make one per case.
 *
 * @since 0.2
 */
public final class SeededCases {

  /** System property that replaces every seed list by this one seed (decimal or {@code 0x} hex). */
  public static final String SEED_PROPERTY = "modelscan.seed";

  /** System property mixed into every seed list (any text), to draw cases that the fixed lists do not. */
  public static final String SALT_PROPERTY = "modelscan.seed.salt";

  private static final byte[] EDGE_BYTES = {0, 1, 0x7F, (byte) 0x80, (byte) 0xFF};

  private final long seed;
  private final SplittableRandom random;

  private SeededCases(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /**
   * Starts drawing from a seed.
   *
   * @param seed the seed; the same seed always gives the same draws
   * @return a new generator
   */
  public static SeededCases of(long seed) {
    return new SeededCases(seed);
  }

  /**
   * The seeds for one property: {@code count} numbers derived from {@code property}, or only the seed named by the
   * system property {@value #SEED_PROPERTY} when it is set.
   *
   * @param property a name for the property, usually the test method's name; different names give different seeds
   * @param count how many cases to run, at least 1
   * @return the seeds, in a fixed order
   * @throws IllegalArgumentException if {@code count} is less than 1
   */
  public static LongStream seeds(String property, int count) {
    Objects.requireNonNull(property, "property");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    String replay = System.getProperty(SEED_PROPERTY);
    if (replay != null && !replay.isBlank()) {
      return LongStream.of(Long.decode(replay.trim()));
    }
    String salt = System.getProperty(SALT_PROPERTY, "");
    SplittableRandom base = new SplittableRandom(fnv1a(property + '\u0000' + salt));
    return LongStream.generate(base::nextLong).limit(count);
  }

  /**
   * Runs one case. An assertion failure or exception is rethrown as an {@link AssertionError} whose message names
   * the seed and how to replay it; the original failure is its cause.
   *
   * @param seed the case's seed
   * @param property the property, given the case's generator
   */
  public static void check(long seed, Consumer<SeededCases> property) {
    SeededCases cases = of(seed);
    try {
      property.accept(cases);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "property failed for seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + "): " + e,
          e);
    }
  }

  /**
   * The seed this generator started from.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * An int in {@code [min, max]}, inclusive; the bounds themselves are drawn more often than uniformly.
   *
   * @param min the smallest value
   * @param max the largest value, at least {@code min}
   * @return the value
   */
  public int intBetween(int min, int max) {
    if (max < min) {
      throw new IllegalArgumentException("max < min: " + max + " < " + min);
    }
    int pick = random.nextInt(16);
    if (pick == 0) {
      return min;
    }
    if (pick == 1) {
      return max;
    }
    return (int) (min + random.nextLong((long) max - min + 1));
  }

  /**
   * A size in {@code [0, max]}: 0, 1 and {@code max} are favoured, small sizes more likely than large ones.
   *
   * @param max the largest size
   * @return the size
   */
  public int size(int max) {
    return sizeBetween(0, max);
  }

  /**
   * A size in {@code [min, max]}, favouring the bounds and small sizes.
   *
   * @param min the smallest size
   * @param max the largest size, at least {@code min}
   * @return the size
   */
  public int sizeBetween(int min, int max) {
    if (max < min) {
      throw new IllegalArgumentException("max < min: " + max + " < " + min);
    }
    int pick = random.nextInt(10);
    if (pick == 0) {
      return min;
    }
    if (pick == 1) {
      return max;
    }
    if (pick == 2 && min <= 1 && max >= 1) {
      return 1;
    }
    int span = max - min;
    // Half the draws stay within the first sixteenth of the range: short inputs reach more parser states per byte.
    int bound = random.nextBoolean() ? Math.max(1, span / 16) : span;
    return min + random.nextInt(bound + 1);
  }

  /**
   * One byte; the edge values 0, 1, 0x7F, 0x80 and 0xFF come up about one time in eight.
   *
   * @return the byte
   */
  public byte nextByte() {
    if (random.nextInt(8) == 0) {
      return EDGE_BYTES[random.nextInt(EDGE_BYTES.length)];
    }
    return (byte) random.nextInt(256);
  }

  /**
   * Bytes of a length from {@link #size(int)}.
   *
   * @param maxLength the longest array
   * @return a new array
   */
  public byte[] bytes(int maxLength) {
    return bytes(0, maxLength);
  }

  /**
   * Bytes of a length from {@link #sizeBetween(int, int)}.
   *
   * @param minLength the shortest array
   * @param maxLength the longest array
   * @return a new array
   */
  public byte[] bytes(int minLength, int maxLength) {
    byte[] b = new byte[sizeBetween(minLength, maxLength)];
    for (int i = 0; i < b.length; i++) {
      b[i] = nextByte();
    }
    return b;
  }

  /**
   * Bytes drawn mostly from {@code alphabet}: each byte is from it with probability {@code weight / (weight + 1)},
   * otherwise any byte.
   *
   * @param alphabet the favoured bytes, not empty
   * @param weight how many times more likely the alphabet is than any byte, at least 0
   * @param maxLength the longest array
   * @return a new array
   */
  public byte[] bytesFrom(byte[] alphabet, int weight, int maxLength) {
    if (alphabet.length == 0) {
      throw new IllegalArgumentException("empty alphabet");
    }
    byte[] b = new byte[size(maxLength)];
    for (int i = 0; i < b.length; i++) {
      b[i] = random.nextInt(weight + 1) < weight ? alphabet[random.nextInt(alphabet.length)] : nextByte();
    }
    return b;
  }

  /**
   * A string of up to {@code maxLength} chars: mostly printable ASCII, with JSON and markup punctuation, controls,
   * non-ASCII letters, and now and then an unpaired surrogate.
   *
   * @param maxLength the longest string, in chars
   * @return the string
   */
  public String string(int maxLength) {
    int n = size(maxLength);
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(20);
      if (kind < 12) {
        s.append((char) (0x20 + random.nextInt(0x5F)));
      } else if (kind < 15) {
        s.append("{}[]\":,\\".charAt(random.nextInt(8)));
      } else if (kind < 17) {
        s.append((char) random.nextInt(0x20));
      } else if (kind < 19) {
        s.append((char) (0xA0 + random.nextInt(0x2000)));
      } else {
        s.append((char) (0xD800 + random.nextInt(0x800)));
      }
    }
    return s.toString();
  }

  /**
   * A string whose UTF-8 bytes are {@link #string(int)}'s.
   *
   * @param maxLength the longest string, in chars
   * @return the encoded bytes (an unpaired surrogate becomes {@code ?})
   */
  public byte[] utf8(int maxLength) {
    return string(maxLength).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One element of a list, uniformly.
   *
   * @param <T> the element type
   * @param choices the choices, not empty
   * @return one of them
   */
  public <T> T pick(List<? extends T> choices) {
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("nothing to pick from");
    }
    return choices.get(random.nextInt(choices.size()));
  }

  /**
   * True with probability {@code 1 / n}.
   *
   * @param n the odds, at least 1
   * @return whether this draw hit
   */
  public boolean oneIn(int n) {
    return random.nextInt(n) == 0;
  }

  /**
   * A list of up to {@code maxSize} elements, each drawn by {@code element}.
   *
   * @param <T> the element type
   * @param maxSize the longest list
   * @param element draws one element from this generator
   * @return a new, modifiable list
   */
  public <T> List<T> listOf(int maxSize, Function<SeededCases, T> element) {
    int n = size(maxSize);
    List<T> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(element.apply(this));
    }
    return out;
  }

  @Override
  public String toString() {
    return "SeededCases[seed=" + seed + "]";
  }

  private static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
