package dev.modelscan.cli;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.core.ScannerRegistry;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Third-party scanner jars for the command line: from {@code --plugin-path}, the environment variable {@value #ENV} and
 * the {@code plugins/} folder of the installation, loaded with one {@link URLClassLoader} whose parent sees the
 * built-in scanners, so that {@link ScannerRegistry#load(ClassLoader)} finds both.
 *
 * <p>An entry is a jar or a folder whose {@code *.jar} files are all loaded (not its sub-folders). An entry given on the
 * command line or in the environment that does not exist is a usage error: a scan that silently runs without the
 * scanner its user asked for would pass content nobody looked at. The installation's {@code plugins/} folder is
 * optional.
 */
final class PluginPath implements AutoCloseable {

  /** The environment variable with plugin entries, separated by {@link File#pathSeparator}. */
  static final String ENV = "MODELSCAN_PLUGIN_PATH";

  /** The system property the launcher sets to the installation folder (the one that holds {@code bin/}). */
  static final String HOME_PROPERTY = "modelscan.home";

  private final List<Path> jars;
  private final URLClassLoader loader;

  private PluginPath(List<Path> jars) {
    this.jars = List.copyOf(jars);
    if (jars.isEmpty()) {
      loader = null;
    } else {
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        try {
          urls[i] = jars.get(i).toUri().toURL();
        } catch (MalformedURLException e) {
          throw new IllegalArgumentException("plugin jar " + jars.get(i) + ": " + e.getMessage(), e);
        }
      }
      loader = new URLClassLoader("modelscan-plugins", urls, PluginPath.class.getClassLoader());
    }
  }

  /**
   * Collects the plugin jars, in order: command line, environment, installation folder; each jar once.
   *
   * @param flags the {@code --plugin-path} values
   * @param env the value of {@value #ENV}, or null
   * @param home the installation folder, or null when unknown
   * @return the plugin path
   * @throws IllegalArgumentException naming the flag or variable when an entry does not exist or cannot be listed
   */
  static PluginPath resolve(List<Path> flags, String env, Path home) {
    Set<Path> jars = new LinkedHashSet<>();
    for (Path p : flags) {
      add(jars, p, "--plugin-path " + p);
    }
    if (env != null) {
      for (String entry : env.split(File.pathSeparator, -1)) {
        if (!entry.isBlank()) {
          add(jars, Path.of(entry.strip()), ENV + " entry " + entry.strip());
        }
      }
    }
    if (home != null) {
      Path dir = home.resolve("plugins");
      if (Files.isDirectory(dir)) {
        add(jars, dir, "plugin folder " + dir);
      }
    }
    return new PluginPath(new ArrayList<>(jars));
  }

  /**
   * The plugin path of this process: {@code --plugin-path} values, {@value #ENV} and the installation's {@code
   * plugins/} folder.
   *
   * @param flags the {@code --plugin-path} values
   * @return the plugin path
   * @throws IllegalArgumentException when an entry does not exist
   */
  static PluginPath forProcess(List<Path> flags) {
    return resolve(flags, System.getenv(ENV), installationFolder());
  }

  /**
   * Where modelscan is installed: the {@value #HOME_PROPERTY} property (set by {@code bin/modelscan}, which resolves
   * its own symbolic links), else the folder above the one holding the CLI's jar ({@code lib/} or {@code target/}).
   *
   * @return the folder, or null when it cannot be told (classes run from a folder, as in tests)
   */
  static Path installationFolder() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    Path jar = codeLocation(PluginPath.class);
    if (jar == null || !Files.isRegularFile(jar)) {
      return null;
    }
    Path dir = jar.toAbsolutePath().getParent();
    return dir == null ? null : dir.getParent();
  }

  private static void add(Set<Path> jars, Path entry, String what) {
    if (Files.isDirectory(entry)) {
      try (Stream<Path> s = Files.list(entry)) {
        s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
            .filter(Files::isRegularFile)
            .sorted()
            .forEach(p -> jars.add(p.toAbsolutePath().normalize()));
      } catch (IOException e) {
        throw new IllegalArgumentException(what + ": the folder cannot be listed (" + e.getMessage() + ")", e);
      }
    } else if (Files.isRegularFile(entry)) {
      jars.add(entry.toAbsolutePath().normalize());
    } else {
      throw new IllegalArgumentException(what + ": no such jar or folder");
    }
  }

  /**
   * The plugin jars, absolute.
   *
   * @return the jars, in load order
   */
  List<Path> jars() {
    return jars;
  }

  /**
   * The registry of the built-in scanners and the plugins.
   *
   * @return the registry
   */
  ScannerRegistry registry() {
    return loader == null ? ScannerRegistry.loadDefault() : ScannerRegistry.load(loader);
  }

  /**
   * Where a scanner came from, for {@code --list-scanners}.
   *
   * @param scanner a scanner of {@link #registry()}
   * @return {@code built-in}, or the plugin jar's path
   */
  String origin(ModelScanner scanner) {
    if (loader == null || scanner.getClass().getClassLoader() != loader) {
      return "built-in";
    }
    Path jar = codeLocation(scanner.getClass());
    return jar == null ? "plugin" : jar.toString();
  }

  private static Path codeLocation(Class<?> type) {
    try {
      CodeSource cs = type.getProtectionDomain().getCodeSource();
      if (cs == null || cs.getLocation() == null) {
        return null;
      }
      return Path.of(cs.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /** Closes the plugins' class loader (its open jar files). */
  @Override
  public void close() {
    if (loader != null) {
      try {
        loader.close();
      } catch (IOException ignored) {
        // only open jar files are at stake, and the process is about to end
      }
    }
  }
}
