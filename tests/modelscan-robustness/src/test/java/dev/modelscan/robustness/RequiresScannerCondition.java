package dev.modelscan.robustness;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresScanner} for JUnit Jupiter. */
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
}
