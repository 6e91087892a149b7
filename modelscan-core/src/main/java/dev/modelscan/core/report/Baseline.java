package dev.modelscan.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The findings of an earlier scan, to tell known findings from new ones. A finding is known when the earlier scan had
 * a finding with the same identity: the same file content (SHA-256), rule, nested entry, module and operator; the path
 * and byte offset do not matter. Each earlier finding excuses one current finding: a scanner release that finds a
 * second dangerous call of the same kind in the same entry still fails the run.
 *
 * <p>Files without a SHA-256 (skipped for their size, unreadable, changed while scanned) give no known findings:
 * without the content's hash nothing says the content is the same.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Baseline {

  /** The most bytes of a baseline report read: a report of a very large scan fits many times over. */
  static final long MAX_BYTES = 512L * 1024 * 1024;

  private static final JsonFactory FACTORY = new JsonFactory();

  private final Map<String, Integer> counts;
  private final String source;

  private Baseline(Map<String, Integer> counts, String source) {
    this.counts = Map.copyOf(counts);
    this.source = source;
  }

  /**
   * The findings of a report in memory.
   *
   * @param report an earlier report, not null
   * @param source what to call it in the reason of a baselined finding (a file name), not null
   * @return the baseline
   */
  public static Baseline of(ScanReport report, String source) {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(source, "source");
    Map<String, Integer> counts = new HashMap<>();
    for (FileResult r : report.results()) {
      if (r.sha256().isEmpty()) {
        continue;
      }
      for (Finding f : r.findings()) {
        counts.merge(FindingIdentity.key(r.sha256(), f), 1, Integer::sum);
      }
    }
    return new Baseline(counts, source);
  }

  /**
   * Reads a JSON report written by {@link JsonReportWriter} (schema 1.1 or later: results carry {@code sha256}).
   *
   * @param file the report, not null
   * @return the baseline, called by the file's name in reasons
   * @throws IOException when the file cannot be read, is not a modelscan JSON report, has another major schema
   *     version, or its results carry no {@code sha256} (written by a release before 1.1: scan again to make one)
   */
  public static Baseline read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(file + " is larger than " + MAX_BYTES + " bytes: not a baseline report");
    }
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = FACTORY.createParser(in)) {
      return parse(p, file.toString());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + " is not a modelscan JSON report: " + e.getOriginalMessage(), e);
    }
  }

  private static Baseline parse(JsonParser p, String source) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException(source + " is not a modelscan JSON report (write one with --format json)");
    }
    String schema = null;
    boolean sawResults = false;
    int hashed = 0;
    int[] findingsSeen = {0};
    Map<String, Integer> counts = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ("schemaVersion".equals(name) && t == JsonToken.VALUE_STRING) {
        schema = p.getText();
      } else if ("results".equals(name) && t == JsonToken.START_ARRAY) {
        sawResults = true;
        while (p.nextToken() == JsonToken.START_OBJECT) {
          if (readResult(p, counts, findingsSeen)) {
            hashed++;
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (schema == null || !sawResults) {
      throw new IOException(source + " is not a modelscan JSON report (write one with --format json)");
    }
    if (!schema.startsWith(JsonReportWriter.SCHEMA_VERSION.substring(0, 2))) {
      throw new IOException(
          source + " has JSON schema " + schema + "; this release reads " + JsonReportWriter.SCHEMA_VERSION);
    }
    if (hashed == 0 && findingsSeen[0] > 0) {
      // Findings and not one hash: every one of them would be "new", and the baseline would silently do nothing.
      throw new IOException(source + " has no file hashes (a report of a release before schema 1.1); scan again to"
          + " write a baseline");
    }
    return new Baseline(counts, source);
  }

  /** Reads one result object; its findings count only when it has a hash. Returns whether it has one. */
  private static boolean readResult(JsonParser p, Map<String, Integer> counts, int[] findingsSeen)
      throws IOException {
    String sha = "";
    java.util.List<String[]> findings = new java.util.ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ("sha256".equals(name) && t == JsonToken.VALUE_STRING) {
        sha = p.getText();
      } else if ("findings".equals(name) && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          findings.add(readFinding(p));
          findingsSeen[0]++;
        }
      } else {
        p.skipChildren();
      }
    }
    if (!FileResult.isSha256Hex(sha)) {
      return false;
    }
    for (String[] f : findings) {
      counts.merge(FindingIdentity.key(sha, f[0], f[1], f[2], f[3]), 1, Integer::sum);
    }
    return true;
  }

  /** The rule id, entry, module and operator of one finding. */
  private static String[] readFinding(JsonParser p) throws IOException {
    String[] f = {"", "", "", ""};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_STRING && "ruleId".equals(name)) {
        f[0] = p.getText();
      } else if (t == JsonToken.VALUE_STRING && "module".equals(name)) {
        f[2] = p.getText();
      } else if (t == JsonToken.VALUE_STRING && "operator".equals(name)) {
        f[3] = p.getText();
      } else if (t == JsonToken.START_OBJECT && "location".equals(name)) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if (v == JsonToken.VALUE_STRING && "entry".equals(field)) {
            f[1] = p.getText();
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return f;
  }

  /**
   * How many findings the baseline holds (of files with a hash).
   *
   * @return the count
   */
  public int size() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * What the baseline is called in reasons.
   *
   * @return the source given when it was made
   */
  public String source() {
    return source;
  }

  /** A fresh copy of the counts, for one application (each baseline finding excuses one current finding). */
  Map<String, Integer> counts() {
    return new HashMap<>(counts);
  }
}
