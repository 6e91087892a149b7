package dev.modelscan.cli;

import dev.modelscan.core.options.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a {@code modelscan.toml} becomes flags of {@code modelscan scan}: each key is the flag of the same long name,
 * placed before the user's own flags and dropped where the user gave that flag. Reads only the option table ({@link
 * ScanFlags}), never picocli, so the table-driven parser ({@link ScanArgumentParser}) and picocli's path ({@link
 * ConfigArguments}) apply a file the same way.
 */
final class ConfigFlags {

  private ConfigFlags() {}

  /**
   * The configuration keys {@code scan} understands: its long option names without dashes.
   *
   * @return the keys, sorted
   */
  static Set<String> keys() {
    return ScanFlags.configKeys();
  }

  /**
   * The configuration file a run reads.
   *
   * @param explicit {@code --config}, or null
   * @param noConfig whether {@code --no-config} was given
   * @return the file, or null when none applies
   * @throws IllegalArgumentException when both flags were given
   */
  static Path chooseFile(Path explicit, boolean noConfig) {
    if (noConfig) {
      if (explicit != null) {
        throw new IllegalArgumentException("--config and --no-config contradict each other; give one");
      }
      return null;
    }
    if (explicit != null) {
      return explicit;
    }
    Path here = Path.of(ConfigFile.FILE_NAME);
    return Files.isRegularFile(here) ? here : null;
  }

  /**
   * The arguments with the file's flags placed right after {@code scan}, before the user's own.
   *
   * @param args the command line
   * @param flags the file's flags
   * @return the arguments to run with
   */
  static String[] insert(String[] args, List<String> flags) {
    int at = scanIndex(args) + 1;
    List<String> out = new ArrayList<>(List.of(args).subList(0, at));
    out.addAll(flags);
    out.addAll(List.of(args).subList(at, args.length));
    return out.toArray(String[]::new);
  }

  /**
   * The flags a configuration file stands for.
   *
   * @param config the file
   * @param given the long names ({@code --output}) given on the command line: those keys of the file are left out
   * @return the flags, as {@code --key=value}, {@code --key} or {@code --no-key}
   * @throws IllegalArgumentException when a value does not fit its option (naming the file and the key)
   */
  static List<String> flags(ConfigFile config, Set<String> given) {
    Path base = config.path().toAbsolutePath().getParent();
    List<String> flags = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : config.values().entrySet()) {
      String key = e.getKey();
      ScanFlags.Flag o = ScanFlags.find("--" + key).orElse(null);
      if (o == null || !o.configurable() || given.contains(o.longName())) {
        continue; // a flag given on the command line wins
      }
      List<String> values = e.getValue();
      if (o.kind() == ScanFlags.Kind.FLAG || o.kind() == ScanFlags.Kind.NEGATABLE) {
        if (values.size() != 1 || !(values.get(0).equals("true") || values.get(0).equals("false"))) {
          throw new IllegalArgumentException(config.path() + ": '" + key + "' must be true or false");
        }
        boolean on = values.get(0).equals("true");
        if (o.kind() == ScanFlags.Kind.NEGATABLE) {
          flags.add(on ? "--" + key : "--no-" + key);
        } else if (on) {
          flags.add("--" + key);
        }
        continue;
      }
      if (o.kind() != ScanFlags.Kind.LIST && values.size() != 1) {
        throw new IllegalArgumentException(
            config.path() + ": '" + key + "' takes one value, not an array of " + values.size());
      }
      for (String v : values) {
        String value = o.path() && base != null ? base.resolve(v).toString() : v;
        flags.add("--" + key + "=" + value);
      }
    }
    return flags;
  }

  /** Where {@code scan} stands among the arguments (after the root command's own options). */
  private static int scanIndex(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("scan")) {
        return i;
      }
      if (args[i].equals("--plugin-path")) {
        i++;
      }
    }
    throw new IllegalStateException("no scan subcommand among the arguments");
  }
}
