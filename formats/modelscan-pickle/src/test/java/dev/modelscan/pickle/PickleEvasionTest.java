package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.testkit.RecordingScanContext;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every evasion class of the issue, each with a hand-written opcode fixture (see fixtures/generate.py): the payload
 * must be attributed to the exact callable, at the offset of the opcode that imports it.
 */
class PickleEvasionTest {

  private static Optional<Finding> finding(RecordingScanContext ctx, String ruleId, String module, String op) {
    return ctx.findings().stream()
        .filter(f -> f.ruleId().equals(ruleId) && f.module().equals(module) && f.operator().equals(op))
        .findFirst();
  }

  @ParameterizedTest(name = "{0} imports {2}.{3}")
  @CsvSource({
    // fixture, rule, module as written, name as written, offset of the importing opcode
    "p0_os_system.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 0",
    "p2_os_system.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 2",
    "p4_eval.pkl, PICKLE-DANGEROUS-GLOBAL, builtins, eval, 18",
    "memo_indirection.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 22",
    "memo_desync.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 32",
    "dup_memoize.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 26",
    "memo_overwrite.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 35",
    "decoy_pop.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 47",
    "pop_discards_mark.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 16",
    "string_operands.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 16",
    "unicode_operands.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 17",
    "dotted_shutil_os_system.pkl, PICKLE-DANGEROUS-GLOBAL, shutil, os.system, 21",
    "dotted_builtins_walk.pkl, PICKLE-DANGEROUS-GLOBAL, numpy, __builtins__, 23",
    "py2_builtin_eval.pkl, PICKLE-DANGEROUS-GLOBAL, __builtin__, eval, 0",
    "py2_commands.pkl, PICKLE-DANGEROUS-GLOBAL, commands, getoutput, 0",
    "posix_system.pkl, PICKLE-DANGEROUS-GLOBAL, posix, system, 17",
    "inst_call.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 15",
    "obj_call.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 1",
    "newobj_call.pkl, PICKLE-DANGEROUS-GLOBAL, subprocess, Popen, 2",
    "newobj_ex_call.pkl, PICKLE-DANGEROUS-GLOBAL, subprocess, Popen, 21",
    "no_proto_stack_global.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 12",
    "frame_too_long.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 23",
    "frame_nested.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 32",
    "int_base_prefix.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 30",
    "benign_junk_malicious.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 9",
    "stacked_benign_malicious.pkl, PICKLE-DANGEROUS-GLOBAL, builtins, eval, 24",
    "broken_after_payload.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 0",
    "callable_as_argument.pkl, PICKLE-DANGEROUS-GLOBAL, os, system, 22",
    "importlib_chain.pkl, PICKLE-DANGEROUS-GLOBAL, importlib, import_module, 0",
    "collect_env_run.pkl, PICKLE-DANGEROUS-GLOBAL, torch.utils.collect_env, run, 0",
    "pkgutil_resolve_name.pkl, PICKLE-DANGEROUS-GLOBAL, pkgutil, resolve_name, 25",
    "build_setstate_gadget.pkl, PICKLE-DANGEROUS-GLOBAL, builtins, exec, 40",
    "nested_pickle_loads.pkl, PICKLE-NESTED-LOAD, pickle, loads, 17",
    "nested_torch_load_bytesio.pkl, PICKLE-NESTED-LOAD, torch, load, 2",
    "network_urlopen.pkl, PICKLE-NETWORK-ACCESS, urllib.request, urlopen, 2",
    "file_open.pkl, PICKLE-FILE-ACCESS, builtins, open, 2",
  })
  void attributesTheImport(String fixture, String rule, String module, String name, long offset) {
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    Optional<Finding> f = finding(ctx, rule, module, name);
    assertThat(f).as("%s in %s", rule, ctx).isPresent();
    assertThat(f.get().location().offset()).isEqualTo(offset);
    assertThat(f.get().severity()).isIn(Severity.CRITICAL, Severity.HIGH);
    assertThat(f.get().scanner()).isEqualTo(PickleScanner.NAME);
  }

