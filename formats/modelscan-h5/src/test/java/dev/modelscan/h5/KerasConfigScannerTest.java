package dev.modelscan.h5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KerasConfigScannerTest {

  private final KerasConfigScanner scanner = new KerasConfigScanner();

  private RecordingScanContext config(String archive) {
    return RecordingScanContext.scan(scanner, Fixtures.member(archive, "config.json"), "config.json");
  }

  private RecordingScanContext json(String text) {
    return json(text, ScanSettings.defaults());
  }

  private RecordingScanContext json(String text, ScanSettings settings) {
    return RecordingScanContext.scan(scanner, text.getBytes(StandardCharsets.UTF_8), "config.json", settings);
  }

  private static List<Finding> findings(RecordingScanContext ctx, String ruleId) {
    return ctx.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  /** A Keras 3 layer object. */
  private static String layer(String module, String cls, String config) {
    return "{\"module\": " + module + ", \"class_name\": \"" + cls + "\", \"config\": " + config
        + ", \"registered_name\": null}";
  }

  private static String sequential(String... layers) {
    return "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
        + String.join(", ", layers) + "]}, \"registered_name\": null}";
  }

  private static String lambdaCode(String archive) {
    // the real func_dump string of the OS_SYSTEM lambda, as the generator wrote it
    JsonTree t = JsonTree.parse(Fixtures.member(archive, "config.json"), ScanLimits.defaults());
    return findCode(t.root());
  }

  private static String findCode(Object v) {
    if (v instanceof java.util.Map<?, ?> m) {
      if (m.get("code") instanceof String s) {
        return s;
      }
      for (Object o : m.values()) {
        String s = findCode(o);
        if (s != null) {
          return s;
        }
      }
    } else if (v instanceof List<?> l) {
      for (Object o : l) {
        String s = findCode(o);
        if (s != null) {
          return s;
        }
      }
    }
    return null;
  }

  @Test
  void recognisesKerasJsonByShapeAndConfigJsonByName() {
    byte[] keras = Fixtures.member("clean_dense.keras", "config.json");
    assertThat(scanner.recognize(ContentHead.ofBytes(keras, "whatever.json")))
        .isEqualTo(Recognition.of("keras-config", Recognition.STRONG));
    byte[] meta = Fixtures.member("clean_dense.keras", "metadata.json");
    assertThat(scanner.recognize(ContentHead.ofBytes(meta, "metadata.json")).recognised()).isTrue();
    byte[] hf = "\uFEFF \n{\"architectures\": [\"Bert\"]}".getBytes(StandardCharsets.UTF_8);
    assertThat(scanner.recognize(ContentHead.ofBytes(hf, "dir/config.json")))
        .isEqualTo(Recognition.of("keras-config", Recognition.PROBABLE));
    assertThat(scanner.recognize(ContentHead.ofBytes(hf, "other.json")).recognised()).isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes("[1]".getBytes(StandardCharsets.UTF_8), "config.json"))
            .recognised())
        .isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes(new byte[0], "config.json")).recognised()).isFalse();
  }

  @Test
  void utf16And32ConfigsAreRecognisedAndReadLikePythonReadsBytes() {
    String doc = "{\"module\": \"os\", \"class_name\": \"function\", \"config\": \"system\"}";
    for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE")) {
      byte[] bytes = doc.getBytes(java.nio.charset.Charset.forName(charset));
      RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "config.json");
      assertThat(findings(ctx, "KERAS-DANGEROUS-REFERENCE")).as(charset).hasSize(1);
    }
  }

  @Test
  void cleanArchiveConfigAndMetadataHaveNoFinding() {
    RecordingScanContext ctx = config("clean_dense.keras");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.members()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    RecordingScanContext meta =
        RecordingScanContext.scan(scanner, Fixtures.member("clean_dense.keras", "metadata.json"), "metadata.json");
    assertThat(meta.findings()).isEmpty();
    assertThat(meta.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void lambdaInSequentialArchive() {
    List<Finding> l = findings(config("lambda_sequential.keras"), "KERAS-LAMBDA");
    assertThat(l).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("Python 3.11+", "references __import__, os, system", "echo pwned");
    });
  }

  @Test
  void lambdaInNestedModelArchive() {
    List<Finding> l = findings(config("lambda_nested.keras"), "KERAS-LAMBDA");
    assertThat(l).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.message()).contains("$.config.layers[1].config.layers[1]");
    });
  }

  @Test
  void lambdasInBidirectionalWrapperArchive() {
    List<Finding> l = findings(config("lambda_wrapper.keras"), "KERAS-LAMBDA");
    assertThat(l).extracting(Finding::severity).containsExactlyInAnyOrder(Severity.CRITICAL, Severity.HIGH);
    assertThat(l).extracting(Finding::message)
        .anySatisfy(m -> assertThat(m).contains("config.layer.", "references eval"))
        .anySatisfy(m -> assertThat(m).contains("config.backward_layer."));
  }

  @Test
  void activationOsSystemArchive() {
    assertThat(findings(config("activation_os_system.keras"), "KERAS-DANGEROUS-REFERENCE")).singleElement()
        .satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
          assertThat(f.module() + "." + f.operator()).isEqualTo("os.system");
        });
  }

  @Test
  void customObjectsArchive() {
    RecordingScanContext ctx = config("custom_objects.keras");
    assertThat(findings(ctx, "KERAS-CUSTOM-OBJECT"))
        .extracting(Finding::operator)
        .containsExactlyInAnyOrder("MyCustomLayer", "my_activation");
    assertThat(ctx.findings()).hasSize(2);
  }

  @Test
  void nonModelingApisArchive() {
    List<Finding> l = findings(config("non_modeling_api.keras"), "KERAS-NON-MODELING-API");
    assertThat(l).extracting(f -> f.operator() + "/" + f.severity())
        .containsExactlyInAnyOrder("enable_unsafe_deserialization/CRITICAL", "get_file/HIGH");
  }

  @Test
  void torchModuleWrapperPickleIsDecodedAndDispatched() {
    RecordingScanContext ctx = config("torch_wrapper.keras");
    assertThat(findings(ctx, "KERAS-EMBEDDED-PICKLE")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.kind()).isEqualTo(MemberKind.CONTENT);
      assertThat(new String(m.content(), StandardCharsets.ISO_8859_1)).startsWith("\u0080\u0002cos\nsystem\n");
      assertThat(m.name()).contains("$.config.layers[1].config.module");
    });
  }

  @Test
  void duplicateKeysAreReadAsPythonReadsThem() {
    RecordingScanContext ctx = config("duplicate_keys.keras");
    assertThat(findings(ctx, "KERAS-DUPLICATE-KEY")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("$.config.layers"));
    // the second (escaped) "layers" is the one Keras uses, and it holds the Lambda
    assertThat(findings(ctx, "KERAS-LAMBDA")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
  }

  @Test
  void benignLastDuplicateHidesNothingFromPythonAndIsStillReported() {
    String evil = layer("\"os\"", "function", "\"system\"");
    RecordingScanContext ctx = json("{\"class_name\": \"Dense\", \"config\": {\"activation\": " + evil
        + ", \"activation\": \"relu\"}}");
    assertThat(findings(ctx, "KERAS-DANGEROUS-REFERENCE")).isEmpty();
    assertThat(findings(ctx, "KERAS-DUPLICATE-KEY")).hasSize(1);
  }

  @Test
  void duplicateKeyFindingsAreCapped() {
    StringBuilder doc = new StringBuilder("{\"class_name\": \"Dense\", \"config\": {");
    for (int i = 0; i < 30; i++) {
      doc.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\": 1, \"k").append(i).append("\": 2");
    }
    RecordingScanContext ctx = json(doc.append("}}").toString());
    List<Finding> dupes = findings(ctx, "KERAS-DUPLICATE-KEY");
    assertThat(dupes).hasSize(21);
    assertThat(dupes.get(20).message()).contains("30 duplicate keys");
  }

  @Test
  void pathsStayShortWhateverTheKeysAndNesting() {
    // a 200k-character key above a wide list: paths must not copy the key once per value
    String key = "k".repeat(200_000);
    String evil = layer("\"os\"", "system", "{}");
    StringBuilder doc = new StringBuilder("{\"class_name\": \"Dense\", \"config\": {\"" + key + "\": [");
    for (int i = 0; i < 5000; i++) {
      doc.append("1, ");
    }
    doc.append(("{\"" + key + "\": ").repeat(50)).append(evil).append("}".repeat(50)).append("]}}");
    RecordingScanContext ctx = json(doc.toString());
    assertThat(findings(ctx, "KERAS-DANGEROUS-REFERENCE")).singleElement()
        .satisfies(f -> assertThat(f.message().length()).isLessThan(KerasConfigAnalyzer.MAX_PATH_CHARS + 200));
  }

  @Test
  void namesFromTheFileAreClippedInFindings() {
    String module = "os." + "x".repeat(100_000);
    RecordingScanContext ctx = json(layer("\"" + module + "\"", "y".repeat(100_000), "{}"));
    assertThat(findings(ctx, "KERAS-DANGEROUS-REFERENCE")).singleElement().satisfies(f -> {
      assertThat(f.module().length()).isLessThan(300);
      assertThat(f.operator().length()).isLessThan(300);
      assertThat(f.message().length()).isLessThan(2100);
    });
  }

  @Test
  void manyDuplicatesAreCountedNotListed() {
    StringBuilder doc = new StringBuilder("{\"class_name\": \"Dense\", \"config\": {\"a\": 0");
    for (int i = 0; i < JsonTree.MAX_DUPLICATES_RECORDED + 500; i++) {
      doc.append(", \"a\": ").append(i);
    }
    RecordingScanContext ctx = json(doc.append("}}").toString());
    int count = JsonTree.MAX_DUPLICATES_RECORDED + 500;
    assertThat(findings(ctx, "KERAS-DUPLICATE-KEY")).hasSize(21)
        .last().satisfies(f -> assertThat(f.message()).contains(count + " duplicate keys"));
  }

  @Test
  void keras2FunctionTypeLambdaNamesItsModule() {
    String lambda = "{\"class_name\": \"Lambda\", \"config\": {\"name\": \"l\", \"function\": \"system\","
        + " \"function_type\": \"function\", \"module\": \"os\"}}";
    assertThat(findings(json(sequential(lambda)), "KERAS-LAMBDA")).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("os.system");
    });
    String harmless = lambda.replace("\"os\"", "\"mymodels.functions\"").replace("system", "scale");
    assertThat(findings(json(sequential(harmless)), "KERAS-LAMBDA")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
  }

  @Test
  void keras2LambdaOutputShapeCodeIsAnalysed() {
    String code = lambdaCode("lambda_wrapper.keras");
    String lambda = "{\"class_name\": \"Lambda\", \"config\": {\"name\": \"l\", \"function\": [\""
        + code.replace("\n", "\\n") + "\", null, null], \"function_type\": \"lambda\", \"output_shape\": [\""
        + code.replace("\n", "\\n") + "\", null, null], \"output_shape_type\": \"lambda\"}}";
    assertThat(findings(json(sequential(lambda)), "KERAS-LAMBDA")).hasSize(2);
  }

  @Test
  void lambdaValueFormAndUnparseableCode() {
    String code = lambdaCode("lambda_sequential.keras");
    String valueForm = "{\"class_name\": \"__lambda__\", \"config\": {\"value\": [\""
        + code.replace("\n", "\\n") + "\", null, null]}}";
    RecordingScanContext ctx = json("{\"class_name\": \"Dense\", \"config\": {\"activation\": " + valueForm + "}}");
    assertThat(findings(ctx, "KERAS-LAMBDA")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);

    // base64 of "echo pwned": not marshal, so the Lambda is reported and the scan is partial (fail closed)
    String bogus = "{\"class_name\": \"Lambda\", \"config\": {\"function\": [\"ZWNobyBwd25lZA==\", null, null],"
        + " \"function_type\": \"lambda\"}}";
    RecordingScanContext bad = json(sequential(bogus));
    assertThat(findings(bad, "KERAS-LAMBDA")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("could not be parsed"));
    assertThat(bad.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void referencesOutsideKerasInEveryForm() {
    // builtins/function is looked up in Keras' own function modules: a dangerous name there is still reported
    assertThat(findings(json(layer("\"builtins\"", "function", "\"eval\"")), "KERAS-DANGEROUS-REFERENCE"))
        .hasSize(1);
    // dotted class_name without module
    assertThat(findings(json("{\"class_name\": \"subprocess.Popen\", \"config\": {}}"), "KERAS-DANGEROUS-REFERENCE"))
        .singleElement().satisfies(f -> assertThat(f.module()).isEqualTo("subprocess"));
    // registered_name naming a dangerous package
    String reg = "{\"module\": null, \"class_name\": \"Dense\", \"config\": {},"
        + " \"registered_name\": \"os>system\"}";
    assertThat(findings(json(reg), "KERAS-DANGEROUS-REFERENCE")).hasSize(1);
    // keras.src private path to a non-modelling API
    assertThat(findings(json(layer("\"keras.src.utils.file_utils\"", "get_file", "{}")), "KERAS-NON-MODELING-API"))
        .hasSize(1);
    // Keras 2 string activation naming a module function
    assertThat(findings(json("{\"class_name\": \"Dense\", \"config\": {\"activation\": \"os.system\"}}"),
            "KERAS-DANGEROUS-REFERENCE"))
        .hasSize(1);
    // keys are compared after JSON unescaping, as Python does
    assertThat(findings(json("{\"\\u0063lass_name\": \"function\", \"m\\u006fdule\": \"os\", \"config\": \"system\"}"),
            "KERAS-DANGEROUS-REFERENCE"))
        .hasSize(1);
  }

  @Test
  void marshalledCodeUnderAnyKeyIsReportedAsCode() {
    // a custom layer that func_loads its own config: the code is found by its bytes, not by its key
    String code = lambdaCode("lambda_sequential.keras").replace("\n", "");
    RecordingScanContext ctx = json("{\"class_name\": \"Dense\", \"config\": {\"payload\": \"" + code + "\"}}");
    assertThat(findings(ctx, "KERAS-LAMBDA")).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("$.config.payload", "references __import__, os, system");
    });
    assertThat(ctx.members()).isEmpty();
  }

  @Test
  void tfOpLambdaFileOpsAreReported() {
    String op = "{\"class_name\": \"TFOpLambda\", \"config\": {\"name\": \"w\", \"function\": \"io.write_file\"}}";
    assertThat(findings(json(sequential(op)), "KERAS-TF-OP-FILE-ACCESS")).hasSize(1);
    String add = op.replace("io.write_file", "math.add");
    assertThat(json(sequential(add)).findings()).isEmpty();
  }

  @Test
  void layersThatReadFilesOutsideTheModelAreReported() {
    String tfsm = layer("\"keras.layers\"", "TFSMLayer", "{\"name\": \"t\", \"filepath\": \"/tmp/evil_savedmodel\"}");
    assertThat(findings(json(sequential(tfsm)), "KERAS-EXTERNAL-RESOURCE")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("/tmp/evil_savedmodel"));
    String vocab = layer("\"keras.layers\"", "StringLookup", "{\"name\": \"v\", \"vocabulary\": \"/etc/passwd\"}");
    assertThat(findings(json(sequential(vocab)), "KERAS-EXTERNAL-RESOURCE")).hasSize(1);
    String inline = vocab.replace("\"/etc/passwd\"", "[\"a\", \"b\"]");
    assertThat(json(sequential(inline)).findings()).isEmpty();
  }

  @Test
  void base64PayloadsAnywhereAreDispatchedByWhatTheyLookLike() {
    byte[] pickle = "\u0080\u0004cos\nsystem\n(X\u0004\u0000\u0000\u0000echo\u0085R.".repeat(3)
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] other = new byte[90];
    for (int i = 0; i < other.length; i++) {
      other[i] = (byte) (i * 7 + 1);
    }
    String doc = "{\"class_name\": \"Dense\", \"config\": {\"a\": \"" + Base64.getEncoder().encodeToString(pickle)
        + "\", \"b\": \"" + Base64.getEncoder().encodeToString(other)
        + "\", \"c\": \"" + "not base64, ".repeat(10) + "\"}}";
    RecordingScanContext ctx = json(doc);
    assertThat(ctx.members()).extracting(m -> m.name().substring(m.name().indexOf('#') + 1) + "/" + m.kind())
        .containsExactly("$.config.a/CONTENT", "$.config.b/OPAQUE_DATA");
  }

  @Test
  void pythonJsonExtensionsAreAccepted() {
    RecordingScanContext ctx = json("{\"class_name\": \"Dense\", \"config\": {\"x\": NaN, \"y\": -Infinity}}");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void trailingDataAndInvalidJsonAreMalformedAndPartial() {
    RecordingScanContext trailing = json(sequential() + " {\"class_name\": \"x\"}");
    assertThat(findings(trailing, StandardRules.MALFORMED_CONTENT.id())).hasSize(1);
    assertThat(trailing.status()).isEqualTo(ScanStatus.PARTIAL);
    RecordingScanContext broken = json("{\"class_name\": \"Lambda\", ");
    assertThat(findings(broken, StandardRules.MALFORMED_CONTENT.id())).hasSize(1);
    assertThat(broken.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void jsonDepthIsBounded() {
    ScanSettings s = ScanSettings.builder().limits(ScanLimits.builder().maxJsonDepth(10).build()).build();
    RecordingScanContext ok = json("{\"a\":".repeat(9) + "1" + "}".repeat(9), s);
    assertThat(ok.status()).isEqualTo(ScanStatus.COMPLETE);
    RecordingScanContext deep = json("{\"a\":".repeat(11) + "1" + "}".repeat(11), s);
    assertThat(findings(deep, StandardRules.LIMIT_REACHED.id())).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("maxJsonDepth"));
    // default limits: a 100k-deep document is stopped, not a StackOverflowError
    RecordingScanContext bomb = json("{\"a\":".repeat(100_000));
    assertThat(bomb.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void stringLengthIsBounded() {
    ScanSettings s = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(50).build()).build();
    RecordingScanContext ctx = json("{\"class_name\": \"" + "A".repeat(200) + "\"}", s);
    assertThat(findings(ctx, StandardRules.LIMIT_REACHED.id())).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("maxStringBytes"));
  }

  @Test
  void documentSizeIsBounded() {
    ScanSettings s = ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(100).build()).build();
    RecordingScanContext ctx = json(sequential(layer("\"keras.layers\"", "Dense", "{}")), s);
    assertThat(findings(ctx, StandardRules.LIMIT_REACHED.id())).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("maxHeaderBytes"));
  }

  @Test
  void valueCountIsBounded() {
    assertThat(JsonTree.parse("[1,2,3]".getBytes(StandardCharsets.UTF_8), ScanLimits.defaults(), 4).root())
        .isInstanceOf(List.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> JsonTree.parse("[1,2,3,4]".getBytes(StandardCharsets.UTF_8), ScanLimits.defaults(), 4))
        .isInstanceOf(dev.modelscan.api.ScanLimitExceededException.class);
  }

  @Test
  void payloadDispatchIsBounded() {
    String blob = Base64.getEncoder().encodeToString(new byte[60]);
    StringBuilder doc = new StringBuilder("[");
    for (int i = 0; i < KerasConfigAnalyzer.MAX_PAYLOADS + 5; i++) {
      doc.append(i == 0 ? "" : ",").append('"').append(blob).append('"');
    }
    RecordingScanContext ctx = json("{\"class_name\": \"Dense\", \"config\": {\"x\": " + doc + "]}}");
    assertThat(ctx.members()).hasSize(KerasConfigAnalyzer.MAX_PAYLOADS);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void findingsPerRuleAreCappedButACriticalIsNeverHidden() {
    String[] layers = new String[KerasConfigAnalyzer.MAX_FINDINGS_PER_RULE + 20];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = "{\"class_name\": \"Custom" + i + "\", \"config\": {}}";
    }
    String[] withEvil = java.util.Arrays.copyOf(layers, layers.length + 1);
    withEvil[layers.length] = layer("\"os\"", "system", "{}");
    RecordingScanContext ctx = json(sequential(withEvil));
    assertThat(findings(ctx, "KERAS-CUSTOM-OBJECT")).hasSize(KerasConfigAnalyzer.MAX_FINDINGS_PER_RULE + 1);
    assertThat(findings(ctx, "KERAS-DANGEROUS-REFERENCE")).hasSize(1);
  }
}
