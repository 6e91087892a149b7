package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every limit's message names a setting that really changes it: the name is a builder method, a getter, and, in kebab
 * case, a command-line flag; setting the flag changes exactly what the getter returns.
 */
class LimitSettingsTest {

  static String kebab(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('-').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static Object value(ScanSettings s, String setting) throws ReflectiveOperationException {
    if (setting.equals(LimitType.FILE_SIZE.settingName())) {
      return ScanSettings.class.getMethod(setting).invoke(s);
    }
    return ScanLimits.class.getMethod(setting).invoke(s.limits());
  }

  private static boolean hasBuilderMethod(Class<?> builder, String name) {
    return Arrays.stream(builder.getMethods()).map(Method::getName).anyMatch(name::equals);
  }

  @Test
  void everyLimitTypeNamesAFlagAndABuilderMethodThatChangeIt() throws ReflectiveOperationException {
    for (LimitType type : LimitType.values()) {
      String setting = type.settingName();
      String message = new ScanLimitExceededException(type, 7, 8, "content").getMessage();
      assertThat(message).as(type.name()).contains(setting);
      assertThat(hasBuilderMethod(ScanLimits.Builder.class, setting)
              || hasBuilderMethod(ScanSettings.Builder.class, setting))
          .as("a builder method %s", setting)
          .isTrue();

      String flag = "--" + kebab(setting);
      ScanCommand command = new ScanCommand();
      CommandLine cl = new CommandLine(command);
      assertThat(cl.getCommandSpec().findOption(flag)).as("a CLI flag %s for %s", flag, type).isNotNull();
      String text = type == LimitType.SCAN_TIMEOUT ? "7s" : "7";
      cl.parseArgs(flag, text, "model.pkl");
      ScanSettings changed = command.settings();
      Object expected = type == LimitType.SCAN_TIMEOUT ? Duration.ofSeconds(7) : value(changed, setting) instanceof Long
          ? (Object) 7L : (Object) 7;
      assertThat(value(changed, setting)).as(flag).isEqualTo(expected);
      assertThat(value(ScanSettings.defaults(), setting)).as("default of %s", setting).isNotEqualTo(expected);
    }
  }
}
