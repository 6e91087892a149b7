package dev.modelscan.pickle;

/**
 * One distinct import of one pickle stream, with the evidence of how the stream uses it. Findings are made from these
 * records when the stream ends (or breaks), so that a message can say whether and how the import is called, and so
 * that the rating can tell a class rebuilt as data from a callable invoked with the file's arguments.
 */
final class ImportRecord {
  final String module;
  final String name;
  final String opcode;
  final long offset;
  final GlobalsPolicy.Verdict verdict;
  String callOpcode;
  long callOffset = -1;

  /**
   * Called with arguments from the file: REDUCE, INST and OBJ call {@code f(*args)} (CPython {@code
   * Modules/_pickle.c} {@code load_reduce}, and {@code instantiate}, which calls the class or function unless it is a
   * type given no arguments), what it returned was called, or the imported object itself was mutated.
   */
  boolean invoked;

  /**
   * Rebuilt as a class: NEWOBJ/NEWOBJ_EX ({@code load_newobj} raises unless the operand is a type, then calls {@code
   * cls.__new__}), or passed as the class of copyreg's reconstructors.
   */
  boolean constructed;

  /** For builtins.getattr: how many calls had the Enum-member shape {@code getattr(<global>, '<NAME>')}. */
  int attributeLookups;

  /** For builtins.getattr: the first use that is not an attribute lookup of a constant name, or null. */
  String otherUse;

  /** For builtins.getattr: the most severe verdict of the names {@code <global>.<NAME>} it looked up. */
  GlobalsPolicy.Verdict lookupTarget;

  /** For builtins.getattr: a looked-up name that is not known safe (unknown), or null. */
  String unknownLookup;

  ImportRecord(String module, String name, String opcode, long offset, GlobalsPolicy.Verdict verdict) {
    this.module = module;
    this.name = name;
    this.opcode = opcode;
    this.offset = offset;
    this.verdict = verdict;
  }

  /** Records a use of the import (REDUCE, NEWOBJ, BUILD, ...); the first one is quoted in messages. */
  void called(String op, long at) {
    if (callOpcode == null) {
      callOpcode = op;
      callOffset = at;
    }
    switch (op) {
      case "NEWOBJ":
      case "NEWOBJ_EX":
        constructed = true;
        break;
      case "BUILD":
      case "APPEND":
      case "APPENDS":
      case "SETITEM":
      case "SETITEMS":
      case "ADDITEMS":
        // on what a call of the import returned: the instance's own __setstate__/extend/__setitem__/add
        if (!constructed && !invoked) {
          invoked = true; // no instance exists yet, so the target was the imported object itself
        }
        noteOtherUse(op + " on its result");
        break;
      default:
        invoked = true;
        if (op.endsWith(" on its result")) {
          noteOtherUse(op);
        }
    }
  }

  /** Marks the import as passed as the class argument of a reconstructor. */
  void classArgument(String op, long at) {
    constructed = true;
    if (callOpcode == null) {
      callOpcode = op;
      callOffset = at;
    }
  }

  void noteOtherUse(String use) {
    if (otherUse == null) {
      otherUse = use;
    }
  }
}
