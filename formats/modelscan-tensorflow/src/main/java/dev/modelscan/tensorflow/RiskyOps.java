package dev.modelscan.tensorflow;

import dev.modelscan.api.Severity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The TensorFlow operations that reach outside the computation, loaded once from {@code risky-ops.tsv} (a data file,
 * so the list can be reviewed and extended without touching code).
 */
final class RiskyOps {

  /** What an operation does when it runs. */
  enum Kind {
    PYTHON,
    FILE_READ,
    FILE_WRITE,
    NETWORK,
    /** Checkpoint save/restore: expected in a SavedModel's saver, reported only outside it. */
    CHECKPOINT
  }

  /** One entry of the list. */
  record Op(String name, Kind kind, Severity severity, String effect) {}

  private static final Map<String, Op> OPS = load();

  private RiskyOps() {}

  static Optional<Op> lookup(String op) {
    return Optional.ofNullable(OPS.get(op));
  }

  static int size() {
    return OPS.size();
  }

  private static Map<String, Op> load() {
    Map<String, Op> ops = new HashMap<>();
    try (InputStream in = RiskyOps.class.getResourceAsStream("risky-ops.tsv")) {
      if (in == null) {
        throw new IllegalStateException("risky-ops.tsv missing from the modelscan-tensorflow jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] c = line.split("\t");
        if (c.length != 4) {
          throw new IllegalStateException("risky-ops.tsv: expected 4 columns: " + line);
        }
        Kind kind = Kind.valueOf(c[1].toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        ops.put(c[0], new Op(c[0], kind, Severity.parse(c[2]), c[3]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(ops);
  }
}
