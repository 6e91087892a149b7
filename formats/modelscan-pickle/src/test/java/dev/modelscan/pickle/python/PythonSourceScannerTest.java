package dev.modelscan.pickle.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.core.ModelScan;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Python source and TorchScript code: real torch.jit.save archives (generate.py) through the engine, and hand-written
 * source with the evasions that hide a call from a text search.
 */
class PythonSourceScannerTest {

  private static final ModelScan ENGINE = ModelScan.builder().build();

  static byte[] fixture(String name) {
    try (InputStream in = PythonSourceScannerTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RecordingScanContext scan(String source, String name) {
    return RecordingScanContext.scan(new PythonSourceScanner(), source.getBytes(StandardCharsets.UTF_8), name);
  }

  private static List<String> names(RecordingScanContext ctx) {
    return ctx.findings().stream()
        .map(f -> f.operator().isEmpty() ? f.module() : f.module() + "." + f.operator()).collect(Collectors.toList());
  }

  private static List<Finding> fromScanner(FileResult r) {
    return r.findings().stream().filter(f -> f.scanner().equals("python-source")).collect(Collectors.toList());
  }

  // ---- TorchScript archives written by torch.jit.save -----------------------------------------------------------

  @Test
  void scriptedModuleOfOrdinaryOpsIsCleanAndItsCodeIsAnalysedNotText() {
    FileResult r = ENGINE.scanBytes(fixture("torchscript_clean.pt"), "torchscript_clean.pt");
    assertThat(r.hasFindingAtLeast(Severity.LOW)).as(r.toString()).isFalse();
    assertThat(r.status()).as(r.toString()).isEqualTo(ScanStatus.COMPLETE);
    List<MemberResult> code =
        r.members().stream().filter(m -> m.entry().endsWith(".py")).collect(Collectors.toList());
    assertThat(code).hasSize(2).allSatisfy(m -> assertThat(m.format()).isEqualTo("torchscript-code"));
  }

  @Test
  void scriptedSetstateThatWritesFilesIsHigh() {
    FileResult r =
        ENGINE.scanBytes(fixture("torchscript_setstate_from_file.pt"), "torchscript_setstate_from_file.pt");
    List<Finding> f = fromScanner(r);
    assertThat(f)
        .extracting(x -> x.module() + "." + x.operator())
        .containsExactlyInAnyOrder("torch.from_file", "torch.save");
    assertThat(f).allSatisfy(x -> assertThat(x.severity()).isEqualTo(Severity.HIGH));
    assertThat(f).allSatisfy(x -> assertThat(x.location().entry()).isEqualTo("archive/code/__torch__.py"));
    assertThat(f).allSatisfy(x -> assertThat(x.message()).contains("torch.jit.load"));
  }

  @Test
  void forwardThatMapsAFileIsHigh() {
    FileResult r =
        ENGINE.scanBytes(fixture("torchscript_forward_from_file.pt"), "torchscript_forward_from_file.pt");
    assertThat(fromScanner(r))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.operator()).isEqualTo("from_file");
              assertThat(x.severity()).isEqualTo(Severity.HIGH);
              assertThat(x.ruleId()).isEqualTo("PYTHON-FILE-ACCESS");
            });
  }

  @Test
  void customOperatorNamespacesAndPrimRpcInTorchScriptCode() throws IOException {
    byte[] zip = zipOf("m/code/__torch__.py", fixture("torchscript_custom_op.py"), "m/constants.pkl");
    FileResult r = ENGINE.scanBytes(zip, "custom.pt");
    Map<String, Finding> byName =
        fromScanner(r).stream().collect(Collectors.toMap(f -> f.module() + "." + f.operator(), f -> f));
    assertThat(byName.get("torch.ops.my_vendor.fast_gelu").severity()).isEqualTo(Severity.MEDIUM);
    assertThat(byName.get("torch.ops.my_vendor.fast_gelu").ruleId()).isEqualTo("TORCHSCRIPT-CUSTOM-OP");
    assertThat(byName.get("torch.ops.torchvision.nms").severity()).isEqualTo(Severity.LOW);
    assertThat(byName.get("torch.ops.prim.rpc_sync").ruleId()).isEqualTo("PYTHON-NETWORK");
    assertThat(byName.get("torch.ops.prim.rpc_sync").severity()).isEqualTo(Severity.HIGH);
    // torch.ops.aten.<op> is the same operator as torch.<op>.
    assertThat(byName.get("torch.save").severity()).isEqualTo(Severity.HIGH);
  }

  @Test
  void customClassesInAnnotationsAreReportedButPyTorchsOwnAreNot() {
    String ts =
        "class M(Module):\n"
            + "  packed : __torch__.torch.classes.quantized.LinearPackedParamsBase\n"
            + "  ctx : __torch__.torch.classes.vendor_ns.Secret\n"
            + "  def forward(self: __torch__.M, x: Tensor) -> Tensor:\n"
            + "    return ops.quantized.linear(x, self.packed, 1.0, 0)\n";
    assertThat(names(scan(ts, "a/code/__torch__.py")))
        .containsExactly("__torch__.torch.classes.vendor_ns.Secret");
  }

  @Test
  void torchSaveIsOrdinaryInAModellingFileButNotInTorchScript() {
    String src = "import torch\ntorch.save(model.state_dict(), 'x.pt')\nstate = torch.load('x.pt')\n";
    assertThat(scan(src, "modeling_x.py").findings()).isEmpty();
    assertThat(names(scan(src, "archive/code/__torch__.py"))).containsExactlyInAnyOrder("torch.save", "torch.load");
  }

  // ---- loose Python files ---------------------------------------------------------------------------------------

  @Test
  void modellingFileThatImportsTorchIsClean() {
    RecordingScanContext ctx =
        RecordingScanContext.scan(new PythonSourceScanner(), fixture("modeling_clean.py"), "modeling_tiny.py");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void everyHiddenFormOfACallIsResolved() {
    RecordingScanContext ctx =
        RecordingScanContext.scan(new PythonSourceScanner(), fixture("modeling_payload.py"), "modeling_evil.py");
    assertThat(names(ctx))
        .contains(
            "builtins.eval", // fullwidth letters, NFKC-normalised as CPython does
            "os.system", // from os import system as run_it
            "subprocess.run", // import subprocess as sp
            "builtins.exec", // getattr(__import__('builtins'), 'exec')
            "os.popen", // __import__('os').popen
            "socket.create_connection", // importlib.import_module('socket').create_connection
            "shutil.rmtree"); // inside an f-string replacement field
    Finding system =
        ctx.findings().stream().filter(f -> f.operator().equals("system")).findFirst().orElseThrow();
    assertThat(system.severity()).isEqualTo(Severity.HIGH);
    assertThat(system.ruleId()).isEqualTo("PYTHON-PROCESS");
    assertThat(system.message()).contains("line 4").contains("trust_remote_code");
  }

  @Test
  void stringsCommentsAndAttributesAreNotCalls() {
    String src =
        "# os.system('x')\n"
            + "s = 'eval(1)'\n"
            + "t = \"\"\"\nexec('x')\n\"\"\"\n"
            + "u = rb'\\' + open(1)'\n"
            + "model.eval()\n"
            + "self.compile = True\n"
            + "def exec(self):\n  pass\n";
    assertThat(scan(src, "a.py").findings()).isEmpty();
  }

  @Test
  void offsetsAreBytesOfTheFile() {
    String src = "import os\n# \u00e9\u00e9 \ud83d\ude00\nos.system('x')\n";
    Finding f = scan(src, "a.py").findings().get(0);
    assertThat(f.location().offset())
        .isEqualTo(src.getBytes(StandardCharsets.UTF_8).length - "os.system('x')\n".length());
  }

  @Test
  void starImportsAndBareBuiltins() {
    String src = "from subprocess import *\nfrom os import *\nsystem('echo')\nPopen(['echo'])\nexec('1')\n";
    assertThat(names(scan(src, "a.py")))
        .contains("os.system", "subprocess.Popen", "builtins.exec");
  }

  @Test
  void importLinesAreUsesEvenWithoutACall() {
    RecordingScanContext ctx = scan("import ctypes, requests\nfrom urllib.request import urlopen\n", "a.py");
    assertThat(names(ctx)).contains("ctypes", "requests", "urllib.request.urlopen");
    assertThat(ctx.findings()).allSatisfy(f -> assertThat(f.message()).contains("imports"));
  }

  @Test
  void undecodedSourceEncodingIsReportedAndPartial() {
    RecordingScanContext ctx = scan("# -*- coding: utf-7 -*-\n+AGkAbQBwAG8AcgB0ACAAbwBz-\n", "a.py");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("PYTHON-SOURCE-ENCODING");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(scan("# -*- coding: latin-1 -*-\nx = 1\n", "a.py").findings()).isEmpty();
  }

  @Test
  void sourceLongerThanTheStringLimitIsPartialAndItsHeadStillJudged() {
    String src = "import os\nos.system('echo')\n" + "x = 1\n".repeat(200);
    ScanSettings small = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(64).build()).build();
    RecordingScanContext ctx =
        RecordingScanContext.scan(new PythonSourceScanner(), src.getBytes(StandardCharsets.UTF_8), "a.py", small);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(names(ctx)).contains("os.system");
    assertThat(ctx.findings())
        .anySatisfy(f -> assertThat(f.message()).contains(LimitType.STRING_BYTES.settingName()));
  }

  @Test
  void pathologicalSourceIsLinear() {
    // Deep brackets, a long dotted chain, an unterminated triple string and nested f-strings: all bounded.
    String src =
        "(".repeat(100_000)
            + "a" + ".b".repeat(100_000) + "\n"
            + "f'{f\"{f'{f\"{f'{eval}'}\"}'}\"}'\n"
            + "'''" + "x".repeat(100_000);
    RecordingScanContext ctx = scan(src, "a.py");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  // ---- recognition ----------------------------------------------------------------------------------------------

  @Test
  void claimsPythonNamesOverTextAndTorchScriptMembersAsCode() {
    PythonSourceScanner s = new PythonSourceScanner();
    byte[] src = "import torch\n".getBytes(StandardCharsets.UTF_8);
    assertThat(s.recognize(ContentHead.ofBytes(src, "modeling_x.py")).format()).isEqualTo("python");
    assertThat(s.recognize(ContentHead.ofBytes(src, "archive/code/__torch__/m.py")).format())
        .isEqualTo("torchscript-code");
    assertThat(s.recognize(ContentHead.ofBytes(src, "notes.txt")).recognised()).isFalse();
    assertThat(s.recognize(ContentHead.ofBytes(new byte[] {(byte) 0x80, 2, 0, '.'}, "x.py")).recognised()).isFalse();
  }

  @Test
  void looseSourceFileThroughTheEngineIsPythonNotText() {
    FileResult r = ENGINE.scanBytes(fixture("modeling_payload.py"), "modeling_evil.py");
    assertThat(r.format()).isEqualTo("python");
    assertThat(r.hasFindingAtLeast(Severity.HIGH)).isTrue();
    FileResult clean = ENGINE.scanBytes(fixture("modeling_clean.py"), "modeling_tiny.py");
    assertThat(clean.format()).isEqualTo("python");
    assertThat(clean.findings()).isEmpty();
    assertThat(clean.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  static byte[] zipOf(String codeName, byte[] code, String otherName) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(codeName));
      z.write(code);
      z.closeEntry();
      z.putNextEntry(new ZipEntry(otherName));
      z.write(new byte[] {(byte) 0x80, 2, ')', '.'});
      z.closeEntry();
    }
    return out.toByteArray();
  }
}
