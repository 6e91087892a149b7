package dev.modelscan.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a SARIF 2.1.0 log with one run. Rules carry their CWE and OWASP ML Top 10 ids as tags and a {@code
 * security-severity} so that code-scanning UIs rank them; results point at the input file, with the nested entry as a
 * logical location. Files that were not completely scanned appear as tool execution notifications, so that an
 * incomplete scan is visible even when it has no result.
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

  private static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  private static final JsonFactory FACTORY = new JsonFactory();

  private final List<Rule> knownRules;

  /**
   * Creates the writer.
   *
   * @param knownRules rules to list even when no finding uses them (typically every rule of every registered scanner);
   *     rules of findings are always listed
   */
  public SarifReportWriter(Collection<Rule> knownRules) {
    this.knownRules = List.copyOf(knownRules);
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
      g.writeArrayFieldStart("rules");
      for (Rule r : rules.values()) {
        writeRule(g, r);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      writeInvocation(g, report);
      g.writeArrayFieldStart("results");
      for (FileResult r : report.results()) {
        for (Finding f : r.findings()) {
          writeResult(g, f, ruleIds.indexOf(f.ruleId()), r.exactPath());
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

  private static void writeInvocation(JsonGenerator g, ScanReport report) throws IOException {
    g.writeArrayFieldStart("invocations");
    g.writeStartObject();
    boolean complete = report.results().stream().allMatch(r -> r.status() == ScanStatus.COMPLETE);
    g.writeBooleanField("executionSuccessful", complete);
    g.writeArrayFieldStart("toolExecutionNotifications");
    for (FileResult r : report.results()) {
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
      writePhysical(g, r.path(), -1);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
  }

  private static void writeResult(JsonGenerator g, Finding f, int ruleIndex, String exactPath) throws IOException {
    g.writeStartObject();
    g.writeStringField("ruleId", f.ruleId());
    g.writeNumberField("ruleIndex", ruleIndex);
    g.writeStringField("level", level(f.severity()));
    g.writeObjectFieldStart("message");
    g.writeStringField("text", f.message());
    g.writeEndObject();
    g.writeArrayFieldStart("locations");
    g.writeStartObject();
    boolean nested = !f.location().entry().isEmpty();
    writePhysical(g, f.location().path(), nested ? -1 : f.location().offset());
    if (nested) {
      g.writeArrayFieldStart("logicalLocations");
      g.writeStartObject();
      g.writeStringField("fullyQualifiedName", f.location().path() + "!/" + f.location().entry());
      g.writeStringField("name", f.location().entry());
      g.writeStringField("kind", "member");
      g.writeEndObject();
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndArray();
    g.writeObjectFieldStart("properties");
    g.writeStringField("severity", f.severity().name());
    g.writeStringField("security-severity", securitySeverity(f.severity()));
    g.writeStringField("threatType", f.threatType().name());
    g.writeStringField("module", f.module());
    g.writeStringField("operator", f.operator());
    g.writeStringField("entry", f.location().entry());
    g.writeNumberField("offset", f.location().offset());
    g.writeStringField("scanner", f.scanner());
    if (!exactPath.isEmpty()) {
      // The URI is built from the display path, which lost the bytes of a name that is not UTF-8 (see JSON report).
      g.writeStringField("exactPath", exactPath);
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writePhysical(JsonGenerator g, String path, long byteOffset) throws IOException {
    g.writeObjectFieldStart("physicalLocation");
    g.writeObjectFieldStart("artifactLocation");
    g.writeStringField("uri", toUri(path));
    g.writeEndObject();
    if (byteOffset >= 0) {
      g.writeObjectFieldStart("region");
      g.writeNumberField("byteOffset", byteOffset);
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** A URI reference for a path: relative paths stay relative (SARIF viewers resolve them against the repository). */
  static String toUri(String path) {
    String slashed = path.replace('\\', '/');
    try {
      if (Path.of(path).isAbsolute()) {
        return Path.of(path).toUri().toString();
      }
      return new URI(null, null, slashed, null).getRawPath();
    } catch (URISyntaxException | RuntimeException e) {
      return slashed;
    }
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