  @Test
  void resolvedNamesAreInTheMessage() {
    assertThat(
            finding(Fixtures.pickle("posix_system.pkl"), "PICKLE-DANGEROUS-GLOBAL", "posix", "system")
                .get()
                .message())
        .contains("os.system (written as posix.system)");
    assertThat(
            finding(Fixtures.pickle("py2_commands.pkl"), "PICKLE-DANGEROUS-GLOBAL", "commands", "getoutput")
                .get()
                .message())
        .contains("subprocess.getoutput");
    Finding walk =
        finding(Fixtures.pickle("dotted_shutil_os_system.pkl"), "PICKLE-DANGEROUS-GLOBAL", "shutil", "os.system")
            .get();
    assertThat(walk.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(walk.message()).contains("os.system").contains("REDUCE at offset 35");
  }

  @Test
  void callEvidenceNamesTheCallingOpcode() {
    assertThat(finding(Fixtures.pickle("inst_call.pkl"), "PICKLE-DANGEROUS-GLOBAL", "os", "system").get().message())
        .contains("(INST at offset 15)");
    assertThat(finding(Fixtures.pickle("obj_call.pkl"), "PICKLE-DANGEROUS-GLOBAL", "os", "system").get().message())
        .contains("(OBJ at offset 26)");
    assertThat(
            finding(Fixtures.pickle("newobj_ex_call.pkl"), "PICKLE-DANGEROUS-GLOBAL", "subprocess", "Popen")
                .get()
                .message())
        .contains("NEWOBJ_EX");
    // passed as an argument only: still a finding, and the message says it is not called directly
    assertThat(
            finding(Fixtures.pickle("callable_as_argument.pkl"), "PICKLE-DANGEROUS-GLOBAL", "os", "system")
                .get()
                .message())
        .contains("does not call it directly");
  }

  @Test
  void extensionCodesAreFindings() {
    RecordingScanContext ctx = Fixtures.pickle("ext1.pkl");
    assertThat(ctx.findings())
        .anySatisfy(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-EXT-CODE");
              assertThat(f.operator()).isEqualTo("EXT 1");
              assertThat(f.location().offset()).isEqualTo(2);
            });
    assertThat(Fixtures.pickle("ext2.pkl").findings()).extracting(Finding::operator).contains("EXT 513");
  }

