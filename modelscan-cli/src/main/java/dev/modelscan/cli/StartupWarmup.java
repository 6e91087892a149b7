package dev.modelscan.cli;

import java.security.MessageDigest;
import java.util.List;

/**
 * Start-up work that every scan needs and that does not depend on the command line, done on a second core while the
 * main thread reads the arguments and loads the scanners.
 *
 * <p>Two one-time costs sit on a small scan's path otherwise (measured with {@code -Xlog:class+load}, a few tens of
 * milliseconds of a quarter-second run): the security providers' set-up behind the first {@code
 * MessageDigest.getInstance("SHA-256")} (every file is hashed), and the pickle policy's tables (the exact allowlist
 * and the dangerous-globals list, read and indexed when the class initialises; nearly every model folder holds a
 * pickle). Class initialisation is thread-safe: whichever thread comes second waits for the first, so nothing is done
 * twice and nothing is seen half-built. Only {@link Main#main} starts it: a process that exits when the command ends,
 * not an embedder's JVM.
 */
final class StartupWarmup {

  /**
   * Classes whose initialisation is worth starting early, by name: the CLI does not read the format modules' packages
   * (they are not exported to it). A missing one costs nothing here; {@code StartupWarmupTest} fails when a name no
   * longer names a class.
   */
  static final List<String> CLASSES = List.of("dev.modelscan.pickle.GlobalsPolicy");

  private StartupWarmup() {}

  /** Starts the warm-up on a daemon thread; any failure only means the main thread does the same work itself. */
  static void start() {
    try {
      Thread t = new Thread(StartupWarmup::run, "modelscan-warmup");
      t.setDaemon(true);
      t.start();
    } catch (RuntimeException | Error e) {
      // no thread to be had (a process limit): the scan does this work when it needs it, as without the warm-up
    }
  }

  private static void run() {
    try {
      MessageDigest.getInstance("SHA-256").digest(new byte[1]);
    } catch (Exception | Error e) {
      // the main thread meets the same problem where it matters and reports it there
    }
    for (String name : CLASSES) {
      try {
        Class.forName(name, true, StartupWarmup.class.getClassLoader());
      } catch (Exception | Error e) {
        // as above
      }
    }
  }
}
