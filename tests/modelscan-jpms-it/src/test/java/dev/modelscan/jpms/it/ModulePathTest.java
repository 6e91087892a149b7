package dev.modelscan.jpms.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.api.spi.SettingsExtension;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The library as a modular application sees it: every module here is a named module on the module path, so the
 * {@code META-INF/services} files that {@code @AutoService} writes are ignored and only the {@code provides} clauses
 * count. A scanner missing from a module-info, a {@code uses} in the wrong module or an exported implementation
 * package fails here, and in no class-path test.
 */
class ModulePathTest {

  /** Every built-in scanner, by the module that must provide it. Update when a scanner or a module is added. */
  private static final Map<String, Set<String>> BUILT_IN =
      Map.of(
          "dev.modelscan.archive",
          Set.of("text", "zip", "tar", "7z", "compressed-stream", "executable"),
          "dev.modelscan.pickle",
          Set.of("pickle", "numpy", "python-source", "config"),
          "dev.modelscan.safetensors",
          Set.of("safetensors", "safetensors-index"),
          "dev.modelscan.h5",
          Set.of("hdf5", "keras-config"),
          "dev.modelscan.onnx",
          Set.of("onnx"),
          "dev.modelscan.gguf",
          Set.of("gguf"),
          "dev.modelscan.tensorflow",
          Set.of("tf-savedmodel", "tflite", "tf-keras-metadata"),
          "dev.modelscan.tokenizers",
          Set.of("sentencepiece", "jinja-template"),
          "dev.modelscan.flax",
          Set.of("flax-msgpack"),
          "dev.modelscan.media",
          Set.of("png", "jpeg", "gif", "riff", "bmp", "tiff", "pdf", "svg", "csv", "json", "yaml"));

  @Test
  void theTestsReallyRunOnTheModulePath() {
    // Guards every other test here: on the class path they would pass for the wrong reason.
    assertThat(ModulePathTest.class.getModule().getName()).isEqualTo("dev.modelscan.jpms.it");
    assertThat(ModelScan.class.getModule().getName()).isEqualTo("dev.modelscan.core");
    assertThat(ModelScanner.class.getModule().getName()).isEqualTo("dev.modelscan.api");
  }

  @Test
  void theRegistryFindsEveryBuiltInScannerThroughProvides() {
    ScannerRegistry registry = ScannerRegistry.loadDefault();

    Map<String, Set<String>> byModule = new TreeMap<>();
    for (ModelScanner s : registry.scanners()) {
      Module module = s.getClass().getModule();
      assertThat(module.isNamed()).as("%s comes from a named module", s.getClass()).isTrue();
      // Found through the module's provides clause, not a stray services file.
      assertThat(module.getDescriptor().provides())
          .as("provides of %s", module.getName())
          .anySatisfy(
              p -> {
                assertThat(p.service()).isEqualTo(ModelScanner.class.getName());
                assertThat(p.providers()).contains(s.getClass().getName());
              });
      byModule
          .computeIfAbsent(module.getName(), k -> new TreeSet<>())
          .add(s.descriptor().name());
    }
    assertThat(byModule).isEqualTo(new TreeMap<>(BUILT_IN));
    assertThat(registry.descriptors())
        .extracting(ScannerDescriptor::name)
        .doesNotHaveDuplicates()
        .hasSize(BUILT_IN.values().stream().mapToInt(Set::size).sum());
  }

  @Test
  void theRegistryReportsNoProblems() {
    assertThat(ScannerRegistry.loadDefault().problems()).isEmpty();
  }

  @Test
  void onlyTheEngineDeclaresUses() {
    // Gotcha: only a module that declares `uses` may call ServiceLoader for the SPI; format modules only provide.
    ModuleLayer layer = ModelScan.class.getModule().getLayer();
    // The engine discovers scanners and the settings extensions of format modules (their options by name).
    assertThat(layer.findModule("dev.modelscan.core").orElseThrow().getDescriptor().uses())
        .containsExactlyInAnyOrder(ModelScanner.class.getName(), SettingsExtension.class.getName());
    for (String name : BUILT_IN.keySet()) {
      ModuleDescriptor d = layer.findModule(name).orElseThrow().getDescriptor();
      assertThat(d.uses()).as("uses of %s", name).isEmpty();
    }
  }

