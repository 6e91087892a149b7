package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The command line binds SLF4J's no-op provider: jHDF (under modelscan-h5) logs through SLF4J, and without a provider
 * SLF4J prints three "No SLF4J providers" warnings on the user's standard error the first time an HDF5 file is read.
 * Checked in a fresh JVM, because SLF4J decides once per process.
 */
class QuietLoggingTest {

  @Test
  void scanningAnHdf5FilePrintsNothingButTheReport() throws Exception {
    Path h5 = Path.of("..", "samples", "clean", "weights.h5").toAbsolutePath().normalize();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "scan",
                    "--no-progress", "-v", h5.toString()))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(out).contains("weights.h5  [hdf5, complete]"); // the HDF5 reader, and so SLF4J, was used
    assertThat(err).isEmpty();
    assertThat(p.exitValue()).isZero();
  }
}
