package dev.modelscan.robustness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The committed test fixtures of every other module, read in place so that nothing is copied: Surefire runs with the
 * module directory as working directory, so {@code ../../formats/modelscan-x/src/test/resources} is the fixture tree
 * of format module {@code modelscan-x}. A scanner module that lands later is picked up without a change here.
 */
public final class Fixtures {

  /** Fixtures larger than this are left out: mutations of big files only slow the properties down. */
  static final long MAX_FIXTURE_BYTES = 64 * 1024;

  private static final List<Fixture> ALL = load();

  /**
   * One committed fixture.
   *
   * @param module the module that owns it, e.g. {@code modelscan-pickle}
   * @param relative its path below that module's test resources, with forward slashes
   * @param bytes its content
   */
  public record Fixture(String module, String relative, byte[] bytes) {
    /**
     * The base name, used as the name hint when scanning.
     *
     * @return the last path segment
     */
    public String fileName() {
      return relative.substring(relative.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
      return module + ":" + relative + " (" + bytes.length + " bytes)";
    }
  }

  private Fixtures() {}

  /**
   * Every fixture of every module, sorted by module and path.
   *
   * @return the fixtures, possibly empty when no module has any yet
   */
  public static List<Fixture> all() {
    return ALL;
  }

  /**
   * The fixtures of one module.
   *
   * @param module the module directory name
   * @return its fixtures
   */
  public static List<Fixture> of(String module) {
    return ALL.stream().filter(f -> f.module().equals(module)).toList();
  }

  /**
   * The fixtures whose file name ends with one of the suffixes (case-insensitive).
   *
   * @param suffixes suffixes such as {@code ".pkl"}
   * @return the matching fixtures
   */
  public static List<Fixture> withSuffix(String... suffixes) {
    List<Fixture> out = new ArrayList<>();
    for (Fixture f : ALL) {
      String n = f.fileName().toLowerCase(Locale.ROOT);
      for (String s : suffixes) {
        if (n.endsWith(s)) {
          out.add(f);
          break;
        }
      }
    }
    return out;
  }

  private static List<Fixture> load() {
    // Surefire runs in tests/modelscan-robustness: the repository is two levels up, and modules sit at its top level
    // (engine, products) and under formats/.
    Path repo = Path.of("../..").toAbsolutePath().normalize();
    List<Fixture> out = new ArrayList<>();
    try {
      for (Path parent : List.of(repo, repo.resolve("formats"))) {
        try (Stream<Path> modules = Files.list(parent)) {
          for (Path module : modules.sorted().toList()) {
            String name = module.getFileName().toString();
            Path resources = module.resolve("src/test/resources");
            if (!name.startsWith("modelscan-") || !Files.isDirectory(resources)) {
              continue;
            }
            try (Stream<Path> files = Files.walk(resources)) {
              for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = resources.relativize(f).toString().replace('\\', '/');
                if (isFixture(rel) && Files.size(f) <= MAX_FIXTURE_BYTES) {
                  out.add(new Fixture(name, rel, Files.readAllBytes(f)));
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(out);
  }

  /** Generator scripts, service files and test configuration are not model content. */
  private static boolean isFixture(String rel) {
    String lower = rel.toLowerCase(Locale.ROOT);
    return !lower.startsWith("meta-inf/")
        && !lower.endsWith(".py")
        && !lower.endsWith(".md")
        && !lower.endsWith(".properties");
  }
}
