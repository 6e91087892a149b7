package dev.modelscan.pickle;

import com.google.auto.service.AutoService;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.SettingsExtension;
import dev.modelscan.pickle.settings.PickleSettings;
import java.util.List;

/**
 * Tells front ends how to set {@link PickleSettings}: the command line's {@code --max-pickle-*}, {@code
 * --allow-global}, {@code --deny-global} and {@code --unknown-global-severity}, the Maven plugin's parameters of the
 * same names and the configuration file's keys.
 */
@SuppressWarnings("rawtypes") // @AutoService names the generic service type raw; the provider is typed
@AutoService(SettingsExtension.class)
public final class PickleSettingsExtension implements SettingsExtension<PickleSettings> {

  private static final List<Option<PickleSettings>> OPTIONS =
      List.of(
          new Option<>("max-pickle-stack-size", Kind.INT,
              "Largest simulated pickle stack (default: from the heap, at most 1000000).",
              (s, v) -> s.rebuild().maxPickleStackSize((Integer) v).build()),
          new Option<>("max-pickle-memo-size", Kind.INT_SIZE,
              "Largest simulated pickle memo, in bytes of its compact form (default: 256M, at most 5/8 of the heap).",
              (s, v) -> s.rebuild().maxPickleMemoSize((Integer) v).build()),
          new Option<>("max-pickle-opcodes", Kind.LONG, "Opcodes interpreted per pickle.",
              (s, v) -> s.rebuild().maxPickleOpcodes((Long) v).build()),
          new Option<>("allow-global", Kind.TEXT_LIST,
              "Treat this Python global as safe (repeatable; never overrides the always-dangerous list).",
              (s, v) -> s.rebuild().allowGlobals(((String) v).trim()).build()),
          new Option<>("deny-global", Kind.TEXT_LIST, "Treat this Python global as dangerous (repeatable).",
              (s, v) -> s.rebuild().denyGlobals(((String) v).trim()).build()),
          new Option<>("unknown-global-severity", Kind.SEVERITY,
              "Severity of globals that are neither known safe nor known dangerous (default: MEDIUM).",
              (s, v) -> s.rebuild().unknownGlobalSeverity((Severity) v).build()));

  /** Created by the service loader. */
  public PickleSettingsExtension() {}

  @Override
  public Class<PickleSettings> type() {
    return PickleSettings.class;
  }

  @Override
  public PickleSettings defaults() {
    return PickleSettings.defaults();
  }

  @Override
  public List<Option<PickleSettings>> options() {
    return OPTIONS;
  }
}