  @Test
  void computedImportIsDynamic() {
    RecordingScanContext ctx = Fixtures.pickle("dynamic_import.pkl");
    assertThat(ctx.findings())
        .anySatisfy(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-DYNAMIC-IMPORT");
              assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
              assertThat(f.location().offset()).isEqualTo(33);
              assertThat(f.message()).contains("builtins.str");
            });
  }

  @Test
  void buildGadgetsAreFindings() {
    RecordingScanContext gadget = Fixtures.pickle("build_setstate_gadget.pkl");
    assertThat(gadget.findings())
        .anySatisfy(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-BUILD-GADGET");
              assertThat(f.operator()).isEqualTo("__setstate__");
              assertThat(f.threatType()).isEqualTo(ThreatType.CODE_INJECTION);
            });
    RecordingScanContext onGlobal = Fixtures.pickle("build_on_global.pkl");
    assertThat(onGlobal.findings())
        .anySatisfy(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-BUILD-GADGET");
              assertThat(f.module()).isEqualTo("numpy");
              assertThat(f.operator()).isEqualTo("testing");
            });
  }

  @Test
  void nestedLoadOfALiteralHandsTheInnerPickleBack() {
    byte[] inner = Arrays.copyOfRange(Fixtures.bytes("nested_pickle_loads.pkl"), 20, 20 + 29);
    assertThat(inner).isEqualTo(Fixtures.bytes("p0_os_system.pkl"));
    RecordingScanContext ctx = Fixtures.pickle("nested_pickle_loads.pkl");
    assertThat(ctx.members()).hasSize(1);
    assertThat(ctx.members().get(0).content()).isEqualTo(Fixtures.bytes("p0_os_system.pkl"));
    assertThat(ctx.members().get(0).kind()).isEqualTo(MemberKind.CONTENT);
    RecordingScanContext viaBytesIo = Fixtures.pickle("nested_torch_load_bytesio.pkl");
    assertThat(viaBytesIo.members()).singleElement()
        .satisfies(m -> assertThat(m.content()).isEqualTo(Fixtures.bytes("p0_os_system.pkl")));
    // the inner pickle, scanned on its own, is the os.system payload
    assertThat(Fixtures.pickleBytes(ctx.members().get(0).content(), dev.modelscan.api.ScanSettings.defaults())
            .findings())
        .extracting(Finding::operator)
        .contains("system");
  }

  @Test
  void junkBetweenStreamsIsReportedAndSearched() {
    RecordingScanContext ctx = Fixtures.pickle("benign_junk_malicious.pkl");
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("PICKLE-TRAILING-DATA");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("PICKLE-TRAILING-DATA"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().offset()).isEqualTo(6));
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void stackedPicklesAreAllScanned() {
    RecordingScanContext ctx = Fixtures.pickle("stacked_benign_malicious.pkl");
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("PICKLE-STACKED", "PICKLE-DANGEROUS-GLOBAL");
  }

  @Test
  void aStreamBrokenAfterItsPayloadKeepsThePayloadAndIsPartial() {
    RecordingScanContext ctx = Fixtures.pickle("broken_after_payload.pkl");
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("PICKLE-DANGEROUS-GLOBAL", "MODELSCAN-MALFORMED");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("MODELSCAN-MALFORMED"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().offset()).isEqualTo(28));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void frameTricksAreReportedAndParsedThrough() {
    assertThat(Fixtures.pickle("frame_too_long.pkl").findings())
        .anySatisfy(f -> assertThat(f.message()).contains("FRAME declares 1099511627776 bytes"));
    assertThat(Fixtures.pickle("frame_nested.pkl").findings())
        .anySatisfy(f -> assertThat(f.message()).contains("before the previous frame ends"));
  }

  @Test
  void unknownGlobalIsMediumWhenCalledAndLowWhenOnlyRebuilt() {
    // unknown_global.pkl rebuilds mypackage.layers.CustomLayer with NEWOBJ (cls.__new__(cls)): a class
    // reconstruction, LOW (issue 16: a whole model saved with torch.save looks exactly like this)
    RecordingScanContext ctx = Fixtures.pickle("unknown_global.pkl");
    assertThat(ctx.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-UNKNOWN-CLASS");
              assertThat(f.severity()).isEqualTo(Severity.LOW);
              assertThat(f.module()).isEqualTo("mypackage.layers");
              assertThat(f.operator()).isEqualTo("CustomLayer");
              assertThat(f.message()).contains("NEWOBJ at offset 33");
            });
    // the same name called with REDUCE stays MEDIUM
    byte[] reduce = new Ops().proto(2).global("mypackage.layers", "CustomLayer").text(")R.").bytes();
    assertThat(Fixtures.pickleBytes(reduce, dev.modelscan.api.ScanSettings.defaults()).findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PICKLE-UNKNOWN-GLOBAL");
              assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
              assertThat(f.message()).contains("REDUCE at offset");
            });
  }

  @Test
  void everyThreatTypeHasItsCwe() {
    Finding net = finding(Fixtures.pickle("network_urlopen.pkl"), "PICKLE-NETWORK-ACCESS", "urllib.request", "urlopen")
        .get();
    assertThat(net.rule().cwe().id()).isEqualTo(918);
    Finding file = finding(Fixtures.pickle("file_open.pkl"), "PICKLE-FILE-ACCESS", "builtins", "open").get();
    assertThat(file.rule().cwe().id()).isEqualTo(73);
    Finding exec = finding(Fixtures.pickle("p4_eval.pkl"), "PICKLE-DANGEROUS-GLOBAL", "builtins", "eval").get();
    assertThat(exec.rule().cwe().id()).isEqualTo(502);
    assertThat(exec.rule().owasp().id()).isEqualTo("ML06");
  }
}
