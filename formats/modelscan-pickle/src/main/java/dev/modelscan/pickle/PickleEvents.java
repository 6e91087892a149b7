package dev.modelscan.pickle;

import java.util.List;

/**
 * What a {@link PickleMachine} tells the analysis that drives it while it runs, and the little it asks of it. The
 * machine only interprets opcodes; every judgement (which import is dangerous, which call or BUILD is a gadget, what a
 * differential between loaders means for the result) is the receiver's. {@link PickleAnalysis} implements it.
 *
 * <p>Offsets are absolute positions in the content; {@code why} strings end up in finding messages.
 */
interface PickleEvents {

  // ------------------------------------------------------------------------------------------- imports asked about

  /**
   * Whether a GLOBAL/INST/STACK_GLOBAL operand pair could be imported at all (a pair that cannot is no import).
   *
   * @param module the module text
   * @param name the attribute text
   * @return false to treat the operands as junk (the stream breaks there)
   */
  boolean plausibleName(String module, String name);

  /**
   * The policy's verdict on an import, asked once per distinct (module, name) in a stream.
   *
   * @param module the module text
   * @param name the attribute text
   * @param proto the protocol the stream declared (0 when none)
   * @return the verdict, kept in the import's record
   */
  GlobalsPolicy.Verdict classify(String module, String name, int proto);

  /**
   * Whether an import is joblib's NumpyArrayWrapper class, after whose BUILD joblib reads raw array bytes.
   *
   * @param r the import
   * @return whether it is the wrapper class under one of its names
   */
  boolean isJoblibWrapper(ImportRecord r);

  // --------------------------------------------------------------------------------------------- what the run does

  /**
   * A new distinct import in the current stream.
   *
   * @param r its record, which later calls and BUILDs on it update
   */
  void imported(ImportRecord r);

  /**
   * A STACK_GLOBAL whose operands are not string literals: the import cannot be named statically.
   *
   * @param at the opcode's offset
   * @param why what the operands were
   */
  void dynamicImport(long at, String why);

  /**
   * EXT1/2/4: an import through the copyreg extension registry, which the file does not name.
   *
   * @param code the extension code
   * @param at the opcode's offset
   */
  void extCode(long code, long at);

  /**
   * Any call (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ), before its callee is recorded as called.
   *
   * @param m the machine (for {@link PickleMachine#text})
   * @param callee what is called
   * @param args the argument tuple, or null when not known
   * @param opcode the calling opcode's name
   * @param at the opcode's offset
   */
  void arguments(PickleMachine m, Sym callee, Sym args, String opcode, long at);

  /**
   * A call whose callee is an imported global.
   *
   * @param m the machine
   * @param callee the import called
   * @param args the argument tuple, or null
   * @param at the opcode's offset
   */
  void called(PickleMachine m, ImportRecord callee, Sym args, long at);

  /**
   * BUILD: {@code state} given to {@code target} (setstate or attribute update).
   *
   * @param m the machine
   * @param target the object built
   * @param state the state
   * @param at the opcode's offset
   */
  void built(PickleMachine m, Sym target, Sym state, long at);

  /**
   * BINPERSID: a persistent id the loader's persistent_load resolves.
   *
   * @param m the machine
   * @param pid the id value
   */
  void persistentId(PickleMachine m, Sym pid);

  /**
   * PERSID: a protocol-0 persistent id, given as a line of text.
   *
   * @param pid the text
   */
  void textPersistentId(String pid);

  /**
   * Bytes the machine skipped as data (a joblib array), which content dispatch may still look into.
   *
   * @param name the name of the piece of data
   * @param offset where the bytes start
   * @param length how many bytes
   */
  void opaqueData(String name, long offset, long length);

  /**
   * A FRAME that is inconsistent in itself (longer than the content, starting inside the previous frame).
   *
   * @param at the opcode's offset
   * @param why what is wrong
   */
  void frameAnomaly(long at, String why);

  /**
   * A FRAME that loaders read differently (an opcode or read across its end).
   *
   * @param at where the reading differs
   * @param why how
   */
  void frameDifferential(long at, String why);

  /**
   * A joblib array wrapper that joblib would not read exactly as modelled: its bytes are read on as opcodes.
   *
   * @param at the BUILD's offset
   * @param why what is not modelled
   */
  void joblibDifferential(long at, String why);

  /** A joblib NumpyArrayWrapper was built at the top level. */
  void sawJoblib();

  /**
   * Some readings of a stream were not analysed, so the result is not complete.
   *
   * @param why which readings
   */
  void readingsNotExplored(String why);

  /**
   * The stream ended (STOP or a break); its imports, in order, are final.
   *
   * @param records the stream's imports
   */
  void streamEnded(List<ImportRecord> records);

  // ------------------------------------------------------------------------------------------ the opcode budget

  /**
   * Hands the remaining opcode budget to a machine about to run.
   *
   * @return the opcodes it may run
   */
  long takeBudget();

  /**
   * Takes back what a machine did not use.
   *
   * @param left the unused opcodes (negative counts as none)
   */
  void returnBudget(long left);

  /**
   * Every {@code PickleAnalysis.DEADLINE_MASK + 1} opcodes and when the budget runs out: the receiver checks the
   * deadline and the opcode limit and throws when one is hit.
   *
   * @param m the machine (its {@code budget} tells whether it ran out)
   * @param at the current opcode's offset
   */
  void countOpcodes(PickleMachine m, long at);
}
