package dev.modelscan.robustness;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Skips a test while a scanner it needs is not on the class path. The format modules land on main one
 * by one; a test written against the contract of a scanner that has not landed would otherwise fail for the wrong
 * reason. {@code ScannerCoverageTest} makes sure every scanner that is present has its robustness tests.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(RequiresScannerCondition.class)
public @interface RequiresScanner {
  /**
   * The descriptor names of the scanners the test needs.
   *
   * @return scanner names, e.g. {@code "pickle"}
   */
  String[] value();
}
