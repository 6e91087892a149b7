package dev.modelscan.api;

/**
 * What kind of harm a finding stands for. Each type names the CWE that rules of that type use unless they say
 * otherwise.
 *
 * @since 0.1
 */
public enum ThreatType {
  /** Loading the file deserializes objects that run code (pickle globals and calls). */
  DESERIALIZATION(Cwe.DESERIALIZATION),
  /** The file carries code that a loader compiles or runs (Lambda bytecode, code objects, templates). */
  CODE_INJECTION(Cwe.CODE_INJECTION),
  /** The file can make a reader exhaust memory, disk or time. */
  DENIAL_OF_SERVICE(Cwe.RESOURCE_CONSUMPTION),
  /** Loading reaches the network. */
  NETWORK_ACCESS(Cwe.NETWORK_REQUEST),
  /** Loading reads or writes files outside the model. */
  FILE_ACCESS(Cwe.EXTERNAL_FILE_PATH),
  /** Archive members or references that escape the extraction directory. */
  PATH_TRAVERSAL(Cwe.PATH_TRAVERSAL),
  /** Content disguised as another format, or valid as two formats at once (polyglot). */
  DISGUISED_CONTENT(Cwe.DANGEROUS_FILE_TYPE),
  /** Content hidden from readers on purpose: encryption, encodings, tampered layouts. */
  OBFUSCATION(Cwe.EMBEDDED_MALICIOUS_CODE),
  /** Executables or scripts shipped inside a model. */
  EMBEDDED_EXECUTABLE(Cwe.EMBEDDED_MALICIOUS_CODE),
  /** The file breaks its format's rules; loaders may read it differently from scanners. */
  MALFORMED_CONTENT(Cwe.IMPROPER_INPUT_VALIDATION),
  /** A template that a loader renders can escape its sandbox. */
  TEMPLATE_INJECTION(Cwe.TEMPLATE_INJECTION),
  /** Something a loader would act on whose safety is not known (an unknown global, a custom layer). */
  UNKNOWN_REFERENCE(Cwe.DESERIALIZATION);

  private final Cwe defaultCwe;

  ThreatType(Cwe defaultCwe) {
    this.defaultCwe = defaultCwe;
  }

  /**
   * The CWE a rule of this type uses unless it names another.
   *
   * @return the default CWE, never null
   */
  public Cwe defaultCwe() {
    return defaultCwe;
  }
}
