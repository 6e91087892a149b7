package dev.modelscan.pickle;

import dev.modelscan.pickle.settings.PickleSettings;
import java.util.Objects;

/**
 * Judges a Python callable named by a dotted path outside a pickle (a Hydra {@code _target_}, a YAML {@code
 * !!python/object/apply:} tag) with the same globals policy the pickle scanners use, so that one list decides what is
 * dangerous, safe or unknown wherever a loader resolves a name to a callable.
 *
 * <p>Public only for the other packages of this module (the module exports nothing). Thread-safe and stateless.
 *
 * @since 0.1
 */
public final class CallableJudge {

  /** Which layer of the policy decided. */
  public enum Level {
    /** The scan's settings deny the name. */
    DENIED,
    /** The name runs code, commands, imports, or reaches files or the network. */
    DANGEROUS,
    /** Known safe for model files, or allowed by the scan's settings. */
    SAFE,
    /** Neither known dangerous nor known safe. */
    UNKNOWN
  }

  /**
   * A judgement.
   *
   * @param level the layer that decided
   * @param critical for DANGEROUS: whether it means code execution (CRITICAL) rather than file, network or nested
   *     loading (HIGH); false otherwise
   * @param effect for DANGEROUS: what calling it does, for messages; empty otherwise
   * @param resolved the name as the policy resolved it
   * @param matched the list entry that decided, or empty
   */
  public record Judgement(Level level, boolean critical, String effect, String resolved, String matched) {

    /**
     * Validates the components.
     *
     * @param level the layer that decided
     * @param critical whether a dangerous name means code execution
     * @param effect what calling it does, or empty
     * @param resolved the resolved name
     * @param matched the deciding list entry, or empty
     */
    public Judgement {
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(effect, "effect");
      Objects.requireNonNull(resolved, "resolved");
      Objects.requireNonNull(matched, "matched");
    }
  }

  private CallableJudge() {}

  /**
   * Judges a dotted name as {@code importlib}-style loaders resolve it: the module is everything before the last dot
   * and the callable the last part (Hydra's {@code _locate} imports the longest importable prefix and walks the rest,
   * which the policy's parent and walk matching covers). A name without a dot is judged as a builtin.
   *
   * @param dotted the dotted name, such as {@code os.system}; not null
   * @param settings the scan's settings (allow and deny lists)
   * @return the judgement
   */
  public static Judgement judge(String dotted, PickleSettings settings) {
    String name = dotted.strip();
    int dot = name.lastIndexOf('.');
    String module = dot > 0 ? name.substring(0, dot) : "builtins";
    String attr = dot > 0 ? name.substring(dot + 1) : name;
    // Protocol 4: no Python 2 name remapping, which only applies to pickles written by Python 2.
    GlobalsPolicy.Verdict v = GlobalsPolicy.builtin().classify(module, attr, 4, settings);
    switch (v.level()) {
      case DANGEROUS:
        return new Judgement(
            Level.DANGEROUS, v.category().critical(), v.category().effect(), v.resolved(), v.matched());
      case DENIED:
        return new Judgement(Level.DENIED, true, "", v.resolved(), v.matched());
      case SAFE:
        return new Judgement(Level.SAFE, false, "", v.resolved(), v.matched());
      default:
        return new Judgement(Level.UNKNOWN, false, "", v.resolved(), v.matched());
    }
  }
}
