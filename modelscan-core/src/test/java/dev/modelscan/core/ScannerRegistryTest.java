package dev.modelscan.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScannerRegistryTest {

  @Test
  void discoversProvidersAndReportsBrokenOnesWithoutFailing() {
    ScannerRegistry registry = ScannerRegistry.loadDefault();
    // The engine brings no scanner of its own: what it finds is exactly what the class path provides.
    assertThat(registry.descriptors()).extracting(ScannerDescriptor::name).containsExactly("marker");
    // The test services file lists a provider without a usable constructor and a class that does not exist.
    assertThat(registry.problems())
        .anyMatch(p -> p.contains("BrokenProvider"))
        .anyMatch(p -> p.contains("NoSuchScanner"));
  }

  @Test
  void usesTheClassLoaderItIsGiven() {
    ClassLoader empty = new ClassLoader(null) {};
    ScannerRegistry registry = ScannerRegistry.load(empty);
    assertThat(registry.scanners()).isEmpty();
    assertThat(registry.problems()).isEmpty();
  }

  @Test
  void orderIsByNameAndExcludesAndReplacementsApply() {
    ScannerRegistry registry =
        ScannerRegistry.builder()
            .discover(false)
            .add(new TestScanners.NestScanner())
            .add(new TestScanners.MarkerScanner())
            .add(new TestScanners.BombScanner())
            .exclude("bomb")
            .build();
    assertThat(registry.descriptors()).extracting(ScannerDescriptor::name).containsExactly("marker", "nest");
  }

  @Test
  void twoScannersClaimingOneFormatAreReportedAndResolvedDeterministically() {
    ModelScanner twin =
        new TestScanners.MagicScanner("MARK", "marker", 100, List.of()) {
          @Override
          public ScannerDescriptor descriptor() {
            return ScannerDescriptor.of("a-marker-twin", "1", "twin", List.of("marker"), List.of());
          }

          @Override
          public void scan(dev.modelscan.api.spi.ScanContext ctx) {}
        };
    ScannerRegistry registry =
        ScannerRegistry.builder().discover(false).add(new TestScanners.MarkerScanner()).add(twin).build();
    assertThat(registry.problems()).singleElement().asString().contains("'marker'", "a-marker-twin", "marker");
    List<ScannerRegistry.Claim> claims =
        registry.claims(ContentHead.ofBytes(TestScanners.ascii("MARK"), "x"));
    // Equal confidence: the name that sorts first wins, every time.
    assertThat(claims).extracting(ScannerRegistry.Claim::scannerName).containsExactly("a-marker-twin", "marker");
  }

  @Test
  void aRecognizerThatThrowsIsIgnoredNotFatal() {
    ModelScanner throwing =
        new TestScanners.MagicScanner("XXXX", "thrower", 100, List.of()) {
          @Override
          public dev.modelscan.api.spi.Recognition recognize(ContentHead head) {
            throw new IllegalStateException("broken recognizer");
          }

          @Override
          public void scan(dev.modelscan.api.spi.ScanContext ctx) {}
        };
    ScannerRegistry registry =
        ScannerRegistry.builder().discover(false).add(throwing).add(new TestScanners.MarkerScanner()).build();
    assertThat(registry.claims(ContentHead.ofBytes(TestScanners.ascii("MARK"), "x")))
        .extracting(ScannerRegistry.Claim::scannerName)
        .containsExactly("marker");
  }
}
