package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.pickle.GlobalsPolicy.Category;
import dev.modelscan.pickle.GlobalsPolicy.Level;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.pickle.settings.PickleSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exact allowlist (issue 16 item 1), what quick mode knows (item 9), and the false alarms of ordinary files:
 * standard names, Enum members pickled through getattr, and classes rebuilt rather than called. Real-library fixtures
 * come from {@code fixtures/policy/generate.py}; attack shapes are written opcode by opcode.
 */
class PicklePolicyTest {

  private static final GlobalsPolicy POLICY = GlobalsPolicy.builtin();
  private static final ScanSettings DEFAULTS = ScanSettings.defaults();
  private static final ScanSettings QUICK = ScanSettings.builder().mode(ScanMode.QUICK).build();

  private static List<String> resourceLines(String name) throws Exception {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(GlobalsPolicy.class.getResourceAsStream(name), StandardCharsets.UTF_8))) {
      return r.lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .map(l -> l.split("\t")[0])
          .collect(Collectors.toList());
    }
  }

  /** A protocol-2 pickle calling module.name(arg) with REDUCE. */
  private static byte[] reduce(String module, String name, String arg) {
    return new Ops().proto(2).global(module, name).text("X").raw(le(arg.length())).text(arg).raw(0x85).text("R.")
        .bytes();
  }

  private static int[] le(int n) {
    return new int[] {n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF, n >>> 24};
  }

  private static List<Finding> medium(RecordingScanContext ctx) {
    return Fixtures.atLeast(ctx, Severity.MEDIUM);
  }

  // ------------------------------------------------------------------------------------------- the exact list

  @Test
  void theAllowlistIsExactNamesOnly() throws Exception {
    List<String> names = resourceLines(GlobalsPolicy.ALLOWLIST);
    assertThat(names).hasSizeGreaterThan(1000);
    assertThat(names).noneMatch(n -> n.contains("*"));
    assertThat(names).noneMatch(n -> n.startsWith("torch._C.") || n.startsWith("torch.ops.")
        || n.startsWith("torch.backends.") || n.startsWith("torch.utils.backend_registration"));
  }

  @Test
  void torchWeightsOnlyAllowlistIsCoveredItemForItem() throws Exception {
    // torch/_weights_only_unpickler.py _get_allowed_globals() at pytorch main 00f730b6, expanded (see the file)
    List<String> torch = resourceLines("/dev/modelscan/pickle/torch_weights_only_allowlist.txt");
    assertThat(torch).hasSizeGreaterThan(140).contains("torch._utils._rebuild_tensor_v2", "torch.float8_e8m0fnu");
    for (String name : torch) {
      int dot = name.lastIndexOf('.');
      assertThat(POLICY.classify(name.substring(0, dot), name.substring(dot + 1), 2, PickleSettings.defaults()).level())
          .as(name)
          .isEqualTo(Level.SAFE);
    }
  }

  @ParameterizedTest(name = "re-exported or side-effect name {0}.{1} is not safe")
  @CsvSource({
    // operator.attrgetter is an attribute of these scikit-learn modules because they import it
    "sklearn.utils.metaestimators, attrgetter",
    "sklearn.feature_selection._base, attrgetter",
    // the platform module is an attribute of sklearn.base
    "sklearn.base, platform",
    "sklearn.linear_model._logistic, LogisticRegression.fit",
    "torch.nn.modules.module, OrderedDict",
    "torch._C._nn, gelu",
    "torch.ops.aten, add",
    "torch, Generator",
  })
  void reExportsAndSideEffectsAreNotAllowed(String module, String name) {
    assertThat(POLICY.classify(module, name, PickleSettings.defaults()).level()).isNotEqualTo(Level.SAFE);
  }

  @Test
  void backendRenamingAndWalksThroughReExportsAreDangerous() {
    assertThat(POLICY.classify("torch.utils.backend_registration", "rename_privateuse1_backend", PickleSettings.defaults()).level())
        .isEqualTo(Level.DANGEROUS);
    assertThat(POLICY.classify("torch._C", "_rename_privateuse1_backend", PickleSettings.defaults()).category())
        .isEqualTo(Category.IMPORT);
    assertThat(POLICY.classify("sklearn.base", "platform.popen", PickleSettings.defaults()).category()).isEqualTo(Category.PROCESS);
    assertThat(POLICY.classify("sklearn.utils.metaestimators.attrgetter", PickleSettings.defaults()).level())
        .isNotEqualTo(Level.SAFE);
  }

  @Test
  void bypassPicklesAreReported() {
    // thorough mode: the re-exported attrgetter is at least unknown and called (MEDIUM)
    RecordingScanContext attr = Fixtures.pickleBytes(reduce("sklearn.utils.metaestimators", "attrgetter", "x"),
        DEFAULTS);
    assertThat(medium(attr)).extracting(Finding::operator).contains("attrgetter");
    // the backend rename helper and the platform walk are dangerous in quick mode too
    RecordingScanContext rename =
        Fixtures.pickleBytes(reduce("torch.utils.backend_registration", "rename_privateuse1_backend", "os"), QUICK);
    assertThat(rename.findings()).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
    RecordingScanContext platform = Fixtures.pickleBytes(reduce("sklearn.base", "platform.popen", "echo"), QUICK);
    assertThat(platform.findings()).extracting(Finding::severity).containsExactly(Severity.CRITICAL);
  }

  @ParameterizedTest(name = "standard name {0} is safe")
  @ValueSource(
      strings = {
        "builtins.len",
        "collections.abc.Mapping",
        "collections.abc.Callable",
        "__future__.annotations",
        "__future__._Feature",
        "numpy.random.bit_generator.SeedSequence",
        "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
        "numpy.ma.MaskedArray",
        "numpy.ma.core.MaskedArray",
        "numpy.ma.core.MaskedConstant",
        "torch._utils._rebuild_nested_tensor",
        "torch.jit._pickle.build_intlist",
        "sklearn.tree._tree.Tree",
        "scipy.sparse._csr.csr_matrix",
        // NumPy 2 writes numpy._core where NumPy 1 wrote numpy.core
        "numpy._core.multiarray._reconstruct",
        "numpy._core.multiarray.scalar",
        "numpy._core._multiarray_umath.log1p",
        // HF Trainer enums (training_args.bin)
        "transformers.trainer_utils.IntervalStrategy",
        "transformers.training_args.OptimizerNames",
        "accelerate.utils.dataclasses.DistributedType",
      })
  void harmlessStandardNamesAreSafe(String name) {
    int dot = name.lastIndexOf('.');
    assertThat(POLICY.classify(name.substring(0, dot), name.substring(dot + 1), PickleSettings.defaults()).level())
        .isEqualTo(Level.SAFE);
  }

  @ParameterizedTest(name = "{0} has no MEDIUM finding")
  @ValueSource(
      strings = {
        "policy/sklearn_scaler_logreg_pipeline.pkl",
        "policy/sklearn_scaler_logreg_pipeline.joblib",
        "policy/sklearn_random_forest.joblib",
        "policy/xgboost_pipeline.joblib",
        "policy/torch_tinynet_state_dict.pkl",
        "policy/torch_tinynet_full_model.pkl",
        "policy/numpy_dtypes_p2.pkl",
        "policy/numpy_dtypes_p4.pkl",
        "policy/numpy_dtypes_p5.pkl",
        "policy/hf_training_args.bin.pkl",
      })
  void realLibraryFilesHaveNoMediumFinding(String fixture) {
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    assertThat(medium(ctx)).as(ctx.toString()).isEmpty();
  }

  @ParameterizedTest(name = "every global of {0} is on the exact list")
  @ValueSource(
      strings = {
        "policy/sklearn_scaler_logreg_pipeline.pkl",
        "policy/sklearn_scaler_logreg_pipeline.joblib",
        "policy/sklearn_random_forest.joblib",
        "policy/xgboost_pipeline.joblib",
        "policy/torch_tinynet_state_dict.pkl",
        "policy/numpy_dtypes_p2.pkl",
        "policy/numpy_dtypes_p4.pkl",
        "policy/numpy_dtypes_p5.pkl",
        "sklearn_grid_f1.pkl",
        "sklearn_hgb.pkl",
        "sklearn_knn.pkl",
        "sklearn_tfidf.pkl",
        "sklearn_pipeline.joblib",
        "torch_whole_module_data.pkl",
        "torchscript_data.pkl",
        "torch_legacy_protocol0.pt",
      })
  void libraryFilesReferenceOnlyListedNames(String fixture) {
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    assertThat(ctx.findings()).as(ctx.toString()).isEmpty();
  }

  // ------------------------------------------------------------------------------- classes rebuilt, not called

  @Test
  void aWholeModelOfAnUnknownClassIsLowWithAClearMessage() {
    RecordingScanContext ctx = Fixtures.pickle("policy/torch_tinynet_full_model.pkl");
    assertThat(ctx.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-UNKNOWN-CLASS");
              assertThat(f.severity()).isEqualTo(Severity.LOW);
              assertThat(f.module() + "." + f.operator()).isEqualTo("policy_models.TinyNet");
              assertThat(f.message()).contains("Unknown class reconstructed: policy_models.TinyNet", "NEWOBJ",
                  "__setstate__");
            });
  }

  @Test
  void aClassGivenToCopyregReconstructorIsRebuiltNotCalled() {
    ScanSettings allowEnum = ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().allowGlobals("policy_models.Interval").build()).build();
    RecordingScanContext ctx = Fixtures.pickle("policy/training_args_like_p0.pkl", allowEnum);
    assertThat(ctx.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-UNKNOWN-CLASS");
              assertThat(f.message()).contains("REDUCE of copyreg._reconstructor");
            });
  }

  @Test
  void callingAnUnknownStaysMedium() {
    RecordingScanContext reduce = Fixtures.pickleBytes(reduce("mypackage.layers", "build_layer", "x"), DEFAULTS);
    assertThat(reduce.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-UNKNOWN-GLOBAL");
              assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            });
    // OBJ calls cls(*args) (CPython instantiate), which calls a function: not a class reconstruction
    byte[] obj = new Ops().text("(").global("mypackage.layers", "build_layer").text("S'x'\no.").bytes();
    assertThat(Fixtures.pickleBytes(obj, DEFAULTS).findings())
        .extracting(Finding::ruleId)
        .containsExactly("PICKLE-UNKNOWN-GLOBAL");
    // NEWOBJ, then the instance is called: its __call__ runs with the file's arguments
    byte[] newobjCalled = new Ops().proto(2).global("mypackage.layers", "Layer").text(")").raw(0x81).text(")R.")
        .bytes();
    assertThat(Fixtures.pickleBytes(newobjCalled, DEFAULTS).findings())
        .extracting(Finding::ruleId, Finding::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PICKLE-UNKNOWN-GLOBAL", Severity.MEDIUM));
  }

  // ---------------------------------------------------------------------------------- Enum members via getattr

  @Test
  void enumMembersOfAnAllowedClassAreNotReflection() {
    ScanSettings allowEnum = ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().allowGlobals("policy_models.Interval").build()).build();
    for (String f : List.of("policy/training_args_like.pkl", "policy/training_args_like_p4.pkl")) {
      RecordingScanContext ctx = Fixtures.pickle(f, allowEnum);
      assertThat(medium(ctx)).as(f + " " + ctx).isEmpty();
      assertThat(ctx.findings()).as(f).extracting(Finding::operator).containsExactly("TrainingArgsLike");
    }
  }

  @Test
  void huggingFaceTrainerEnumsAreKnown() {
    RecordingScanContext ctx = Fixtures.pickle("policy/hf_training_args.bin.pkl");
    assertThat(ctx.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-UNKNOWN-CLASS");
              assertThat(f.operator()).isEqualTo("TrainingArguments");
            });
  }

  @Test
  void getattrOnAClassThatIsNotKnownStaysCritical() {
    RecordingScanContext ctx = Fixtures.pickle("policy/training_args_like.pkl");
    assertThat(ctx.findings())
        .filteredOn(f -> f.operator().equals("getattr"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
              assertThat(f.message()).contains("policy_models.Interval.STEPS", "allowGlobals");
            });
  }

  /** getattr(collections.OrderedDict, name) written opcode by opcode, followed by {@code tail}. */
  private static byte[] getattrOn(String module, String name, String member, String tail) {
    return new Ops().proto(2).raw(getattrCall(module, name, member)).text(tail).bytes();
  }

  /** The opcodes of getattr(module.name, 'member'), leaving the result on the stack. */
  private static byte[] getattrCall(String module, String name, String member) {
    return new Ops().global("builtins", "getattr").global(module, name).text("X").raw(le(member.length()))
        .text(member).raw(0x86).text("R").bytes();
  }

  @Test
  void getattrThatReachesMoreThanAMemberStaysCritical() {
    // the plain Enum shape on a known class: nothing
    assertThat(Fixtures.pickleBytes(getattrOn("collections", "OrderedDict", "fromkeys", "."), DEFAULTS).findings())
        .isEmpty();
    // a dunder
    assertThat(critical(getattrOn("collections", "OrderedDict", "__init__", "."))).isTrue();
    // what it returned is called
    assertThat(critical(getattrOn("collections", "OrderedDict", "fromkeys", ")R."))).isTrue();
    // what it returned is handed to a rebuild function that calls its first argument
    byte[] handed = new Ops().proto(2).global("torch._tensor", "_rebuild_from_type_v2").text("(")
        .global("builtins", "getattr").global("collections", "OrderedDict").text("X").raw(le(8)).text("fromkeys")
        .raw(0x86).text("R").global("torch", "Tensor").text(")}tR.").bytes();
    assertThat(critical(handed)).isTrue();
    // an Enum member inside the arguments of a known-safe class (set([member])) is still only data
    byte[] inSet = new Ops().proto(2).global("builtins", "set").text("]")
        .raw(getattrCall("collections", "OrderedDict", "fromkeys")).text("a").raw(0x85).text("R.").bytes();
    assertThat(Fixtures.pickleBytes(inSet, DEFAULTS).findings()).isEmpty();
    // ... but handed to a callable that is not known safe, it may be called
    byte[] toUnknown = new Ops().proto(2).global("mypackage", "run")
        .raw(getattrCall("collections", "OrderedDict", "fromkeys")).raw(0x85).text("R.").bytes();
    assertThat(critical(toUnknown)).isTrue();
    // ... also inside what a known-safe call built from it, or in a list too long to follow
    byte[] wrapped = new Ops().proto(2).global("mypackage", "run").global("builtins", "tuple").text("]")
        .raw(getattrCall("collections", "OrderedDict", "fromkeys")).text("a").raw(0x85).text("R").raw(0x85)
        .text("R.").bytes();
    assertThat(critical(wrapped)).isTrue();
    byte[] longList = new Ops().proto(2).global("mypackage", "run").text("](")
        .repeat("N", Sym.MAX_ITEMS + 5).raw(getattrCall("collections", "OrderedDict", "fromkeys")).text("e")
        .raw(0x85).text("R.").bytes();
    assertThat(critical(longList)).isTrue();
    // a name computed while loading
    byte[] computed = new Ops().proto(2).global("builtins", "getattr").global("collections", "OrderedDict")
        .global("builtins", "str").text(")R").raw(0x86).text("R.").bytes();
    assertThat(critical(computed)).isTrue();
    // a walk into a dangerous module through a re-export
    RecordingScanContext walk = Fixtures.pickleBytes(getattrOn("sklearn.base", "platform", "popen", "."), QUICK);
    assertThat(walk.findings())
        .anySatisfy(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
              assertThat(f.message()).contains("platform.popen");
            });
  }

  private static boolean critical(byte[] pickle) {
    return Fixtures.pickleBytes(pickle, QUICK).findings().stream()
        .anyMatch(f -> f.operator().equals("getattr") && f.severity() == Severity.CRITICAL);
  }

  // ------------------------------------------------------------------------------------ quick mode knows more

  @ParameterizedTest(name = "quick mode: {0}.{1} is {2} {3}")
  @CsvSource({
    "fickling.hook, remove_hook, PICKLE-SCANNER-TAMPERING, HIGH",
    "fickling, always_check_safety, PICKLE-SCANNER-TAMPERING, HIGH",
    "picklescan.scanner, _safe_globals, PICKLE-SCANNER-TAMPERING, HIGH",
    "modelscan.settings, DEFAULT_SETTINGS, PICKLE-SCANNER-TAMPERING, HIGH",
    "modelaudit.scanners.pickle_scanner, PickleScanner, PICKLE-SCANNER-TAMPERING, HIGH",
    "torch.serialization, add_safe_globals, PICKLE-SCANNER-TAMPERING, HIGH",
    "_interpreters, run_string, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "_xxsubinterpreters, run_string, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "interpreters, run_string, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "_xxinterpchannels, create, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "concurrent.interpreters, create, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "torch, compile, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "torch.jit, CompilationUnit, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "torch.jit, script_if_tracing, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "torch.jit, RecursiveScriptModule._construct, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "torch, _load_global_deps, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "torch.jit, load, PICKLE-NESTED-LOAD, HIGH",
    "torch.jit, _load_for_lite_interpreter, PICKLE-NESTED-LOAD, HIGH",
    "torch.jit._serialization, load, PICKLE-NESTED-LOAD, HIGH",
    "torch, load, PICKLE-NESTED-LOAD, HIGH",
    "pandas, read_pickle, PICKLE-NESTED-LOAD, HIGH",
    "pandas, read_hdf, PICKLE-NESTED-LOAD, HIGH",
    "pandas, read_csv, PICKLE-NETWORK-ACCESS, HIGH",
    "pandas.io.parsers, read_csv, PICKLE-NETWORK-ACCESS, HIGH",
    "pandas, read_clipboard, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "pandas, DataFrame.eval, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
    "webbrowser, open, PICKLE-DANGEROUS-GLOBAL, CRITICAL",
  })
  void quickModeKnowsTheseAreDangerous(String module, String name, String rule, Severity severity) {
    RecordingScanContext ctx = Fixtures.pickleBytes(reduce(module, name, "x"), QUICK);
    assertThat(ctx.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo(rule);
              assertThat(f.severity()).isEqualTo(severity);
              assertThat(f.module()).isEqualTo(module);
            });
  }

  @Test
  void scannerTamperingHasItsOwnThreatAndCwe() {
    assertThat(PickleRules.SCANNER_TAMPERING.threatType()).isEqualTo(ThreatType.OBFUSCATION);
    assertThat(PickleRules.SCANNER_TAMPERING.cwe().id()).isEqualTo(693);
    assertThat(PickleRules.all()).contains(PickleRules.SCANNER_TAMPERING, PickleRules.UNKNOWN_CLASS);
  }
}
