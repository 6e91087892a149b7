package dev.modelscan.maven;

import dev.modelscan.api.ScanSettings;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.WalkOptions;
import dev.modelscan.core.options.ScanOptions;
import dev.modelscan.core.report.ReportPolicy;
import dev.modelscan.core.report.ReportFormat;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Scans model files for hidden code and hostile content, and fails the build when it finds any.
 *
 * <p>Nothing is deserialized or executed: files are recognised by their content and analysed statically, with
 * everything nested in them (archive members, compressed streams, embedded pickles). Reports are written in SARIF
 * (for code-scanning views) and JSON to {@code target/modelscan/}.
 *
 * <p>The build fails when a finding reaches {@code failOnSeverity}, and, unless {@code failOnIncomplete} is false,
 * when a file could not be scanned completely: content that was not analysed is not known to be safe.
 *
 * @since 0.1
 */
@Mojo(name = "scan", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ScanMojo extends AbstractMojo {

  /** The project's resource directories: the default {@link #paths}. */
  @Parameter(defaultValue = "${project.build.resources}", readonly = true, required = true)
  private List<Resource> resources;

  /** The project's directory, to show paths relative to it. */
  @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
  private File basedir;

  /**
   * Files and directories to scan; directories are walked recursively (symbolic links inside them are not
   * followed). By default the project's resource directories that exist. An explicit path that does not exist fails
   * the build, because a typo would otherwise scan nothing and pass.
   */
  @Parameter(property = "modelscan.paths")
  private List<File> paths;

  /** The severity from which a finding fails the build: CRITICAL, HIGH, MEDIUM or LOW (default MEDIUM). */
  @Parameter(property = "modelscan.failOnSeverity")
  private String failOnSeverity;

  /**
   * Whether a file that was not completely scanned fails the build (true by default). A file is incomplete when a
   * limit was reached, when it or a member of it is in a format no scanner recognises, or when it is malformed: the
   * part that was not analysed may hide anything, so the library never calls it clean and neither does the build.
   * Set to false to only report such files as warnings.
   */
  @Parameter(property = "modelscan.failOnIncomplete", defaultValue = "true")
  private boolean failOnIncomplete;

  /** {@code thorough} (report everything not known to be safe; the default) or {@code quick} (only the known dangerous). */
  @Parameter(property = "modelscan.mode")
  private String mode;

  /** How many levels of nested content are followed below a file (library default 10). */
  @Parameter(property = "modelscan.maxNestingDepth")
  private Integer maxNestingDepth;

  /** How many members of one archive are scanned (library default 10000). */
  @Parameter(property = "modelscan.maxArchiveMembers")
  private Integer maxArchiveMembers;

  /** How many bytes one decompressed member may have, such as {@code 512m} or {@code 2g} (library default 2g). */
  @Parameter(property = "modelscan.maxMemberBytes")
  private String maxMemberBytes;

  /** How many decompressed bytes one file may produce in all, such as {@code 8g} (library default 8g). */
  @Parameter(property = "modelscan.maxTotalDecompressedBytes")
  private String maxTotalDecompressedBytes;

  /** The largest decompressed-to-compressed ratio of a member over 1 MiB (library default 200). */
  @Parameter(property = "modelscan.maxCompressionRatio")
  private Integer maxCompressionRatio;

  /** How many groups and datasets of one HDF5 file (a Keras {@code .h5}) are walked (library default 200000). */
  @Parameter(property = "modelscan.maxHdf5Objects")
  private Integer maxHdf5Objects;

  /** How long the scan of one file may take, such as {@code 30s}, {@code 10m} or {@code PT1H} (default 10m). */
  @Parameter(property = "modelscan.scanTimeout")
  private String scanTimeout;

  /** Files larger than this, such as {@code 4g}, are not scanned, which makes them incomplete (default: no limit). */
  @Parameter(property = "modelscan.maxFileSize")
  private String maxFileSize;

  /** Python globals ({@code module.qualname}) to treat as safe; the built-in dangerous ones cannot be allowed. */
  @Parameter
  private List<String> allowGlobals;

  /** Python globals ({@code module.qualname}) to treat as dangerous (reported as CRITICAL). */
  @Parameter
  private List<String> denyGlobals;

  /**
   * Within the scanned directories, scan only files matching one of these gitignore-style patterns ({@code **} spans
   * directories, a pattern without {@code /} matches at any depth). Files left out are listed as excluded in the
   * reports. Default: every file.
   */
  @Parameter
  private List<String> includes;

  /**
   * Within the scanned directories, do not scan files or directories matching these gitignore-style patterns (such as
   * {@code *.png} or {@code docs/}). They are listed as excluded in the reports, never dropped silently.
   */
  @Parameter
  private List<String> excludes;

  /** Walk symbolic links to directories (loops are detected). Links to files are always followed. */
  @Parameter(property = "modelscan.followDirectoryLinks")
  private Boolean followDirectoryLinks;

  /**
   * A {@code modelscan.toml} shared with the command line (keys are the CLI's long option names, such as {@code
   * severity-threshold = "HIGH"}). Its values apply where this POM sets no parameter; an explicit parameter wins.
   * Keys for the CLI's output ({@code format}, {@code color}...) are ignored; an unknown key fails the build.
   */
  @Parameter(property = "modelscan.configFile")
  private File configFile;

  /** Where the reports go. */
  @Parameter(property = "modelscan.reportDirectory", defaultValue = "${project.build.directory}/modelscan")
  private File reportDirectory;

  /** Which reports to write, comma-separated: {@code sarif}, {@code json}, {@code text}, or {@code none}. */
  @Parameter(property = "modelscan.reports", defaultValue = "sarif,json")
  private String reports;

  /** Skips the scan. */
  @Parameter(property = "modelscan.skip", defaultValue = "false")
  private boolean skip;

  /** Created by Maven. */
  public ScanMojo() {}

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("modelscan: skipped");
      return;
    }
    quietHdf5Reader();
    // The plugin's own class realm sees the scanner jars (the plugin's dependencies and any the user adds to the
    // plugin's <dependencies>); the thread's context loader is the project's, which does not.
    ScannerRegistry registry = ScannerRegistry.load(getClass().getClassLoader());
    ScanOptions options;
    Set<ReportFormat> formats;
    WalkOptions walk;
    try {
      Options.Values values =
          new Options.Values(
              failOnSeverity,
              mode,
              maxNestingDepth,
              maxArchiveMembers,
              maxMemberBytes,
              maxTotalDecompressedBytes,
              maxCompressionRatio,
              maxHdf5Objects,
              scanTimeout,
              maxFileSize,
              allowGlobals,
              denyGlobals);
      List<String> include = includes;
      List<String> exclude = excludes;
      Boolean follow = followDirectoryLinks;
      if (configFile != null) {
        ConfigDefaults.Merged merged =
            ConfigDefaults.merge(values, include, exclude, follow, ConfigDefaults.read(configFile.toPath()));
        merged.warnings().forEach(w -> getLog().warn("modelscan: " + w));
        values = merged.values();
        include = merged.includes();
        exclude = merged.excludes();
        follow = merged.followDirectoryLinks();
      }
      options = Options.options(Options.withDefaults(values), registry);
      formats = Options.reportFormats(reports);
      walk =
          WalkOptions.builder()
              .include(include == null ? new String[0] : include.toArray(String[]::new))
              .exclude(exclude == null ? new String[0] : exclude.toArray(String[]::new))
              .followDirectoryLinks(follow != null && follow)
              .build();
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException("modelscan: " + e.getMessage(), e);
    }
    List<Path> targets = targets();
    if (targets.isEmpty()) {
      getLog().info("modelscan: nothing to scan (no resource directory exists and no <paths> are configured)");
      return;
    }
    ScanSettings settings = options.settings();
    ReportPolicy policy = options.reportPolicy();
    registry.problems().forEach(p -> getLog().warn("modelscan: " + p));
    getLog().info(
        "modelscan "
            + ModelScan.version()
            + ": scanning "
            + targets.size()
            + " path(s) with "
            + registry.descriptors().stream().map(d -> d.name() + " " + d.version()).toList()
            + ", failOnSeverity "
            + policy.severityThreshold()
            + ", mode "
            + settings.mode());
    PluginScan.Outcome outcome;
    try {
      outcome =
          new PluginScan(registry, settings, policy, failOnIncomplete, basedir.toPath(), walk)
              .run(targets, reportDirectory.toPath(), formats, getLog()::info);
    } catch (IOException e) {
      throw new MojoExecutionException("modelscan: could not write the reports: " + e.getMessage(), e);
    }
    if (outcome.failure() != null) {
      throw new MojoFailureException(outcome.failure());
    }
    String incomplete =
        new PluginScan(registry, settings, policy, failOnIncomplete, basedir.toPath()).incompleteWarning(outcome.report());
    if (incomplete != null) {
      getLog().warn(incomplete);
    }
  }

  private List<Path> targets() throws MojoExecutionException {
    List<Path> targets = new ArrayList<>();
    if (paths != null && !paths.isEmpty()) {
      for (File f : paths) {
        Path p = f.toPath().toAbsolutePath().normalize();
        if (!Files.exists(p)) {
          throw new MojoExecutionException("modelscan: <paths> names " + p + ", which does not exist");
        }
        targets.add(p);
      }
      return targets;
    }
    for (Resource r : resources) {
      Path p = Path.of(r.getDirectory());
      if (!p.isAbsolute()) {
        p = basedir.toPath().resolve(p);
      }
      p = p.toAbsolutePath().normalize();
      if (Files.isDirectory(p) && !targets.contains(p)) {
        targets.add(p);
      }
    }
    return targets;
  }

  /** The system property through which Maven's SLF4J logger takes the level of jHDF's loggers. */
  static final String JHDF_LOG_LEVEL = "org.slf4j.simpleLogger.log.io.jhdf";

  /**
   * jHDF, the HDF5 reader of modelscan-h5, logs every HDF5 file and every group it reads at info level through SLF4J,
   * which in a Maven build is Maven's own logger: one scanned Keras model would add hundreds of {@code [INFO]} lines to
   * the build log. Maven's logger reads a logger's level from the system properties when the logger is created, which
   * is when jHDF's classes load during the scan, so setting it here is in time. A level the user set
   * ({@code -Dorg.slf4j.simpleLogger.log.io.jhdf=info}) is kept.
   */
  static void quietHdf5Reader() {
    if (System.getProperty(JHDF_LOG_LEVEL) == null) {
      System.setProperty(JHDF_LOG_LEVEL, "warn");
    }
  }
}
