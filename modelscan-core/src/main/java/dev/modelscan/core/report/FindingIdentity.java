package dev.modelscan.core.report;

import dev.modelscan.api.Finding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two findings of two scans "the same finding": the content's SHA-256, the rule, the nested entry and the
 * module and operator the finding names. Not the path (a model moved or renamed keeps its findings' identity), not
 * the time, and not the byte offset (a scanner release that reports another offset for the same import must not
 * turn known findings into new ones).
 */
final class FindingIdentity {
  private FindingIdentity() {}

  /**
   * The identity of a finding of a file with the given hash. Fields are separated by a character that cannot occur
   * in a hash or rule id and is escaped where it could (names of entries, modules), so two different findings never
   * share a key.
   */
  static String key(String sha256, Finding f) {
    return key(sha256, f.ruleId(), f.location().entry(), f.module(), f.operator());
  }

  static String key(String sha256, String ruleId, String entry, String module, String operator) {
    return String.join("\u0000", sha256, ruleId, escape(entry), escape(module), escape(operator));
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\u0000", "\\0");
  }

  /** The SHA-256 of a key, in hex: a fingerprint that says nothing about the file's name or place. */
  static String digest(String key) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
