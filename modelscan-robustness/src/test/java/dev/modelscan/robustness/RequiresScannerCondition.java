package dev.modelscan.robustness;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresScanner} for JUnit Jupiter; {@link JqwikHook} does the same for jqwik. */
public final class RequiresScannerCondition implements ExecutionCondition {

  /** Public for JUnit. */
  public RequiresScannerCondition() {}

  static List<String> missing(Optional<? extends AnnotatedElement> element) {
    return element
        .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresScanner.class))
        .map(a -> Arrays.stream(a.value()).filter(n -> Scans.scanner(n).isEmpty()).toList())
        .orElse(List.of());
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    List<String> missing = missing(context.getElement());
    return missing.isEmpty()
        ? ConditionEvaluationResult.enabled("scanners present")
        : ConditionEvaluationResult.disabled("scanner(s) not on the class path yet: " + missing);
  }

  /** The jqwik side of {@link RequiresScanner}. */
  public static final class JqwikHook implements SkipExecutionHook {
    /** Public for jqwik. */
    public JqwikHook() {}

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      List<String> missing = missing(context.optionalElement());
      return missing.isEmpty()
          ? SkipResult.doNotSkip()
          : SkipResult.skip("scanner(s) not on the class path yet: " + missing);
    }
  }
}
