package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.pickle.GlobalsPolicy.Category;
import dev.modelscan.pickle.GlobalsPolicy.Level;
import dev.modelscan.pickle.GlobalsPolicy.Verdict;
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

class GlobalsPolicyTest {

  private static final GlobalsPolicy POLICY = GlobalsPolicy.builtin();
  private static final ScanSettings DEFAULTS = ScanSettings.defaults();

  private static Verdict classify(String module, String name, int proto) {
    return POLICY.classify(module, name, proto, PickleSettings.defaults());
  }

  @ParameterizedTest(name = "{0}.{1} (proto {2}) is {3} {4} as {5}")
  @CsvSource({
    "os, system, 4, DANGEROUS, PROCESS, os.system",
    "posix, system, 4, DANGEROUS, PROCESS, os.system",
    "nt, system, 2, DANGEROUS, PROCESS, os.system",
    "os.path, join, 4, DANGEROUS, PROCESS, os.path.join",
    "_posixsubprocess, fork_exec, 4, DANGEROUS, PROCESS, subprocess.fork_exec",
    "__builtin__, eval, 2, DANGEROUS, EXEC, builtins.eval",
    "__builtin__, eval, 4, DANGEROUS, EXEC, builtins.eval",
    "commands, getoutput, 0, DANGEROUS, PROCESS, subprocess.getoutput",
    "_operator, attrgetter, 4, DANGEROUS, REFLECTION, operator.attrgetter",
    "_io, FileIO, 4, DANGEROUS, FILE, io.FileIO",
    "_ctypes, dlopen, 4, DANGEROUS, NATIVE, ctypes.dlopen",
    "shutil, os.system, 4, DANGEROUS, PROCESS, os.system",
    "torch, serialization.os.system, 4, DANGEROUS, PROCESS, os.system",
    "numpy, __builtins__, 4, DANGEROUS, REFLECTION, numpy.__builtins__",
    "builtins, object.__subclasses__, 4, DANGEROUS, REFLECTION, builtins.object.__subclasses__",
    "mylib.util, _create_code, 4, DANGEROUS, CODE, mylib.util._create_code",
    "types, CodeType, 4, DANGEROUS, CODE, types.CodeType",
    "marshal, loads, 4, DANGEROUS, CODE, marshal.loads",
    "torch.storage, _load_from_bytes, 2, DANGEROUS, NESTED, torch.storage._load_from_bytes",
    "numpy, load, 4, DANGEROUS, NESTED, numpy.load",
    "socket, create_connection, 4, DANGEROUS, NETWORK, socket.create_connection",
    "imaplib, IMAP4_stream, 4, DANGEROUS, PROCESS, imaplib.IMAP4_stream",
    "imaplib, IMAP4, 4, DANGEROUS, NETWORK, imaplib.IMAP4",
    "torch, os.system, 4, DANGEROUS, PROCESS, os.system",
    "torch.utils.collect_env, run, 2, DANGEROUS, EXEC, torch.utils.collect_env.run",
    "numpy.testing._private.utils, runstring, 4, DANGEROUS, EXEC, numpy.testing._private.utils.runstring",
  })
  void dangerous(String module, String name, int proto, Level level, Category category, String resolved) {
    Verdict v = classify(module, name, proto);
    assertThat(v.level()).isEqualTo(level);
    assertThat(v.category()).isEqualTo(category);
    assertThat(v.resolved()).isEqualTo(resolved);
  }

  @ParameterizedTest(name = "{0}.{1} (proto {2}) is safe")
  @CsvSource({
    "collections, OrderedDict, 2",
    "torch._utils, _rebuild_tensor_v2, 2",
    "torch, FloatStorage, 2",
    "numpy.core.multiarray, _reconstruct, 4",
    "numpy, dtype, 4",
    "copy_reg, _reconstructor, 2",
    "copyreg, __newobj__, 2",
    "__builtin__, set, 2",
    "sklearn.linear_model._logistic, LogisticRegression, 4",
    "torch.nn.modules.linear, Linear, 2",
    "__torch__.torch.nn.modules.linear, Linear, 2",
    "joblib.numpy_pickle, NumpyArrayWrapper, 4",
    "_codecs, encode, 2",
  })
  void safe(String module, String name, int proto) {
    assertThat(classify(module, name, proto).level()).isEqualTo(Level.SAFE);
  }

