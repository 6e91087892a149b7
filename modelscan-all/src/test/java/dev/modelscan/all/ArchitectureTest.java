package dev.modelscan.all;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of the architecture, checked on the compiled classes of every module that {@code modelscan-all}
 * brings (its test class path holds them all): the API knows no implementation, format modules know neither the
 * engine nor each other, and only the registry discovers scanners. That the engine knows no front end (CLI, Maven
 * plugin, Spark job) needs no rule: those modules depend on this one, so the engine cannot even see their classes.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  /** Format module packages; each may depend on the API and on third-party libraries only. */
  private static final List<String> FORMAT_PACKAGES =
      List.of(
          "dev.modelscan.archive..",
          "dev.modelscan.pickle..",
          "dev.modelscan.safetensors..",
          "dev.modelscan.h5..",
          "dev.modelscan.onnx..",
          "dev.modelscan.gguf..",
          "dev.modelscan.tensorflow..",
          "dev.modelscan.tokenizers..",
          "dev.modelscan.flax..",
          "dev.modelscan.media..");

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.modelscan");
  }

  @Test
  void theApiDependsOnNothingButTheJdk() {
    classes()
        .that()
        .resideInAPackage("dev.modelscan.api..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.modelscan.api..", "java..")
        .check(classes);
  }

  @Test
  void formatModulesDependOnNeitherTheEngineNorEachOther() {
    for (String own : FORMAT_PACKAGES) {
      String[] others =
          FORMAT_PACKAGES.stream().filter(p -> !p.equals(own)).toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(own)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .allowEmptyShould(true)
          .check(classes);
      noClasses()
          .that()
          .resideInAPackage(own)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.modelscan.core..")
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  /**
   * The shared libraries that format modules build on (the protobuf wire reader, the Jinja template analyser) depend
   * on the API and the JDK only, so that depending on them never brings in the engine or another format.
   */
  @Test
  void sharedLibrariesDependOnTheApiOnly() {
    for (String lib : List.of("dev.modelscan.protobuf..", "dev.modelscan.jinja..")) {
      classes()
          .that()
          .resideInAPackage(lib)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(lib, "dev.modelscan.api..", "java..")
          .check(classes);
    }
  }

  @Test
  void onlyTheRegistryCallsServiceLoader() {
    noClasses()
        .that()
        .resideInAPackage("dev.modelscan..")
        .and()
        .doNotBelongToAnyOf(dev.modelscan.core.ScannerRegistry.class)
        .and()
        .resideOutsideOfPackage("dev.modelscan.testkit..")
        .should()
        .callMethod(java.util.ServiceLoader.class, "load", Class.class, ClassLoader.class)
        .orShould()
        .callMethod(java.util.ServiceLoader.class, "load", Class.class)
        .check(classes);
  }
}
