/**
 * Test support for scanner authors: {@link dev.modelscan.testkit.RecordingScanContext} and the contract test base
 * class {@link dev.modelscan.testkit.ScannerContractTest}.
 *
 * <p>A module, not only a jar, so that a scanner author whose tests run on the module path can {@code requires
 * dev.modelscan.testkit}. It declares {@code uses} because the contract test checks, with {@link
 * java.util.ServiceLoader}, that the scanner under test is discoverable; that check is the one sanctioned call outside
 * the engine's registry, and it only reads providers, never dispatches to them.
 *
 * @since 0.1
 */
module dev.modelscan.testkit {
  requires transitive dev.modelscan.api;
  // The contract tests are JUnit tests that authors inherit: their types appear in our public signatures.
  requires transitive org.junit.jupiter.api;

  exports dev.modelscan.testkit;
  // JUnit finds and invokes the inherited test methods by reflection.
  opens dev.modelscan.testkit to org.junit.platform.commons;

  uses dev.modelscan.api.spi.ModelScanner;
}
