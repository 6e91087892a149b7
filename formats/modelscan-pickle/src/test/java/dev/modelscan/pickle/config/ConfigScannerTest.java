package dev.modelscan.pickle.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.core.ModelScan;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.pickle.settings.PickleSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Configs that make loaders run code, from fixtures written by PyYAML, json and tarfile (generate.py). */
class ConfigScannerTest {

  private static final ModelScan ENGINE = ModelScan.builder().build();

  static byte[] fixture(String name) {
    try (InputStream in = ConfigScannerTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RecordingScanContext scan(String name) {
    return RecordingScanContext.scan(new ConfigScanner(), fixture(name), name);
  }

  private static RecordingScanContext scanText(String text, String name) {
    return scanText(text, name, ScanSettings.defaults());
  }

  private static RecordingScanContext scanText(String text, String name, ScanSettings settings) {
    return RecordingScanContext.scan(
        new ConfigScanner(), text.getBytes(StandardCharsets.UTF_8), name, settings);
  }

  private static Finding one(RecordingScanContext ctx, String operator) {
    return ctx.findings().stream().filter(f -> f.operator().equals(operator)).findFirst().orElseThrow(
        () -> new AssertionError("no finding for " + operator + " in " + ctx.findings()));
  }

  // ---- Hydra / NeMo targets -------------------------------------------------------------------------------------

  @Test
  void hydraTargetsAreJudgedByTheGlobalsPolicy() {
    RecordingScanContext ctx = scan("hydra_targets.yaml");
    Finding eval = one(ctx, "eval");
    assertThat(eval.ruleId()).isEqualTo("CONFIG-DANGEROUS-TARGET");
    assertThat(eval.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(eval.message()).contains("model._target_").contains("_args_");
    Finding popen = one(ctx, "Popen");
    assertThat(popen.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(popen.message()).contains("callbacks[0]._target_").contains("_partial_");
    Finding unknown = one(ctx, "Loader");
    assertThat(unknown.ruleId()).isEqualTo("CONFIG-UNKNOWN-TARGET");
    assertThat(unknown.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("CONFIG-DYNAMIC-TARGET");
    // collections.OrderedDict is a known-safe callable.
    assertThat(ctx.findings()).noneSatisfy(f -> assertThat(f.operator()).isEqualTo("OrderedDict"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void unknownTargetsFollowTheUnknownGlobalSettings() {
    String yaml = "a:\n  _target_: my_project.data.Loader\n";
    ScanSettings quick = ScanSettings.builder().mode(ScanMode.QUICK).build();
    assertThat(scanText(yaml, "c.yaml", quick).findings()).isEmpty();
    ScanSettings low = ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().unknownGlobalSeverity(Severity.LOW).build()).build();
    assertThat(scanText(yaml, "c.yaml", low).findings()).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    ScanSettings allowed = ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().allowGlobals("my_project.data.Loader").build()).build();
    assertThat(scanText(yaml, "c.yaml", allowed).findings()).isEmpty();
  }

  @Test
  void offsetsAreBytesOfTheFile() {
    String yaml = "note: \"\u00e9\u00e9\u00e9\"\nm:\n  _target_: os.system\n";
    RecordingScanContext ctx = scanText(yaml, "c.yaml");
    int expected = yaml.getBytes(StandardCharsets.UTF_8).length - "os.system\n".length();
    assertThat(one(ctx, "system").location().offset()).isEqualTo(expected);
  }

  @Test
  void escapedKeyInAFlowMappingIsStillATarget() {
    Finding f = one(scan("escaped_key.yaml"), "system");
    assertThat(f.module()).isEqualTo("os");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void nemoModelConfigInsideTheTarIsScanned() {
    FileResult evil = ENGINE.scanBytes(fixture("nemo_os_system.nemo"), "asr.nemo");
    assertThat(evil.findings())
        .filteredOn(f -> f.ruleId().equals("CONFIG-DANGEROUS-TARGET"))
        .singleElement()
        .satisfies(f -> {
          assertThat(f.module() + "." + f.operator()).isEqualTo("os.system");
          assertThat(f.location().entry()).isEqualTo("./model_config.yaml");
          assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
    FileResult benign = ENGINE.scanBytes(fixture("nemo_benign.nemo"), "asr.nemo");
    assertThat(benign.hasFindingAtLeast(Severity.MEDIUM)).as(benign.toString()).isFalse();
    // NeMo's own classes are not on the safe list: visible as unknown framework targets, LOW.
    assertThat(benign.findings()).extracting(Finding::ruleId).containsOnly("CONFIG-UNKNOWN-TARGET");
    assertThat(benign.findings()).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    assertThat(benign.findings()).extracting(Finding::operator)
        .contains("EncDecCTCModel", "AudioToMelSpectrogramPreprocessor", "ConvASREncoder");
    assertThat(benign.status()).as(benign.toString()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(benign.findings()).noneSatisfy(f -> assertThat(f.ruleId()).isEqualTo("MODELSCAN-POLYGLOT"));
  }

  // ---- YAML tags and aliases ------------------------------------------------------------------------------------

  @Test
  void pythonTagsAreReportedAndTheirCallableJudged() {
    RecordingScanContext apply = scan("pyyaml_apply.yaml");
    Finding system = one(apply, "system");
    assertThat(system.ruleId()).isEqualTo("CONFIG-YAML-PYTHON-TAG");
    assertThat(system.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(apply.findings()).extracting(Finding::ruleId).contains("CONFIG-YAML-CUSTOM-TAG");
    // PyYAML's own representer writes os.system as !!python/name:posix.system (posix is os).
    Finding name = one(scan("pyyaml_python_name.yaml"), "system");
    assertThat(name.module()).isEqualTo("posix");
    assertThat(name.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void aliasBombIsADenialOfServiceFindingAndCostsNothingToRead() {
    RecordingScanContext ctx = scan("alias_bomb.yaml");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("CONFIG-ALIAS-EXPANSION");
    RecordingScanContext recursive = scanText("a: &a [1, *a]\n", "r.yaml");
    assertThat(recursive.findings()).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("contains it"));
  }

  @Test
  void yamlDepthLimitIsALimitFinding() {
    String deep = "a: " + "[".repeat(50) + "]".repeat(50) + "\n";
    ScanSettings shallow = ScanSettings.builder().limits(ScanLimits.builder().maxJsonDepth(10).build()).build();
    RecordingScanContext ctx = scanText(deep, "d.yaml", shallow);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-LIMIT-REACHED");
    assertThat(scanText(deep, "d.yaml").status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void malformedYamlKeepsWhatWasReadBeforeTheError() {
    RecordingScanContext ctx = scanText("a:\n  _target_: os.system\nb: \"unterminated\n", "m.yaml");
    assertThat(ctx.findings()).extracting(Finding::ruleId)
        .contains("CONFIG-DANGEROUS-TARGET", "MODELSCAN-MALFORMED");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  /** Found by the robustness suite: a '}' closing a '[' made the flow reader loop, adding null items until OOM. */
  @Test
  void mismatchedFlowBracketIsMalformedNotALoop() {
    RecordingScanContext ctx =
        scanText("trainer:\n  callbacks: [y\"_target_\": \"os.system\", _args_: [echo pwned]}]\n", "m.yaml");
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("MODELSCAN-MALFORMED");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(scanText("a: {b: 1]\n", "m.yaml").status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void explicitKeysAreUnsupportedSoPartialNotClean() {
    RecordingScanContext ctx = scanText("? _target_\n: os.system\n", "k.yaml");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void aPythonTagBehindSyntaxTheReaderStopsAtIsStillNamed() {
    // generate.py checks with yaml.compose that the explicit key carries the tag: yaml.load would run it.
    RecordingScanContext ctx = scan("explicit_key_apply.yaml");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    Finding system = one(ctx, "system");
    assertThat(system.ruleId()).isEqualTo("CONFIG-YAML-PYTHON-TAG");
    assertThat(system.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(system.location().offset()).isEqualTo((long) "model:\n  ? ".length());
    // The verbatim spelling, past the nesting limit: the limit is reached and the tag named all the same.
    String deep = "a: " + "[".repeat(20) + "!<tag:yaml.org,2002:python/object/apply:os.system> [echo]"
        + "]".repeat(20) + "\n";
    ScanSettings shallow = ScanSettings.builder().limits(ScanLimits.builder().maxJsonDepth(10).build()).build();
    RecordingScanContext limited = scanText(deep, "d.yaml", shallow);
    assertThat(limited.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(limited.findings()).extracting(Finding::ruleId)
        .containsExactlyInAnyOrder("MODELSCAN-LIMIT-REACHED", "CONFIG-YAML-PYTHON-TAG");
    // Before the point where the reader stopped, tags were read as nodes: each is named once, not twice.
    RecordingScanContext before = scanText("a: !!python/name:os.system\n? b\n: c\n", "k.yaml");
    assertThat(before.findings()).filteredOn(f -> f.ruleId().equals("CONFIG-YAML-PYTHON-TAG")).hasSize(1);
  }

  @Test
  void yamlForms() {
    String yaml =
        "%YAML 1.1\n---\n"
            + "# comment\n"
            + "literal: |\n  line one\n  line two\n"
            + "folded: >-\n  a\n  b\n"
            + "plain: multi\n  line value\n"
            + "single: 'it''s'\n"
            + "seq:\n- a\n- b: 1\n  c: [x, {y: z}]\n"
            + "anchored: &base {k: v}\n"
            + "merged:\n  <<: *base\n  extra: !!str 1\n"
            + "nested:\n  - - deep\n"
            + "url: http://x:80/y\n"
            + "...\n---\nsecond: doc\n";
    RecordingScanContext ctx = scanText(yaml, "forms.yaml");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    YamlReader r = YamlReader.over(yaml, 100, () -> {});
    try {
      r.read();
    } catch (YamlReader.YamlException e) {
      throw new AssertionError(e);
    }
    assertThat(r.documents()).hasSize(2);
    ConfigNode.MapNode root = (ConfigNode.MapNode) r.documents().get(0);
    assertThat(root.keys).extracting(k -> ((ConfigNode.Scalar) k).value)
        .containsExactly("literal", "folded", "plain", "single", "seq", "anchored", "merged", "nested", "url");
    assertThat(((ConfigNode.Scalar) root.values.get(0)).value).isEqualTo("line one\nline two");
    assertThat(((ConfigNode.Scalar) root.values.get(1)).value).isEqualTo("a b");
    assertThat(((ConfigNode.Scalar) root.values.get(2)).value).isEqualTo("multi line value");
    assertThat(((ConfigNode.Scalar) root.values.get(3)).value).isEqualTo("it's");
    assertThat(((ConfigNode.Scalar) root.values.get(8)).value).isEqualTo("http://x:80/y");
    ConfigNode.Seq seq = (ConfigNode.Seq) root.values.get(4);
    assertThat(seq.items).hasSize(2);
    assertThat(((ConfigNode.MapNode) seq.items.get(1)).keys).hasSize(2);
  }

  @Test
  void yamlReaderIsLinearOnPathologicalInput() {
    String text =
        "a: " + "x ".repeat(200_000) + "\n"
            + "b: \"" + "\\\n".repeat(50_000) + "\"\n"
            + "c:\n" + "  # c\n".repeat(50_000) + "  d: 1\n"
            + "e: [" + "1, ".repeat(100_000) + "]\n";
    RecordingScanContext ctx = scanText(text, "big.yaml");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  // ---- Hugging Face JSON configs --------------------------------------------------------------------------------

  @Test
  void autoMapListsTheRepositoryModules() {
    RecordingScanContext ctx = scan("config.json");
    assertThat(ctx.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("CONFIG-REMOTE-CODE");
      assertThat(f.message()).contains("configuration_tiny", "modeling_tiny", "someone/other-repo : modeling_other");
      assertThat(f.severity()).isEqualTo(Severity.HIGH); // another repository's code is not in this folder
    });
    RecordingScanContext local =
        scanText("{\"auto_map\": {\"AutoTokenizer\": [\"tokenization_x.XTokenizer\", null]}}", "tokenizer_config.json");
    assertThat(local.findings()).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.message()).contains("tokenization_x");
    });
  }

  @Test
  void autoMapModulesNextToTheConfigAreLowAndMissingOnesMedium(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    String json = "{\"auto_map\": {\"AutoConfig\": \"configuration_x.XConfig\", \"AutoModel\": \"modeling_x.XModel\"}}";
    java.nio.file.Path config = dir.resolve("config.json");
    java.nio.file.Files.writeString(config, json);
    java.nio.file.Files.writeString(dir.resolve("configuration_x.py"), "import torch\n");
    RecordingScanContext missing = RecordingScanContext.scan(new ConfigScanner(), config, ScanSettings.defaults());
    assertThat(missing.findings()).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.message()).contains("Not found next to this config, so not scanned: modeling_x.");
    });
    java.nio.file.Files.writeString(dir.resolve("modeling_x.py"), "import torch\n");
    RecordingScanContext present = RecordingScanContext.scan(new ConfigScanner(), config, ScanSettings.defaults());
    assertThat(present.findings()).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
  }

  @Test
  void chatTemplatesGoThroughTheTemplateAnalyser() {
    assertThat(scan("tokenizer_config_clean.json").findings()).isEmpty();
    RecordingScanContext ctx = scan("tokenizer_config_ssti.json");
    assertThat(ctx.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("JINJA-TEMPLATE-INJECTION");
      assertThat(f.severity().isAtLeast(Severity.HIGH)).isTrue();
      assertThat(f.message()).contains("tool_use");
    });
  }

  @Test
  void chatTemplateInYaml() {
    RecordingScanContext ctx =
        scanText("chat_template: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\"\n", "template.yaml");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("JINJA-TEMPLATE-INJECTION");
  }

  @Test
  void malformedJsonIsReportedAndPartial() {
    RecordingScanContext ctx = scanText("{\"_target_\": \"os.system\", ", "config.json");
    assertThat(ctx.findings()).extracting(Finding::ruleId)
        .contains("CONFIG-DANGEROUS-TARGET", "MODELSCAN-MALFORMED");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void jsonDepthLimit() {
    String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
    ScanSettings shallow = ScanSettings.builder().limits(ScanLimits.builder().maxJsonDepth(10).build()).build();
    RecordingScanContext ctx = scanText(deep, "config.json", shallow);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-LIMIT-REACHED");
  }

  @Test
  void recognition() {
    ConfigScanner s = new ConfigScanner();
    byte[] json = "{\"hidden_size\": 4}".getBytes(StandardCharsets.UTF_8);
    assertThat(s.recognize(ContentHead.ofBytes(json, "model/config.json")).format()).isEqualTo("json-config");
    assertThat(s.recognize(ContentHead.ofBytes(json, "labels.json")).recognised()).isFalse();
    byte[] keyed = "{\"x\": {\"_target_\": \"a.b\"}}".getBytes(StandardCharsets.UTF_8);
    assertThat(s.recognize(ContentHead.ofBytes(keyed, "whatever.json")).recognised()).isTrue();
    byte[] yaml = "a: 1\n".getBytes(StandardCharsets.UTF_8);
    assertThat(s.recognize(ContentHead.ofBytes(yaml, "x.yml")).format()).isEqualTo("yaml-config");
    assertThat(s.recognize(ContentHead.ofBytes(new byte[] {(byte) 0x80, 2, 0}, "x.yaml")).recognised()).isFalse();
  }

  @Test
  void configThroughTheEngineIsAConfigNotText() {
    FileResult r = ENGINE.scanBytes(fixture("tokenizer_config_clean.json"), "tokenizer_config.json");
    assertThat(r.format()).isEqualTo("json-config");
    assertThat(r.findings()).isEmpty();
    List<String> rules =
        ENGINE.scanBytes(fixture("config.json"), "config.json").findings().stream()
            .map(Finding::ruleId).collect(Collectors.toList());
    assertThat(rules).containsExactly("CONFIG-REMOTE-CODE");
  }
}