  @Test
  void implementationPackagesAreNotExported() {
    Module core = ModelScan.class.getModule();
    assertThat(core.getDescriptor().exports())
        .extracting(ModuleDescriptor.Exports::source)
        // options: the size and duration grammar the CLI and the Maven plugin share (a public front-end helper).
        .containsExactlyInAnyOrder("dev.modelscan.core", "dev.modelscan.core.options", "dev.modelscan.core.report");
    // The engine provides no scanner of its own: every one comes from a format module.
    assertThat(core.getDescriptor().provides()).isEmpty();

    Module api = ModelScanner.class.getModule();
    assertThat(api.isExported("dev.modelscan.api.spi")).isTrue();

    ModuleLayer layer = core.getLayer();
    for (String name : BUILT_IN.keySet()) {
      Module format = layer.findModule(name).orElseThrow();
      // A format module exports at most its settings type (PickleSettings, Hdf5Settings), never its scanners.
      assertThat(format.getDescriptor().exports())
          .as("exports of %s", name)
          .extracting(ModuleDescriptor.Exports::source)
          .allSatisfy(pkg -> assertThat(pkg).isEqualTo(name + ".settings"));
      assertThat(format.getDescriptor().opens()).as("opens of %s", name).isEmpty();
      for (String pkg : format.getPackages()) {
        assertThat(format.isExported(pkg)).as("%s exports %s", name, pkg).isEqualTo(pkg.equals(name + ".settings"));
      }
    }
    Module safetensors = layer.findModule("dev.modelscan.safetensors").orElseThrow();
    assertThat(safetensors.getPackages()).contains("dev.modelscan.safetensors");
    assertThat(safetensors.isExported("dev.modelscan.safetensors", ModulePathTest.class.getModule())).isFalse();
  }

  @Test
  void anEncapsulatedScannerCannotBeReachedByReflection() throws Exception {
    // What "not exported" means to an embedder: the type exists, but is not usable outside the registry.
    ModelScanner zip =
        ScannerRegistry.loadDefault().scanners().stream()
            .filter(s -> s.descriptor().name().equals("zip"))
            .findFirst()
            .orElseThrow();
    assertThat(zip.getClass().getPackageName()).isEqualTo("dev.modelscan.archive");
    Optional<Throwable> denied = Optional.empty();
    try {
      zip.getClass().getConstructor().newInstance();
    } catch (IllegalAccessException e) {
      denied = Optional.of(e);
    }
    assertThat(denied).as("constructing an unexported scanner type reflectively").isPresent();
  }

  @Test
  void aScanDispatchesAcrossModules() throws IOException {
    // A zip (read by core's unexported archive scanner) holding a SafeTensors file (another module) whose header
    // claims 2^62 bytes: the member must reach the SafeTensors scanner, and its finding must come back.
    byte[] hostile = safetensorsClaimingHeaderLength(1L << 62);
    byte[] zip = zip(Map.of("model.safetensors", hostile));

    FileResult result = ModelScan.builder().build().scanBytes(zip, "weights.zip");

    assertThat(result.format()).isEqualTo("zip");
    assertThat(result.members())
        .extracting(MemberResult::format, MemberResult::scanner)
        .contains(Tuple.tuple("safetensors", "safetensors"));
    assertThat(result.findings()).extracting(Finding::ruleId).contains("SAFETENSORS-HEADER-TOO-LARGE");
    assertThat(result.status()).isNotEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aHostilePickleIsFoundOnTheModulePath() {
    // Protocol 0, written opcode by opcode: GLOBAL os.system, a string argument, REDUCE. Never unpickled.
    byte[] pickle = "cos\nsystem\n(S'echo pwned'\ntR.".getBytes(StandardCharsets.ISO_8859_1);

    FileResult result = ModelScan.builder().build().scanBytes(pickle, "model.pkl");

    assertThat(result.format()).isEqualTo("pickle");
    assertThat(result.findings()).extracting(Finding::ruleId).contains("PICKLE-DANGEROUS-GLOBAL");
    assertThat(result.maxSeverity()).contains(Severity.CRITICAL);
  }

  @Test
  void aValidFileScansCleanOnTheModulePath() {
    byte[] valid = validSafetensors();

    FileResult result = ModelScan.builder().build().scanBytes(valid, "model.safetensors");

    assertThat(result.format()).isEqualTo("safetensors");
    assertThat(result.status()).as(result.statusReason()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(result.findings()).isEmpty();
  }

  @Test
  void anHdf5ModelIsReadThroughTheAutomaticJhdfModule() throws IOException {
    // jHDF is an automatic module required by dev.modelscan.h5: the Keras Lambda layer in this HDF5 file is only
    // found if the h5 module can read the file through it and parse the model config with Jackson.
    byte[] h5;
    try (InputStream in = ModulePathTest.class.getResourceAsStream("/fixtures/lambda_sequential.h5")) {
      assertThat(in).as("fixture").isNotNull();
      h5 = in.readAllBytes();
    }

    FileResult result = ModelScan.builder().build().scanBytes(h5, "model.h5");

    assertThat(result.findings()).extracting(Finding::ruleId).containsExactly("KERAS-LAMBDA");
    assertThat(result.findings().get(0).severity()).isEqualTo(Severity.CRITICAL);
  }

  /** One F32 tensor of one element: an 8-byte little-endian header length, the JSON header, 4 data bytes. */
  private static byte[] validSafetensors() {
    byte[] header =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + header.length + 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length)
        .put(header)
        .putFloat(1.0f)
        .array();
  }

  /** A tiny file whose first 8 bytes claim a header of {@code claimed} bytes. */
  private static byte[] safetensorsClaimingHeaderLength(long claimed) {
    byte[] rest = "{\"w\":{}}".getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(claimed).put(rest).array();
  }

  private static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
