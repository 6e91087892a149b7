package dev.modelscan.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.modelscan.api.ExcludedPath;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * Writes the modelscan JSON report. The schema (documented in the README) is versioned by {@link #SCHEMA_VERSION}:
 * fields are only added within a major version, never renamed or removed.
 *
 * <pre>
 * { "schemaVersion", "tool": {"name","version"},
 *   "summary": {"verdict","severityThreshold","filesScanned","filesComplete","filesPartial","filesSkipped",
 *               "filesFailed","filesExcluded",
 *               "findings": {"total","CRITICAL","HIGH","MEDIUM","LOW","suppressed"}, "elapsedMillis"},
 *   "results": [ {"path",("exactPath"),"size","sha256","format","status","statusReason","target","origin",
 *                 "findings": [ {"ruleId","severity","threatType","module","operator","cwe": {"id","name"},
 *                                "owasp": {"id","name"},"location": {"path","entry","offset"},"message","scanner",
 *                                ("suppression": {"kind","reason"})} ],
 *                 "members": [ {"entry","format","status","statusReason","scanner"} ] } ],
 *   "excluded": [ {"path","reason"} ] }
 * </pre>
 *
 * <p>Strings are written exactly (JSON escapes every control character). {@code exactPath} is present only when
 * {@code path} lost bytes of a file name that is not UTF-8 (see {@link FileResult#exactPath()}): two such files then
 * still differ.
 *
 * <p>{@code sha256} is the content's SHA-256 in lowercase hex, empty when the content was not read to its end (see
 * {@link FileResult#sha256()}); with the rule and the entry it identifies a finding across scans, so that this report
 * can serve as a baseline ({@link Baseline}). A finding with a {@code suppression} ({@code kind} {@code BASELINE} or
 * {@code ACCEPTED}, and the reason) does not count: the per-severity counts and the verdict leave it out, {@code
 * suppressed} counts it (added in schema 1.1).
 *
 * <p>{@code target} is the file actually read when {@code path} is a symbolic link or another name of a file read
 * once for several names (empty otherwise); {@code origin} is {@code org/name@commit/path} for a Hugging Face cache
 * snapshot file, or says that a cache blob is an orphan (empty otherwise). {@code excluded} lists what include and
 * exclude patterns left out of a directory walk; those paths are neither scanned nor counted as incomplete.
 *
 * @since 0.1
 */
public final class JsonReportWriter implements ReportWriter {

  /** The version of the schema this writer produces. */
  public static final String SCHEMA_VERSION = "1.1";

  private static final JsonFactory FACTORY = new JsonFactory();

  /** Creates the writer. */
  public JsonReportWriter() {}

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("schemaVersion", SCHEMA_VERSION);
      g.writeObjectFieldStart("tool");
      g.writeStringField("name", "modelscan");
      g.writeStringField("version", report.toolVersion());
      g.writeEndObject();
      writeSummary(g, report);
      g.writeArrayFieldStart("results");
      for (FileResult r : report.results()) {
        writeResult(g, r);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("excluded");
      for (ExcludedPath e : report.excluded()) {
        g.writeStartObject();
        g.writeStringField("path", e.path());
        g.writeStringField("reason", e.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  private static void writeSummary(JsonGenerator g, ScanReport report) throws IOException {
    g.writeObjectFieldStart("summary");
    g.writeStringField("verdict", report.verdict().name());
    g.writeStringField("severityThreshold", report.severityThreshold().name());
    g.writeNumberField("filesScanned", report.filesScanned());
    g.writeNumberField("filesComplete", report.count(ScanStatus.COMPLETE));
    g.writeNumberField("filesPartial", report.count(ScanStatus.PARTIAL));
    g.writeNumberField("filesSkipped", report.count(ScanStatus.SKIPPED));
    g.writeNumberField("filesFailed", report.count(ScanStatus.FAILED));
    g.writeNumberField("filesExcluded", report.excluded().size());
    g.writeObjectFieldStart("findings");
    Map<Severity, Long> counts = report.findingsBySeverity();
    g.writeNumberField("total", counts.values().stream().mapToLong(Long::longValue).sum());
    for (Severity s : Severity.values()) {
      g.writeNumberField(s.name(), counts.get(s));
    }
    g.writeNumberField("suppressed", report.suppressedFindings());
    g.writeEndObject();
    g.writeNumberField("elapsedMillis", report.elapsed().toMillis());
    g.writeEndObject();
  }

  private static void writeResult(JsonGenerator g, FileResult r) throws IOException {
    g.writeStartObject();
    g.writeStringField("path", r.path());
    if (!r.exactPath().isEmpty()) {
      g.writeStringField("exactPath", r.exactPath());
    }
    g.writeNumberField("size", r.size());
    g.writeStringField("sha256", r.sha256());
    g.writeStringField("format", r.format());
    g.writeStringField("status", r.status().name());
    g.writeStringField("statusReason", r.statusReason());
    g.writeStringField("target", r.target());
    g.writeStringField("origin", r.origin());
    g.writeArrayFieldStart("findings");
    for (Finding f : r.findings()) {
      writeFinding(g, f);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("members");
    for (MemberResult m : r.members()) {
      g.writeStartObject();
      g.writeStringField("entry", m.entry());
      g.writeStringField("format", m.format());
      g.writeStringField("status", m.status().name());
      g.writeStringField("statusReason", m.statusReason());
      g.writeStringField("scanner", m.scanner());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeFinding(JsonGenerator g, Finding f) throws IOException {
    g.writeStartObject();
    g.writeStringField("ruleId", f.ruleId());
    g.writeStringField("severity", f.severity().name());
    g.writeStringField("threatType", f.threatType().name());
    g.writeStringField("module", f.module());
    g.writeStringField("operator", f.operator());
    g.writeObjectFieldStart("cwe");
    g.writeStringField("id", f.rule().cwe().tag());
    g.writeStringField("name", f.rule().cwe().name());
    g.writeEndObject();
    g.writeObjectFieldStart("owasp");
    g.writeStringField("id", f.rule().owasp().id());
    g.writeStringField("name", f.rule().owasp().name());
    g.writeEndObject();
    g.writeObjectFieldStart("location");
    g.writeStringField("path", f.location().path());
    g.writeStringField("entry", f.location().entry());
    g.writeNumberField("offset", f.location().offset());
    g.writeEndObject();
    g.writeStringField("message", f.message());
    g.writeStringField("scanner", f.scanner());
    if (f.isSuppressed()) {
      g.writeObjectFieldStart("suppression");
      g.writeStringField("kind", f.suppression().get().kind().name());
      g.writeStringField("reason", f.suppression().get().reason());
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}
