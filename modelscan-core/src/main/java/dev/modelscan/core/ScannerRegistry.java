package dev.modelscan.core;

import dev.modelscan.api.Rule;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.api.spi.SettingsExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scanners a scan can dispatch to: those discovered with {@link ServiceLoader} on a class loader, plus those an
 * embedder registers, minus those it excludes.
 *
 * <p>Discovery is tolerant: a provider that cannot be loaded or instantiated (a broken plugin jar, a missing
 * constructor) is recorded in {@link #problems()} and the others still load, because one bad plugin must not switch the
 * scanner off. Two scanners with the same name keep the first in name order of their classes and report the other;
 * two scanners that declare the same format are both kept and reported, and dispatch between them is deterministic
 * (higher confidence, then scanner name).
 *
 * <p>Immutable and thread-safe once built. This is the only class that calls {@code ServiceLoader}.
 *
 * @since 0.1
 */
public final class ScannerRegistry {

  /**
   * A scanner's claim on some content, as returned by {@link #claims(ContentHead)}.
   *
   * @param scanner the claiming scanner
   * @param recognition what it claims
   * @since 0.1
   */
  public record Claim(ModelScanner scanner, Recognition recognition) {
    /**
     * Validates the components.
     *
     * @param scanner scanner, not null
     * @param recognition recognition, not null
     */
    public Claim {
      Objects.requireNonNull(scanner, "scanner");
      Objects.requireNonNull(recognition, "recognition");
    }

    /**
     * The claiming scanner's name.
     *
     * @return the name from its descriptor
     */
    public String scannerName() {
      return scanner.descriptor().name();
    }
  }

  private static final Comparator<Claim> BEST_FIRST =
      Comparator.comparingInt((Claim c) -> -c.recognition().confidence()).thenComparing(Claim::scannerName);

  private final List<ModelScanner> scanners;
  private final List<ScannerDescriptor> descriptors;
  private final List<String> problems;
  private final Map<String, List<String>> extensionOwners;
  private final List<SettingsExtension<?>> settingsExtensions;

  private ScannerRegistry(
      List<ModelScanner> scanners, List<String> problems, List<SettingsExtension<?>> settingsExtensions) {
    this.scanners = List.copyOf(scanners);
    this.settingsExtensions = List.copyOf(settingsExtensions);
    this.descriptors = scanners.stream().map(ModelScanner::descriptor).toList();
    this.problems = List.copyOf(problems);
    Map<String, List<String>> owners = new TreeMap<>();
    for (ScannerDescriptor d : descriptors) {
      for (String ext : d.extensions()) {
        owners.computeIfAbsent(ext, k -> new ArrayList<>()).add(d.name());
      }
    }
    owners.replaceAll((k, v) -> List.copyOf(v));
    this.extensionOwners = Map.copyOf(owners);
  }

  /**
   * The scanners found with {@link ServiceLoader} on the given class loader. Inside a Maven plugin or an application
   * server, pass the loader that sees the scanner jars (for a plugin, its own class's loader).
   *
   * @param classLoader where to look
   * @return the registry
   */
  public static ScannerRegistry load(ClassLoader classLoader) {
    return builder().classLoader(classLoader).build();
  }

  /**
   * The scanners on the class path of the class loader that loaded modelscan-core.
   *
   * @return the registry
   */
  public static ScannerRegistry loadDefault() {
    return load(ScannerRegistry.class.getClassLoader());
  }

  /**
   * A builder for a registry that discovers scanners on this class's loader unless told otherwise.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The settings types of the scanner modules found beside the scanners (see {@link SettingsExtension}), sorted by
   * type name: what front ends offer options for.
   *
   * @return the extensions
   */
  public List<SettingsExtension<?>> settingsExtensions() {
    return settingsExtensions;
  }

  /**
   * Every rule a scan with this registry may report: the engine's own ({@link StandardRules#all()}) first, then each
   * scanner's, by scanner name, each id once (the first declaration wins). A SARIF report lists them so that viewers
   * can describe every finding; the rules page is made from them.
   *
   * @return the rules, in a stable order
   */
  public List<Rule> rules() {
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (Rule r : StandardRules.all()) {
      rules.putIfAbsent(r.id(), r);
    }
    for (ModelScanner s : scanners) {
      for (Rule r : s.rules()) {
        rules.putIfAbsent(r.id(), r);
      }
    }
    return List.copyOf(rules.values());
  }

  /**
   * The scanners, sorted by name.
   *
   * @return the scanners
   */
  public List<ModelScanner> scanners() {
    return scanners;
  }

  /**
   * The descriptors of {@link #scanners()}, in the same order.
   *
   * @return the descriptors
   */
  public List<ScannerDescriptor> descriptors() {
    return descriptors;
  }

  /**
   * What went wrong or looks wrong while loading: providers that failed to load, duplicate names, formats claimed by
   * two scanners, scanners built against another SPI version. Empty when all is well.
   *
   * @return messages for people, in a deterministic order
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * The names of the scanners whose descriptors list the extension.
   *
   * @param extension lower case, without the dot
   * @return scanner names, empty when none lists it
   */
  public List<String> extensionOwners(String extension) {
    return extensionOwners.getOrDefault(extension, List.of());
  }

  /**
   * Every scanner's claim on the content, best first: highest confidence, then scanner name. A scanner that throws
   * from {@code recognize} is treated as making no claim (its contract says it never throws).
   *
   * @param head the content's head
   * @return the claims with positive confidence, best first
   */
  public List<Claim> claims(ContentHead head) {
    List<Claim> claims = new ArrayList<>(2);
    for (ModelScanner s : scanners) {
      Recognition r;
      try {
        r = s.recognize(head);
      } catch (RuntimeException | StackOverflowError | LinkageError e) {
        // A broken recognizer must not stop dispatch to the others; a plugin built against other classes throws a
        // LinkageError on first use. Content only it would claim is then unrecognised (skipped), never clean.
        continue;
      }
      if (r != null && r.recognised()) {
        claims.add(new Claim(s, r));
      }
    }
    claims.sort(BEST_FIRST);
    return claims;
  }

  /**
   * Builds a {@link ScannerRegistry}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private ClassLoader classLoader = ScannerRegistry.class.getClassLoader();
    private boolean discover = true;
    private final List<ModelScanner> added = new ArrayList<>();
    private final Set<String> excluded = new TreeSet<>();

    private Builder() {}

    /**
     * Sets the class loader to discover scanners on.
     *
     * @param value the class loader, not null
     * @return this builder
     */
    public Builder classLoader(ClassLoader value) {
      classLoader = Objects.requireNonNull(value, "classLoader");
      return this;
    }

    /**
     * Turns discovery with {@link ServiceLoader} on (the default) or off (only {@link #add added} scanners).
     *
     * @param value whether to discover
     * @return this builder
     */
    public Builder discover(boolean value) {
      discover = value;
      return this;
    }

    /**
     * Registers a scanner in addition to the discovered ones. A registered scanner with the name of a discovered one
     * replaces it, and the replacement is reported in {@link ScannerRegistry#problems()}.
     *
     * @param scanner the scanner
     * @return this builder
     */
    public Builder add(ModelScanner scanner) {
      added.add(Objects.requireNonNull(scanner, "scanner"));
      return this;
    }

    /**
     * Leaves out the scanner with this name, whether discovered or added.
     *
     * @param scannerName the name from its descriptor
     * @return this builder
     */
    public Builder exclude(String scannerName) {
      excluded.add(Objects.requireNonNull(scannerName, "scannerName"));
      return this;
    }

    /**
     * Discovers, merges and checks the scanners.
     *
     * @return the registry
     */
    public ScannerRegistry build() {
      List<String> problems = new ArrayList<>();
      List<ModelScanner> discovered = discover ? discover(problems) : List.of();
      Map<String, ModelScanner> byName = new LinkedHashMap<>();
      for (ModelScanner s : discovered) {
        String name = s.descriptor().name();
        ModelScanner previous = byName.putIfAbsent(name, s);
        if (previous != null) {
          problems.add(
              "two scanners are named '"
                  + name
                  + "': kept "
                  + previous.getClass().getName()
                  + ", ignored "
                  + s.getClass().getName());
        }
      }
      for (ModelScanner s : added) {
        String name = s.descriptor().name();
        ModelScanner previous = byName.put(name, s);
        if (previous != null && !previous.getClass().equals(s.getClass())) {
          problems.add(
              "scanner '" + name + "' " + previous.getClass().getName() + " replaced by " + s.getClass().getName());
        }
      }
      excluded.forEach(byName::remove);
      List<ModelScanner> sorted = new ArrayList<>(byName.values());
      sorted.sort(Comparator.comparing((ModelScanner s) -> s.descriptor().name()));
      Map<String, List<String>> formatOwners = new TreeMap<>();
      for (ModelScanner s : sorted) {
        ScannerDescriptor d = s.descriptor();
        if (d.spiVersion() != ModelScanner.SPI_VERSION) {
          problems.add(
              "scanner '"
                  + d.name()
                  + "' was built against SPI version "
                  + d.spiVersion()
                  + ", this engine implements "
                  + ModelScanner.SPI_VERSION);
        }
        for (String f : d.formats()) {
          formatOwners.computeIfAbsent(f, k -> new ArrayList<>()).add(d.name());
        }
      }
      formatOwners.forEach(
          (format, owners) -> {
            if (owners.size() > 1) {
              problems.add(
                  "format '"
                      + format
                      + "' is claimed by several scanners "
                      + owners
                      + "; dispatch picks the higher confidence, then the first name");
            }
          });
      List<SettingsExtension<?>> extensions = discover ? discoverSettings(problems) : new ArrayList<>();
      return new ScannerRegistry(sorted, problems, extensions);
    }

    /** The settings extensions on the class loader, loaded as the scanners are: a broken one is reported. */
    @SuppressWarnings("rawtypes")
    private List<SettingsExtension<?>> discoverSettings(List<String> problems) {
      List<SettingsExtension<?>> found = new ArrayList<>();
      Iterator<SettingsExtension> it = ServiceLoader.load(SettingsExtension.class, classLoader).iterator();
      int errors = 0;
      while (errors < 100) {
        try {
          if (!it.hasNext()) {
            break;
          }
          SettingsExtension<?> e = it.next();
          e.type();
          found.add(e);
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
          problems.add("a settings provider could not be loaded: " + e);
          errors++;
        }
      }
      found.sort(Comparator.comparing((SettingsExtension<?> e) -> e.type().getName()));
      return found;
    }

    /**
     * Loads every provider, one at a time, so that a broken one is reported and skipped. Sorted by class name so the
     * result does not depend on the order of jars on the class path.
     */
    private List<ModelScanner> discover(List<String> problems) {
      List<ModelScanner> found = new ArrayList<>();
      Iterator<ModelScanner> it = ServiceLoader.load(ModelScanner.class, classLoader).iterator();
      // ServiceLoader only promises a best effort to go on after an error; bound the errors so that a loader that
      // keeps failing on the same entry cannot loop forever.
      int errors = 0;
      while (errors < 100) {
        try {
          if (!it.hasNext()) {
            break;
          }
          ModelScanner s = it.next();
          s.descriptor(); // a scanner whose descriptor throws is as broken as one that cannot load
          found.add(s);
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
          problems.add("a scanner provider could not be loaded: " + e);
          errors++;
        }
      }
      found.sort(Comparator.comparing(s -> s.getClass().getName()));
      return found;
    }
  }
}
