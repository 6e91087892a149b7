package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.LimitSetting;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.h5.settings.Hdf5Limit;
import dev.modelscan.h5.settings.Hdf5Settings;
import dev.modelscan.pickle.settings.PickleLimit;
import dev.modelscan.pickle.settings.PickleSettings;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every limit's message names a setting that really changes it: the name is a builder method, a getter, and, in kebab
 * case, a command-line flag; setting the flag changes exactly what the getter returns. The format-neutral limits live
 * in {@link ScanLimits} (the file size in {@link ScanSettings}); the pickle scanners' in {@link PickleSettings}, the
 * HDF5 scanner's in {@link Hdf5Settings}.
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

  /** The settings object that holds a limit, and the class whose builder sets it. */
  private static Object holder(ScanSettings s, LimitSetting limit) {
    if (limit instanceof PickleLimit) {
      return PickleSettings.of(s);
    }
    if (limit instanceof Hdf5Limit) {
      return Hdf5Settings.of(s);
    }
    return limit == LimitType.FILE_SIZE ? s : s.limits();
  }

  private static Object value(ScanSettings s, LimitSetting limit) throws ReflectiveOperationException {
    Object h = holder(s, limit);
    return h.getClass().getMethod(limit.settingName()).invoke(h);
  }

  private static boolean hasBuilderMethod(Class<?> builder, String name) {
    return Arrays.stream(builder.getMethods()).map(Method::getName).anyMatch(name::equals);
  }

  @Test
  void everyLimitNamesAFlagAndABuilderMethodThatChangeIt() throws ReflectiveOperationException {
    List<LimitSetting> limits = new ArrayList<>(List.of(LimitType.values()));
    limits.addAll(List.of(PickleLimit.values()));
    limits.addAll(List.of(Hdf5Limit.values()));
    for (LimitSetting limit : limits) {
      String setting = limit.settingName();
      String message = new ScanLimitExceededException(limit, 7, 8, "content").getMessage();
      assertThat(message).as(setting).contains(setting);
      assertThat(hasBuilderMethod(ScanLimits.Builder.class, setting)
              || hasBuilderMethod(ScanSettings.Builder.class, setting)
              || hasBuilderMethod(PickleSettings.Builder.class, setting)
              || hasBuilderMethod(Hdf5Settings.Builder.class, setting))
          .as("a builder method %s", setting)
          .isTrue();

      String flag = "--" + kebab(setting);
      // The message names the flag too, so a command-line user reads what to pass, not a Java method.
      assertThat(limit.optionName()).isEqualTo(flag);
      assertThat(message).as(setting).contains("(" + flag + ")");
      ScanCommand command = new ScanCommand();
      CommandLine cl = new CommandLine(command);
      assertThat(cl.getCommandSpec().findOption(flag)).as("a CLI flag %s for %s", flag, setting).isNotNull();
      String text = limit == LimitType.SCAN_TIMEOUT ? "7s" : "7";
      cl.parseArgs(flag, text, "model.pkl");
      ScanSettings changed = command.options(cl, ScannerRegistry.loadDefault()).settings();
      Object expected = limit == LimitType.SCAN_TIMEOUT ? Duration.ofSeconds(7) : value(changed, limit) instanceof Long
          ? (Object) 7L : (Object) 7;
      assertThat(value(changed, limit)).as(flag).isEqualTo(expected);
      assertThat(value(ScanSettings.defaults(), limit)).as("default of %s", setting).isNotEqualTo(expected);
    }
  }
}
