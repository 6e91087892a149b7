package dev.modelscan.api;

import java.util.Objects;

/**
 * An entry of the OWASP Machine Learning Security Top 10, as referenced by a {@link Rule}.
 *
 * @param id the entry id, such as {@code "ML06"}
 * @param name the entry's name
 * @since 0.1
 */
public record OwaspMl(String id, String name) {

  /** ML06: AI Supply Chain Attacks. Every modelscan rule maps to it: a poisoned model is a supply-chain attack. */
  public static final OwaspMl ML06_AI_SUPPLY_CHAIN = new OwaspMl("ML06", "AI Supply Chain Attacks");

  /** ML10: Model Poisoning. */
  public static final OwaspMl ML10_MODEL_POISONING = new OwaspMl("ML10", "Model Poisoning");

  /**
   * Validates the components.
   *
   * @param id the entry id, not null
   * @param name the entry's name, not null
   */
  public OwaspMl {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }
}
