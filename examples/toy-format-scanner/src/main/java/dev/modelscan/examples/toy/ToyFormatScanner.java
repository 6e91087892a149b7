package dev.modelscan.examples.toy;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * An example scanner for the made-up "toy model" format, written as a template for plugin authors (see {@code
 * docs/writing-a-scanner.md}).
 *
 * <p>The format: the magic line {@code TOYM 1}, then one command per line. A loader of this format would run them:
 *
 * <pre>
 * TOYM 1
 * # a comment
 * print loading weights
 * exec echo pwned          &lt;- runs a shell command: CRITICAL
 * blob weights.bin 12      &lt;- the next 12 bytes are an embedded file, scanned as nested content
 * ............
 * </pre>
 *
 * <p>Known commands are {@code print}, {@code sleep}, {@code exec} and {@code blob}; a loader looks any other command
 * up in a plugin table, so an unknown command is reported in thorough mode. Every line is bounded by {@link
 * dev.modelscan.api.ScanLimits#maxStringBytes()}, every loop checks the deadline, and a blob that claims more bytes
 * than there are is malformed.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class ToyFormatScanner implements ModelScanner {

  /** The format id. */
  public static final String FORMAT = "toy-model";

  /** An {@code exec} command: loading the file runs a shell command. */
  public static final Rule EXEC =
      Rule.of(
          "TOY-EXEC",
          "Toy model runs a shell command",
          "The toy model has an exec command; loading it runs that command with the loader's rights.",
          Severity.CRITICAL,
          ThreatType.CODE_INJECTION);

  /** A command the format does not define: a loader resolves it through plugins, so it may do anything. */
  public static final Rule UNKNOWN_COMMAND =
      Rule.of(
          "TOY-UNKNOWN-COMMAND",
          "Toy model uses an unknown command",
          "The toy model has a command this scanner does not know; a loader resolves it through plugins, so what it"
              + " does cannot be judged.",
          Severity.MEDIUM,
          ThreatType.UNKNOWN_REFERENCE);

  private static final byte[] MAGIC = "TOYM".getBytes(StandardCharsets.US_ASCII);
  private static final Set<String> HARMLESS = Set.of("print", "sleep");
  private static final int CHUNK = 4096;

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "toy-model",
          "0.1",
          "Toy model files (an example for plugin authors): exec commands and embedded blobs.",
          List.of(FORMAT),
          List.of("toym"));

  /** Creates the scanner; ServiceLoader calls this. */
  public ToyFormatScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return List.of(EXEC, UNKNOWN_COMMAND);
  }

  /**
   * Claims content that starts with {@code TOYM} and a space or newline; certain when a version digit follows. Looks
   * at the head only and never at the name.
   */
  @Override
  public Recognition recognize(ContentHead head) {
    if (!head.startsWith(MAGIC) || head.headLength() < 5) {
      return Recognition.none();
    }
    int sep = head.headByte(4);
    if (sep == '\n') {
      return Recognition.of(FORMAT, Recognition.STRONG);
    }
    if (sep != ' ') {
      return Recognition.none(); // "TOYMAKER" is not ours
    }
    boolean digit = head.headLength() > 5 && head.headByte(5) >= '0' && head.headByte(5) <= '9';
    return Recognition.of(FORMAT, digit ? Recognition.CERTAIN : Recognition.STRONG);
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    ByteSource source = context.source();
    int maxLine = context.limits().maxStringBytes();
    long pos = 0;
    boolean first = true;
    while (pos < source.size()) {
      // A file can hold millions of lines: check the deadline in every loop over content-controlled counts.
      context.checkDeadline();
      long lineStart = pos;
      byte[] lineBytes = readLine(source, pos, maxLine);
      pos = lineStart + lineBytes.length;
      if (pos < source.size()) {
        pos++; // the newline
      }
      String line = new String(lineBytes, StandardCharsets.UTF_8).strip();
      if (first) {
        first = false;
        checkVersion(context, line);
        continue;
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.indexOf(' ');
      String command = space < 0 ? line : line.substring(0, space);
      String argument = space < 0 ? "" : line.substring(space + 1).strip();
      switch (command) {
        case "exec" -> context.report(
            context
                .finding(EXEC)
                .offset(lineStart)
                .operator("exec")
                .message("Loading this file runs the shell command '" + argument + "'.")
                .build());
        case "blob" -> pos = blob(context, argument, lineStart, pos);
        default -> {
          if (!HARMLESS.contains(command) && context.settings().mode() == ScanMode.THOROUGH) {
            context.report(
                context
                    .finding(UNKNOWN_COMMAND)
                    .offset(lineStart)
                    .operator(command)
                    .message("Unknown command '" + command + "'; a loader would look it up among its plugins.")
                    .build());
          }
        }
      }
    }
  }

  /** A version this scanner does not know may mean commands it does not know: say so instead of passing it. */
  private static void checkVersion(ScanContext context, String magicLine) {
    String version = magicLine.length() > 4 ? magicLine.substring(4).strip() : "";
    if (!version.equals("1")) {
      context.markPartial("toy model version '" + version + "' is not known; read as version 1");
    }
  }

  /**
   * Hands the embedded blob to the engine as nested content, so that a pickle or an archive inside a toy model is
   * found by the scanner of its own format. Returns the position after the blob.
   */
  private static long blob(ScanContext context, String argument, long lineStart, long bodyStart) {
    String[] parts = argument.split(" ");
    if (parts.length != 2 || parts[0].isEmpty()) {
      throw new MalformedContentException(lineStart, "blob needs a name and a length: 'blob " + argument + "'");
    }
    long length;
    try {
      length = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      throw new MalformedContentException(lineStart, "blob length is not a number: '" + parts[1] + "'", e);
    }
    long available = context.source().size() - bodyStart;
    if (length < 0 || length > available) {
      // A loader might read past the end or wrap around; either way what follows is not what it seems.
      throw new MalformedContentException(
          lineStart, "blob " + parts[0] + " claims " + length + " bytes but " + available + " follow");
    }
    context.scanMember(parts[0], context.source().slice(bodyStart, length), MemberKind.CONTENT);
    return bodyStart + length;
  }

  /**
   * Reads the line starting at {@code pos}, without its newline, holding at most {@code maxLine} bytes in memory: a
   * file that is one endless line must not exhaust the heap.
   */
  private static byte[] readLine(ByteSource source, long pos, int maxLine) throws IOException {
    long limit = Math.min(source.size(), pos + (long) maxLine + 1);
    byte[] chunk = new byte[(int) Math.min(CHUNK, limit - pos)];
    long at = pos;
    while (at < limit) {
      int n = source.read(at, chunk, 0, (int) Math.min(chunk.length, limit - at));
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (chunk[i] == '\n') {
          return source.readBytes(pos, (int) (at + i - pos));
        }
      }
      at += n;
    }
    if (at - pos > maxLine) {
      throw new ScanLimitExceededException(LimitType.STRING_BYTES, maxLine, -1, "toy model line at offset " + pos);
    }
    return source.readBytes(pos, (int) (at - pos));
  }
}