  @Test
  void packageWildcardsDoNotCoverAttributeWalks() {
    assertThat(classify("sklearn.linear_model._logistic", "LogisticRegression", 4).level()).isEqualTo(Level.SAFE);
    assertThat(classify("sklearn.linear_model._logistic", "LogisticRegression.fit", 4).level())
        .isEqualTo(Level.UNKNOWN);
    assertThat(classify("torch.nn.modules.module", "torch.load", 4).category()).isEqualTo(Category.NESTED);
    assertThat(classify("torch.nn.modules.module", "sys", 4).level()).isEqualTo(Level.DANGEROUS);
  }

  @Test
  void pythonTwoNamesAreRemappedOnlyBelowProtocolThree() {
    assertThat(POLICY.compat("__builtin__", "xrange", 2)).containsExactly("builtins", "range");
    assertThat(POLICY.compat("copy_reg", "_reconstructor", 0)).containsExactly("copyreg", "_reconstructor");
    assertThat(POLICY.compat("copy_reg", "_reconstructor", 3)).containsExactly("copy_reg", "_reconstructor");
  }

  @Test
  void unknownNamesAreUnknown() {
    assertThat(classify("mypackage", "Layer", 4).level()).isEqualTo(Level.UNKNOWN);
    assertThat(classify("functools", "partial", 4).level()).isEqualTo(Level.UNKNOWN);
  }

  @Test
  void denyWinsAndAllowNeverWhitelistsDangerousNames() {
    PickleSettings s =
        PickleSettings.builder()
            .denyGlobals("sklearn.linear_model")
            .allowGlobals("os.system", "mypackage.*", "other.Exact")
            .build();
    assertThat(POLICY.classify("sklearn.linear_model._logistic", "LogisticRegression", 4, s).level())
        .isEqualTo(Level.DENIED);
    assertThat(POLICY.classify("os", "system", 4, s).level()).isEqualTo(Level.DANGEROUS);
    assertThat(POLICY.classify("mypackage.sub", "Layer", 4, s).level()).isEqualTo(Level.SAFE);
    assertThat(POLICY.classify("other", "Exact", 4, s).level()).isEqualTo(Level.SAFE);
    assertThat(POLICY.classify("other", "Inexact", 4, s).level()).isEqualTo(Level.UNKNOWN);
  }

  @Test
  void noSafeEntryIsAlsoDangerous() throws Exception {
    List<String> safe;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                GlobalsPolicy.class.getResourceAsStream(GlobalsPolicy.ALLOWLIST), StandardCharsets.UTF_8))) {
      safe =
          r.lines()
              .map(String::strip)
              .filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .map(l -> l.split("\t")[0])
              .collect(Collectors.toList());
    }
    assertThat(safe).hasSizeGreaterThan(100);
    for (String name : safe) {
      int dot = name.lastIndexOf('.');
      assertThat(classify(name.substring(0, dot), name.substring(dot + 1), 4).level()).as(name).isEqualTo(Level.SAFE);
    }
  }

  @Test
  void quickModeReportsOnlyTheDangerousLayer() {
    ScanSettings quick = ScanSettings.builder().mode(ScanMode.QUICK).build();
    assertThat(Fixtures.pickle("unknown_global.pkl", quick).findings()).isEmpty();
    assertThat(Fixtures.pickle("p4_eval.pkl", quick).findings())
        .extracting(Finding::severity)
        .containsExactly(Severity.CRITICAL);
  }

  @Test
  void unknownSeverityIsConfigurable() {
    // an unknown callable called with REDUCE (unknown_global.pkl only rebuilds a class, which is LOW whatever the
    // setting: see PicklePolicyTest)
    byte[] reduce =
        new Ops().proto(2).global("mypackage.layers", "build_layer").text(")R.").bytes();
    ScanSettings high = ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().unknownGlobalSeverity(Severity.HIGH).build()).build();
    RecordingScanContext ctx = Fixtures.pickleBytes(reduce, high);
    assertThat(ctx.findings()).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    assertThat(Fixtures.pickle("unknown_global.pkl", high).findings())
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
  }

  @Test
  void embedderDenyIsReportedAsDenied() {
    ScanSettings deny = ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().denyGlobals("collections.OrderedDict").build()).build();
    RecordingScanContext ctx = Fixtures.pickle("benign_ordereddict.pkl", deny);
    assertThat(ctx.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-DENIED-GLOBAL");
              assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            });
  }

  @Test
  void embedderAllowSilencesAnUnknownName() {
    ScanSettings allow = ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().allowGlobals("mypackage.layers.CustomLayer").build()).build();
    assertThat(Fixtures.pickle("unknown_global.pkl", allow).findings()).isEmpty();
  }
}
