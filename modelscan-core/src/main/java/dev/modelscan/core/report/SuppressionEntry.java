package dev.modelscan.core.report;

import dev.modelscan.api.FileResult;
import java.util.Locale;
import java.util.Objects;

/**
 * An accepted risk: findings of one rule in the file whose content has one SHA-256 do not count towards the verdict,
 * for a reason a person wrote down. Keyed on the content, not the path, so that a changed file (new bytes, new hash)
 * is judged again, and a copy of the same bytes elsewhere is not.
 *
 * <p>This is the value a {@code [[suppress]]} table of a configuration file becomes; {@link ReportPolicy} applies it.
 *
 * @param sha256 the file's SHA-256 as 64 hex digits (stored in lowercase)
 * @param ruleId the rule whose findings are accepted, for example {@code PICKLE-DANGEROUS-GLOBAL}
 * @param reason why the risk is accepted; shown beside every finding it suppresses, in every report format
 * @since 0.1
 */
public record SuppressionEntry(String sha256, String ruleId, String reason) {

  /**
   * Validates and normalises the components.
   *
   * @param sha256 64 hex digits, either case; not null
   * @param ruleId rule id, not null or blank
   * @param reason reason, not null or blank
   * @throws IllegalArgumentException naming the field that is wrong: a hash that is not 64 hex digits, a blank rule,
   *     a blank reason (a suppression nobody can explain later is not accepted)
   */
  public SuppressionEntry {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(reason, "reason");
    sha256 = sha256.strip().toLowerCase(Locale.ROOT);
    if (!FileResult.isSha256Hex(sha256)) {
      throw new IllegalArgumentException("suppression: sha256 must be 64 hex digits, was '" + sha256 + "'");
    }
    ruleId = ruleId.strip();
    if (ruleId.isEmpty()) {
      throw new IllegalArgumentException("suppression of " + sha256 + ": rule must not be empty");
    }
    reason = reason.strip();
    if (reason.isEmpty()) {
      throw new IllegalArgumentException(
          "suppression of " + ruleId + " in " + sha256 + ": reason must not be empty (say why the risk is accepted)");
    }
  }
}
