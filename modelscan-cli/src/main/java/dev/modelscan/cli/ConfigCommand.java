package dev.modelscan.cli;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.core.options.ConfigFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelscan config}: the configuration file. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.VersionProvider.class,
    description = "Work with the " + ConfigFile.FILE_NAME + " configuration file.",
    subcommands = {ConfigCommand.Init.class})
final class ConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: init");
  }

  /** {@code modelscan config init [FILE]}: writes a commented file with every option at its default. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      versionProvider = RootCommand.VersionProvider.class,
      description = "Write a commented " + ConfigFile.FILE_NAME + " with every option of 'modelscan scan' at its"
          + " default. Never overwrites a file.")
  static final class Init implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE",
        description = "Where to write (default: " + ConfigFile.FILE_NAME + " in the current folder).")
    Path file = Path.of(ConfigFile.FILE_NAME);

    @Override
    public Integer call() {
      CommandLine cl = spec.commandLine();
      try {
        // CREATE_NEW: the check and the creation are one step, so an existing file is never replaced.
        Files.writeString(file, template(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        throw new CommandLine.ParameterException(cl, file + " already exists; not overwritten");
      } catch (IOException e) {
        cl.getErr().println("modelscan: " + file + " could not be written: " + e);
        return ScanRun.EXIT_SCAN_ERROR;
      }
      cl.getOut().println("Wrote " + file + ". Uncomment the options to change; flags on the command line override"
          + " them.");
      cl.getOut().flush();
      return 0;
    }
  }

  /**
   * The default file: every configurable option of {@code scan}, commented out, with its description and default.
   * Made from the command's own options, so a new flag appears here without anyone remembering to add it.
   */
  static String template() {
    CommandSpec scan = new CommandLine(new RootCommand()).getSubcommands().get("scan").getCommandSpec();
    StringBuilder b = new StringBuilder();
    b.append("# modelscan configuration: each key is a long option of 'modelscan scan' without the dashes.\n")
        .append("# Read from ./").append(ConfigFile.FILE_NAME).append(" or --config FILE; --no-config ignores it.\n")
        .append("# Flags on the command line override these values; a repeated flag (--allow-global) replaces the\n")
        .append("# whole list given here. Relative paths are relative to this file's folder.\n");
    for (OptionSpec o : scan.options()) {
      String key = ScanFlags.find(o.longestName()).filter(ScanFlags.Flag::configurable).map(ScanFlags.Flag::key)
          .orElse(null);
      if (key == null) {
        continue;
      }
      b.append('\n');
      for (String line : o.description()) {
        for (String part : wrap("--" + key + ": " + line, 116)) {
          b.append("# ").append(part).append('\n');
        }
      }
      b.append("# ").append(key).append(" = ").append(example(o)).append('\n');
    }
    b.append("\n# Accepted findings: a file's SHA-256, the rule, and why (all three required).\n")
        .append("# [[suppress]]\n")
        .append("# sha256 = \"<64 hex digits>\"\n")
        .append("# rule = \"PICKLE-GLOBAL-UNKNOWN\"\n")
        .append("# reason = \"our own class, reviewed\"\n");
    return b.toString();
  }

  private static String example(OptionSpec o) {
    if (o.arity().max() == 0) {
      if (o.defaultValue() != null) {
        return o.defaultValue();
      }
      // --color, --progress: decided at run time (on a terminal or not) unless set.
      return o.negatable() ? "true  # default: decided at run time" : "false";
    }
    if (o.isMultiValue()) {
      return "[]";
    }
    String value = o.defaultValue();
    if (value == null) {
      value = builtInDefault(o);
    }
    if (value == null) {
      return "\"" + o.paramLabel() + "\"  # default: built in, see 'modelscan scan --help'";
    }
    if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
      return value;
    }
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * The engine's default for a limit the command line leaves unset ({@code max-member-bytes} is {@link
   * ScanLimits#maxMemberBytes()} of the defaults), or null when there is none to write down: no limit, or a value
   * sized from this JVM's heap, which a file must not pin.
   */
  private static String builtInDefault(OptionSpec o) {
    String key = o.longestName().substring(2);
    if (key.equals("max-pickle-stack-size") || key.equals("max-pickle-memo-size") || key.equals("max-hdf5-objects")
        || key.equals("max-file-size")) {
      return null;
    }
    String getter = UsageErrors.camel(key);
    Object value = null;
    for (Object defaults : new Object[] {ScanLimits.defaults(), ScanSettings.defaults()}) {
      try {
        value = defaults.getClass().getMethod(getter).invoke(defaults);
        break;
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not a setting of this type
      }
    }
    if (value instanceof Duration d) {
      return d.toMillis() % 60_000 == 0 ? d.toMinutes() + "m" : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s"
          : d.toMillis() + "ms";
    }
    if (value instanceof Number n) {
      long v = n.longValue();
      if (!o.paramLabel().equals("SIZE")) {
        return Long.toString(v);
      }
      String[] units = {"", "K", "M", "G", "T"};
      int u = 0;
      while (u < units.length - 1 && v != 0 && v % 1024 == 0) {
        v /= 1024;
        u++;
      }
      return v + units[u];
    }
    return value == null ? null : value.toString();
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
