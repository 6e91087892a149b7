package dev.modelscan.robustness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every committed fixture of every module plus every {@link Samples generated sample}: the inputs to mutate. */
public final class Seeds {

  /**
   * A named input.
   *
   * @param name where it comes from, e.g. {@code modelscan-pickle/pickle/evil.pkl} or {@code generated/evil.7z}
   * @param bytes its content
   */
  public record Seed(String name, byte[] bytes) {
    @Override
    public String toString() {
      return name + " (" + bytes.length + " bytes)";
    }
  }

  private static final List<Seed> ALL = load();

  private Seeds() {}

  /**
   * All seeds, fixtures first.
   *
   * @return the seeds
   */
  public static List<Seed> all() {
    return ALL;
  }

  private static List<Seed> load() {
    List<Seed> seeds = new ArrayList<>();
    for (Fixtures.Fixture f : Fixtures.all()) {
      seeds.add(new Seed(f.module() + "/" + f.relative(), f.bytes()));
    }
    for (Map.Entry<String, byte[]> s : Samples.all().entrySet()) {
      seeds.add(new Seed("generated/" + s.getKey(), s.getValue()));
    }
    return List.copyOf(seeds);
  }
}
