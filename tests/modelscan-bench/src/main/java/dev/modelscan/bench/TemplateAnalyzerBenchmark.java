package dev.modelscan.bench;

import dev.modelscan.jinja.TemplateAnalyzer;
import dev.modelscan.jinja.TemplateIssue;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost per MiB of template of {@link TemplateAnalyzer} (issue 14 item 2: a GGUF chat template of
 * <code>&#123;&#123;</code> plus 200,000 underscores took minutes with the old backtracking regex). Each shape is 1 MiB, so the score in ms/op is the
 * cost per MiB:
 *
 * <ul>
 *   <li>{@code benign}: a realistic tool-calling chat template (namespace counters, loops, {@code tojson}, role
 *       checks) repeated to 1 MiB;
 *   <li>{@code underscores}: <code>&#123;&#123;</code>, 1 MiB of underscores, <code>&#125;&#125;</code> (the
 *       issue's adversarial form);
 *   <li>{@code concatenation}: <code>&#123;&#123; '_' ~ '_' ~ ... &#125;&#125;</code> (folding at its bound on
 *       every operator);
 *   <li>{@code nesting}: 1 MiB of {@code (} (the depth bound and the token-by-token fallback).
 * </ul>
 *
 * <p>Run: {@code java -jar tests/modelscan-bench/target/benchmarks.jar TemplateAnalyzerBenchmark -f 1 -wi 1 -i 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class TemplateAnalyzerBenchmark {

  private static final int MIB = 1 << 20;

  /** A tool-calling chat template in the style of the public Qwen 2.5 and Llama 3.1 ones. */
  static final String REALISTIC =
      "{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}\n"
          + "{%- if tools %}{{- '<|im_start|>system\\n' }}{%- for tool in tools %}{{- '\\n' }}{{- tool | tojson }}"
          + "{%- endfor %}{{- '\\n</tools><|im_end|>\\n' }}{%- endif %}\n"
          + "{%- for message in messages[::-1] %}{%- set index = (messages|length - 1) - loop.index0 %}"
          + "{%- if ns.multi_step_tool and message.role == \"user\" %}{%- set ns.multi_step_tool = false %}"
          + "{%- set ns.last_query_index = index %}{%- endif %}{%- endfor %}\n"
          + "{%- for message in messages %}{%- if (message.role == \"user\") or (message.role == \"system\" and not"
          + " loop.first) %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}"
          + "{%- elif message.role == \"assistant\" %}{%- for tool_call in message.tool_calls %}"
          + "{%- if tool_call.function %}{%- set tool_call = tool_call.function %}{%- endif %}"
          + "{{- '\\n<tool_call>\\n{\"name\": \"' }}{{- tool_call.name }}{{- '\", \"arguments\": ' }}"
          + "{{- tool_call.arguments | tojson }}{{- '}\\n</tool_call>' }}{%- endfor %}{%- elif message.role =="
          + " \"tool\" %}{%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != \"tool\") %}"
          + "{{- '<|im_start|>user' }}{%- endif %}{{- message.content }}{%- endif %}{%- endfor %}\n"
          + "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}\n";

  /** The template shape. */
  @Param({"benign", "underscores", "concatenation", "nesting"})
  public String shape;

  private String template;

  /** Creates the benchmark state (JMH). */
  public TemplateAnalyzerBenchmark() {}

  /** Builds the 1 MiB template and checks that the benign one really gives no issue. */
  @Setup
  public void setup() {
    template = switch (shape) {
      case "benign" -> REALISTIC.repeat(MIB / REALISTIC.length() + 1).substring(0, MIB - 2) + "\n\n";
      case "underscores" -> "{{ " + "_".repeat(MIB - 6) + " }}";
      case "concatenation" -> "{{ '_'" + " ~ '_'".repeat((MIB - 10) / 6) + " }}";
      case "nesting" -> "{{ " + "(".repeat(MIB - 6) + " }}";
      default -> throw new IllegalArgumentException(shape);
    };
    if ("benign".equals(shape) && !TemplateAnalyzer.analyze(template, () -> { }).isEmpty()) {
      throw new IllegalStateException("the realistic template gives issues");
    }
  }

  /**
   * One analysis of 1 MiB of template.
   *
   * @return the issues
   */
  @Benchmark
  public List<TemplateIssue> analyzeOneMiB() {
    return TemplateAnalyzer.analyze(template, () -> { });
  }
}
