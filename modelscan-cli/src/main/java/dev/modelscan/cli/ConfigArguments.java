package dev.modelscan.cli;

import dev.modelscan.core.options.ConfigFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Applies a {@code modelscan.toml} to {@code modelscan scan}: each key becomes the flag of the same long name, placed
 * before the user's own flags, and dropped where the user gave that flag. So a value in the file goes through exactly
 * the converter and checks of its flag, and a flag on the command line replaces the file's value (for a repeatable
 * flag such as {@code --allow-global}, the command line's list replaces the file's list; it does not extend it).
 *
 * <p>Relative paths in the file ({@code output}, {@code plugin-path}) are relative to the file's folder, so that a
 * project's file means the same thing from any working folder.
 */
final class ConfigArguments {

  /**
   * The arguments with the file's options in front of the command line's, the file read, and whether it was found in
   * the current folder rather than named with {@code --config}.
   */
  record Expanded(String[] args, ConfigFile file, boolean discovered) {
    Expanded(String[] args, ConfigFile file) {
      this(args, file, false);
    }
  }

  private ConfigArguments() {}

  /**
   * Reads the configuration file that applies to these arguments, if any, and inserts its flags.
   *
   * @param args the command line
   * @return the arguments to run with; the same when the command is not {@code scan}, is asking for help, says
   *     {@code --no-config}, or cannot be parsed (the run then reports that error itself)
   * @throws IllegalArgumentException when the file is missing, unreadable or holds a bad key or value; the message
   *     names the file and the key
   */
  static Expanded expand(String[] args) {
    return expand(new CommandLine(new RootCommand()), args);
  }

  /**
   * As {@link #expand(String[])}, parsing with the run's own command line: building picocli's model of the commands
   * is a large part of the start-up of a one-file scan, so it is built once per run, not once per look at the
   * arguments. The parse leaves no state behind that matters: picocli resets every option before the next parse.
   *
   * @param cl the run's command line, not yet executed
   * @param args the command line's arguments
   * @return as {@link #expand(String[])}
   */
  static Expanded expand(CommandLine cl, String[] args) {
    ParseResult root;
    try {
      root = cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return new Expanded(args, null);
    }
    ParseResult scan = root.subcommand();
    if (scan == null
        || !scan.commandSpec().name().equals("scan")
        || scan.isUsageHelpRequested()
        || scan.isVersionHelpRequested()) {
      return new Expanded(args, null);
    }
    Path explicit = scan.matchedOptionValue("--config", null);
    Path file = ConfigFlags.chooseFile(explicit, scan.hasMatchedOption("--no-config"));
    if (file == null) {
      return new Expanded(args, null);
    }
    ConfigFile config = ConfigFile.read(file, ConfigFlags.keys());
    Set<String> given = new HashSet<>();
    for (OptionSpec o : scan.matchedOptions()) {
      given.add(o.longestName());
    }
    List<String> flags = ConfigFlags.flags(config, given);
    try {
      List<String> check = new ArrayList<>();
      check.add("scan");
      check.addAll(flags);
      ParseResult parsed = new CommandLine(new RootCommand()).parseArgs(check.toArray(String[]::new));
      // The values themselves (sizes, durations, severities) are checked by the engine's option layer, as the
      // command line's are: a bad value in the file is an error naming the file.
      if (parsed.hasSubcommand() && parsed.subcommand().commandSpec().userObject() instanceof ScanCommand sc) {
        sc.options(parsed.subcommand().commandSpec().commandLine(), dev.modelscan.core.ScannerRegistry.loadDefault());
      }
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    return new Expanded(ConfigFlags.insert(args, flags), config, explicit == null);
  }
}
