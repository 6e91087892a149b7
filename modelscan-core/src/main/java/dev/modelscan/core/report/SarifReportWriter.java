package dev.modelscan.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a SARIF 2.1.0 log with one run, shaped for code-scanning UIs (GitHub code scanning, the SARIF viewers).
 *
 * <ul>
 *   <li><b>Artifacts.</b> Every input file is a {@code run.artifacts} entry with its length and SHA-256 ({@code
 *       hashes["sha-256"]}). Its URI is relative to the source root (the {@code --sarif-root}, by default the current
 *       folder) with {@code uriBaseId} {@value #SRCROOT}, and {@code run.originalUriBaseIds} gives the root's absolute
 *       {@code file:} URI; a file outside the root keeps an absolute {@code file:} URI.
 *   <li><b>Rules.</b> Every rule carries its CWE and OWASP ML Top 10 ids as tags, a {@code security-severity}, {@code
 *       help} (text and markdown: what it means, what to do) and a {@code helpUri} to its section of the rules page
 *       ({@link RuleHelp}).
 *   <li><b>Locations.</b> A result's physical location is the input file with {@code region.startLine} 1: a model
 *       file has no lines, and code-scanning UIs need a line to show an alert on the file. A finding in a nested
 *       entry (an archive member, a decompressed stream, an embedded pickle) has a logical location per level of
 *       nesting, the innermost last, each with the path down to it as {@code fullyQualifiedName} (levels joined
 *       with {@code !/}) and kind {@code "resource"}. A byte offset is a related location: for the file itself a
 *       region with {@code byteOffset}; inside a nested entry, the offset is counted in that entry's bytes and
 *       given in the related location's message and in {@code properties.offset}.
 *   <li><b>Fingerprints.</b> {@code partialFingerprints["modelscan/v1"]} is the SHA-256 of the file's content hash,
 *       the rule, the nested entry and the module and operator named: stable across runs, machines and checkouts,
 *       and unchanged when the file moves. A file without a content hash (not read to its end) uses its relative
 *       URI instead.
 *   <li><b>Suppressions.</b> A baselined or accepted finding ({@link dev.modelscan.api.Finding#isSuppressed()}) has a
 *       {@code suppressions} entry of kind {@code external}, status {@code accepted}, with the reason as {@code
 *       justification}: UIs show it as dismissed, not as a new alert.
 *   <li>Files that were not completely scanned appear as tool execution notifications, so that an incomplete scan
 *       is visible even when it has no result.
 * </ul>
 *
 * <p>Every string, scanned names and messages included, is written with JSON escaping, so scanned content cannot
 * add fields or results; a file name that is not UTF-8 also gets its exact form as the result property {@code
 * exactPath}.
 *
 * @since 0.1
 */
public final class SarifReportWriter implements ReportWriter {

  /** The SARIF version written. */
  public static final String SARIF_VERSION = "2.1.0";

  /** The base id of artifact URIs: the source root. */
  public static final String SRCROOT = "%SRCROOT%";

  /** The name of the fingerprint in {@code partialFingerprints}; the suffix changes if its inputs ever do. */
  public static final String FINGERPRINT = "modelscan/v1";

  private static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  private static final JsonFactory FACTORY = new JsonFactory();

  private final List<Rule> knownRules;
  private final Path root;

  /**
   * Creates the writer with the current folder as source root.
   *
   * @param knownRules rules to list even when no finding uses them (typically {@link RuleHelp#rules}); rules of
   *     findings are always listed
   */
  public SarifReportWriter(Collection<Rule> knownRules) {
    this(knownRules, Path.of(""));
  }

  /**
   * Creates the writer.
   *
   * @param knownRules rules to list even when no finding uses them (typically {@link RuleHelp#rules}); rules of
   *     findings are always listed
   * @param sourceRoot the folder artifact URIs are relative to (a relative path is taken from the current folder);
   *     typically the repository's checkout
   */
  public SarifReportWriter(Collection<Rule> knownRules, Path sourceRoot) {
    this.knownRules = List.copyOf(knownRules);
    this.root = sourceRoot.toAbsolutePath().normalize();
  }

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (Rule r : knownRules) {
      rules.putIfAbsent(r.id(), r);
    }
    for (Finding f : report.findings()) {
      rules.putIfAbsent(f.ruleId(), f.rule());
    }
    List<String> ruleIds = new ArrayList<>(rules.keySet());
    List<FileResult> files = report.results();
    // One artifact per URI (SARIF wants run.artifacts unique): a file named twice on the command line is one artifact.
    List<String> uris = new ArrayList<>(files.size());
    int[] artifactOf = new int[files.size()];
    List<Integer> artifacts = new ArrayList<>();
    Map<String, Integer> byUri = new LinkedHashMap<>();
    for (int i = 0; i < files.size(); i++) {
      String uri = relativeUri(files.get(i).path());
      uris.add(uri);
      Integer known = byUri.putIfAbsent(uri, artifacts.size());
      if (known == null) {
        artifactOf[i] = artifacts.size();
        artifacts.add(i);
      } else {
        artifactOf[i] = known;
      }
    }
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("$schema", SCHEMA);
      g.writeStringField("version", SARIF_VERSION);
      g.writeArrayFieldStart("runs");
      g.writeStartObject();
      g.writeObjectFieldStart("tool");
      g.writeObjectFieldStart("driver");
      g.writeStringField("name", "modelscan");
      g.writeStringField("version", report.toolVersion());
      g.writeStringField("informationUri", "https://github.com/modelscan-dev/modelscan");
      g.writeArrayFieldStart("rules");
      for (Rule r : rules.values()) {
        writeRule(g, r);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      g.writeObjectFieldStart("originalUriBaseIds");
      g.writeObjectFieldStart(SRCROOT);
      g.writeStringField("uri", rootUri());
      g.writeEndObject();
      g.writeEndObject();
      writeInvocation(g, report, uris, artifactOf);
      g.writeArrayFieldStart("artifacts");
      for (int i : artifacts) {
        writeArtifact(g, files.get(i), uris.get(i));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("results");
      for (int i = 0; i < files.size(); i++) {
        FileResult r = files.get(i);
        for (Finding f : r.findings()) {
          writeResult(g, f, ruleIds.indexOf(f.ruleId()), r, artifactOf[i], uris.get(i));
        }
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  private String rootUri() {
    String u = root.toUri().toString();
    return u.endsWith("/") ? u : u + "/";
  }

  private static void writeRule(JsonGenerator g, Rule r) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", r.id());
    g.writeStringField("name", r.title());
    g.writeObjectFieldStart("shortDescription");
    g.writeStringField("text", r.title());
    g.writeEndObject();
    g.writeObjectFieldStart("fullDescription");
    g.writeStringField("text", r.description());
    g.writeEndObject();
    g.writeObjectFieldStart("help");
    g.writeStringField("text", RuleHelp.text(r));
    g.writeStringField("markdown", RuleHelp.markdown(r));
    g.writeEndObject();
    g.writeStringField("helpUri", RuleHelp.helpUri(r));
    g.writeObjectFieldStart("defaultConfiguration");
    g.writeStringField("level", level(r.defaultSeverity()));
    g.writeEndObject();
    g.writeObjectFieldStart("properties");
    g.writeArrayFieldStart("tags");
    g.writeString("security");
    g.writeString(r.cwe().tag());
    g.writeString("OWASP-" + r.owasp().id());
    g.writeString(r.threatType().name());
    g.writeEndArray();
    g.writeStringField("security-severity", securitySeverity(r.defaultSeverity()));
    g.writeStringField("cwe", r.cwe().tag() + ": " + r.cwe().name());
    g.writeStringField("owasp", r.owasp().id() + ": " + r.owasp().name());
    g.writeEndObject();
    g.writeEndObject();
  }

  private void writeInvocation(JsonGenerator g, ScanReport report, List<String> uris, int[] artifactOf)
      throws IOException {
    g.writeArrayFieldStart("invocations");
    g.writeStartObject();
    boolean complete = report.results().stream().allMatch(r -> r.status() == ScanStatus.COMPLETE);
    g.writeBooleanField("executionSuccessful", complete);
    g.writeArrayFieldStart("toolExecutionNotifications");
    for (int i = 0; i < report.results().size(); i++) {
      FileResult r = report.results().get(i);
      if (r.status() == ScanStatus.COMPLETE) {
        continue;
      }
      g.writeStartObject();
      g.writeStringField("level", r.status() == ScanStatus.PARTIAL ? "warning" : "error");
      g.writeObjectFieldStart("message");
      g.writeStringField("text", r.path() + ": " + r.status().name() + " — " + r.statusReason());
      g.writeEndObject();
      g.writeArrayFieldStart("locations");
      g.writeStartObject();
      g.writeObjectFieldStart("physicalLocation");
      writeArtifactLocation(g, uris.get(i), artifactOf[i]);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
  }

  private static void writeArtifact(JsonGenerator g, FileResult r, String uri) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("location");
    writeUri(g, uri);
    g.writeEndObject();
    if (r.size() >= 0) {
      g.writeNumberField("length", r.size());
    }
    if (!r.sha256().isEmpty()) {
      g.writeObjectFieldStart("hashes");
      g.writeStringField("sha-256", r.sha256());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeResult(
      JsonGenerator g, Finding f, int ruleIndex, FileResult file, int artifactIndex, String uri)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("ruleId", f.ruleId());
    g.writeNumberField("ruleIndex", ruleIndex);
    g.writeStringField("level", level(f.severity()));
    g.writeObjectFieldStart("message");
    g.writeStringField("text", f.message());
    g.writeEndObject();
    String entry = f.location().entry();
    long offset = f.location().offset();
    g.writeArrayFieldStart("locations");
    g.writeStartObject();
    g.writeObjectFieldStart("physicalLocation");
    writeArtifactLocation(g, uri, artifactIndex);
    g.writeObjectFieldStart("region");
    g.writeNumberField("startLine", 1);
    g.writeEndObject();
    g.writeEndObject();
    if (!entry.isEmpty()) {
      g.writeArrayFieldStart("logicalLocations");
      String[] levels = entry.split(java.util.regex.Pattern.quote(Location.ENTRY_SEPARATOR), -1);
      StringBuilder path = new StringBuilder();
      for (String level : levels) {
        path.append(path.length() == 0 ? "" : Location.ENTRY_SEPARATOR).append(level);
        g.writeStartObject();
        g.writeStringField("name", level);
        g.writeStringField("fullyQualifiedName", path.toString());
        g.writeStringField("kind", "resource");
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndArray();
    if (offset >= 0) {
      g.writeArrayFieldStart("relatedLocations");
      g.writeStartObject();
      g.writeNumberField("id", 1);
      g.writeObjectFieldStart("physicalLocation");
      writeArtifactLocation(g, uri, artifactIndex);
      if (entry.isEmpty()) {
        g.writeObjectFieldStart("region");
        g.writeNumberField("byteOffset", offset);
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("message");
      g.writeStringField(
          "text", entry.isEmpty() ? "byte offset " + offset : "byte offset " + offset + " in " + entry);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
    }
    g.writeObjectFieldStart("partialFingerprints");
    String identity =
        file.sha256().isEmpty()
            ? FindingIdentity.key("uri:" + uri, f)
            : FindingIdentity.key(file.sha256(), f);
    g.writeStringField(FINGERPRINT, FindingIdentity.digest(identity));
    g.writeEndObject();
    if (f.isSuppressed()) {
      g.writeArrayFieldStart("suppressions");
      g.writeStartObject();
      g.writeStringField("kind", "external");
      g.writeStringField("status", "accepted");
      g.writeStringField("justification", f.suppression().get().reason());
      g.writeObjectFieldStart("properties");
      g.writeStringField("modelscanKind", f.suppression().get().kind().name());
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
    }
    g.writeObjectFieldStart("properties");
    g.writeStringField("severity", f.severity().name());
    g.writeStringField("security-severity", securitySeverity(f.severity()));
    g.writeStringField("threatType", f.threatType().name());
    g.writeStringField("module", f.module());
    g.writeStringField("operator", f.operator());
    g.writeStringField("entry", entry);
    g.writeNumberField("offset", offset);
    g.writeStringField("scanner", f.scanner());
    if (!file.sha256().isEmpty()) {
      g.writeStringField("sha256", file.sha256());
    }
    if (!file.exactPath().isEmpty()) {
      // The URI is built from the display path, which lost the bytes of a name that is not UTF-8 (see JSON report).
      g.writeStringField("exactPath", file.exactPath());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** An artifact location: the URI (relative to the root when it can be) and the artifact's index. */
  private static void writeArtifactLocation(JsonGenerator g, String uri, int index) throws IOException {
    g.writeObjectFieldStart("artifactLocation");
    writeUri(g, uri);
    g.writeNumberField("index", index);
    g.writeEndObject();
  }

  private static void writeUri(JsonGenerator g, String uri) throws IOException {
    g.writeStringField("uri", uri);
    if (!uri.startsWith("file:")) {
      g.writeStringField("uriBaseId", SRCROOT);
    }
  }

  /**
   * The URI of a reported path: relative to the source root (percent-encoded, {@code /}-separated) when the file lies
   * under it, else the absolute {@code file:} URI. A relative path is taken from the current folder, as the scan
   * took it.
   */
  String relativeUri(String path) {
    try {
      Path abs = Path.of(path).toAbsolutePath().normalize();
      if (abs.startsWith(root) && !abs.equals(root)) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(abs)) {
          sb.append(sb.length() == 0 ? "" : "/").append(encodeSegment(part.toString()));
        }
        return sb.toString();
      }
      return abs.toUri().toString();
    } catch (RuntimeException e) {
      // Not a path of this file system (a name given to scanBytes, <stdin>): kept as a relative reference.
      return encodeSegment(path.replace('\\', '/')).replace("%2F", "/");
    }
  }

  /** Percent-encodes one path segment: unreserved characters stay, everything else is written %XX of its UTF-8. */
  private static String encodeSegment(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  private static String level(Severity s) {
    switch (s) {
      case CRITICAL:
      case HIGH:
        return "error";
      case MEDIUM:
        return "warning";
      default:
        return "note";
    }
  }

  private static String securitySeverity(Severity s) {
    switch (s) {
      case CRITICAL:
        return "9.5";
      case HIGH:
        return "8.0";
      case MEDIUM:
        return "5.5";
      default:
        return "2.0";
    }
  }
}
