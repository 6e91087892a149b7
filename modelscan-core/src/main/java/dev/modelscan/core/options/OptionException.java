package dev.modelscan.core.options;

import java.util.Objects;

/**
 * A value that an option does not accept: text outside the option's grammar, or a value out of its range. The message
 * is {@code --name: problem}; front ends that name options differently (a Maven parameter in camel case) quote {@link
 * #optionName()} their own way and add {@link #problem()}.
 *
 * @since 0.2
 */
public final class OptionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The long option name, kebab case without dashes. */
  private final String optionName;

  /** What is wrong, without the option's name. */
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param optionName the long option name, such as {@code max-file-size}
   * @param problem what is wrong, such as {@code "'5x' is not a size: ..."}
   * @param cause the parser's or builder's exception, or null
   */
  public OptionException(String optionName, String problem, Throwable cause) {
    super("--" + Objects.requireNonNull(optionName, "optionName") + ": " + problem, cause);
    this.optionName = optionName;
    this.problem = problem;
  }

  /**
   * The option whose value was refused.
   *
   * @return the long option name, kebab case without dashes
   */
  public String optionName() {
    return optionName;
  }

  /**
   * What is wrong with the value, without the option's name.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }
}
