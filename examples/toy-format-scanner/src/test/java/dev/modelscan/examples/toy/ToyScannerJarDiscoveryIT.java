package dev.modelscan.examples.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Runs after {@code package}, with the packaged jar on the class path in place of {@code target/classes} (see the
 * {@code discovery-from-jar} execution in the POM): the scanner is found in its own jar with no configuration, as a
 * user who adds the jar to their class path would find it.
 */
class ToyScannerJarDiscoveryIT {

  private static Path codeSource(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theScannerIsDiscoveredFromItsOwnJar() throws IOException, URISyntaxException {
    String expected = System.getProperty("toy.scanner.jar");
    // Set only by the discovery-from-jar execution; -Dtest=... on the command line may also pull this class into the
    // ordinary test run, where the classes come from target/classes and there is nothing to prove.
    assumeTrue(expected != null, "runs in the discovery-from-jar execution only");
    Path jar = codeSource(ToyFormatScanner.class);
    assertThat(jar).isEqualTo(Path.of(expected).toAbsolutePath());

    try (JarFile jf = new JarFile(jar.toFile())) {
      var entry = jf.getJarEntry("META-INF/services/" + ModelScanner.class.getName());
      assertThat(entry).as("the service file that @AutoService writes").isNotNull();
      String services = new String(jf.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(services.lines()).contains(ToyFormatScanner.class.getName());
    }

    ScannerRegistry registry = ScannerRegistry.loadDefault();
    assertThat(registry.problems()).isEmpty();
    ModelScanner found =
        registry.scanners().stream().filter(s -> s.descriptor().name().equals("toy-model")).findFirst().orElseThrow();
    assertThat(codeSource(found.getClass())).isEqualTo(jar);

    FileResult r =
        ModelScan.builder().build().scanBytes("TOYM 1\nexec echo pwned\n".getBytes(StandardCharsets.UTF_8), "m.toym");
    assertThat(r.findings()).extracting(f -> f.ruleId()).containsExactly("TOY-EXEC");
  }
}
