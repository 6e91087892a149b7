package dev.modelscan.cli;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks {@code --allow-global} entries. A name without a dot is refused: an entry allows a name and everything below
 * it, so {@code --allow-global torch} would allow every callable of a package. An entry the scan can never honour (a
 * name on the always-dangerous list, or also given to {@code --deny-global}) is warned about, because a user who
 * wrote it believes a finding is gone that is not.
 */
final class AllowGlobals {

  private AllowGlobals() {}

  /**
   * Refuses entries that are not dotted {@code module.name} names.
   *
   * @param names the {@code --allow-global} values
   * @throws IllegalArgumentException naming the first bad entry
   */
  static void checkNames(List<String> names) {
    for (String n : names) {
      String t = n.strip();
      int dot = t.indexOf('.');
      if (dot <= 0 || dot == t.length() - 1 || t.contains("..") || t.endsWith(".") || t.contains(" ")) {
        throw new IllegalArgumentException(
            "--allow-global '" + n + "': expected a dotted MODULE.NAME such as collections.OrderedDict;"
                + " a bare module would allow every name in it");
      }
    }
  }

  /**
   * The entries that cannot take effect: for each, the scanners judge a one-opcode pickle that imports the name
   * (built here byte by byte, never loaded) with the run's own settings; a finding means the allow list lost.
   *
   * @param settings the run's settings
   * @param allowed the run's allow list (the {@code --allow-global} values, in the settings' pickle extension)
   * @param registry the run's scanners
   * @return one warning per entry that can never apply
   */
  static List<String> warnings(ScanSettings settings, List<String> allowed, ScannerRegistry registry) {
    List<String> warnings = new ArrayList<>();
    if (allowed.isEmpty()) {
      return warnings;
    }
    ModelScan scan = ModelScan.builder().settings(settings).registry(registry).parallelism(1).build();
    for (String name : allowed) {
      String t = name.strip();
      int dot = t.lastIndexOf('.');
      if (dot <= 0) {
        continue;
      }
      FileResult r = scan.scanBytes(probe(t.substring(0, dot), t.substring(dot + 1)), "--allow-global " + t);
      if (!r.format().startsWith("pickle")) {
        continue; // no pickle scanner to ask
      }
      for (Finding f : r.findings()) {
        warnings.add(
            "--allow-global " + t + " can never apply: " + f.ruleId() + " (" + f.severity() + ") still reports it;"
                + " the always-dangerous list and --deny-global take precedence");
        break;
      }
    }
    return warnings;
  }

  /** {@code PROTO 2, GLOBAL module name, STOP}: imports the name and does nothing with it. */
  private static byte[] probe(String module, String name) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x80);
    b.write(2);
    b.write('c');
    b.writeBytes(module.getBytes(StandardCharsets.UTF_8));
    b.write('\n');
    b.writeBytes(name.getBytes(StandardCharsets.UTF_8));
    b.write('\n');
    b.write('.');
    return b.toByteArray();
  }
}
