package dev.modelscan.pickle;

/**
 * One distinct import of one pickle stream, with the evidence of how the stream uses it. Findings are made from these
 * records when the stream ends (or breaks), so that a message can say whether and how the import is called.
 */
final class ImportRecord {
  final String module;
  final String name;
  final String opcode;
  final long offset;
  final GlobalsPolicy.Verdict verdict;
  String callOpcode;
  long callOffset = -1;

  ImportRecord(String module, String name, String opcode, long offset, GlobalsPolicy.Verdict verdict) {
    this.module = module;
    this.name = name;
    this.opcode = opcode;
    this.offset = offset;
    this.verdict = verdict;
  }

  /** Records the first call of the import (REDUCE, NEWOBJ, BUILD, ...). */
  void called(String op, long at) {
    if (callOpcode == null) {
      callOpcode = op;
      callOffset = at;
    }
  }
}
