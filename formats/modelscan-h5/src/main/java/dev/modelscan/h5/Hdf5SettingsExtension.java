package dev.modelscan.h5;

import com.google.auto.service.AutoService;
import dev.modelscan.api.spi.SettingsExtension;
import dev.modelscan.h5.settings.Hdf5Settings;
import java.util.List;

/** Tells front ends how to set {@link Hdf5Settings}: the command line's {@code --max-hdf5-objects} and its kin. */
@SuppressWarnings("rawtypes") // @AutoService names the generic service type raw; the provider is typed
@AutoService(SettingsExtension.class)
public final class Hdf5SettingsExtension implements SettingsExtension<Hdf5Settings> {

  private static final List<Option<Hdf5Settings>> OPTIONS =
      List.of(
          new Option<>("max-hdf5-objects", Kind.INT, "Groups and datasets walked per HDF5 file.",
              (s, v) -> s.rebuild().maxHdf5Objects((Integer) v).build()));

  /** Created by the service loader. */
  public Hdf5SettingsExtension() {}

  @Override
  public Class<Hdf5Settings> type() {
    return Hdf5Settings.class;
  }

  @Override
  public Hdf5Settings defaults() {
    return Hdf5Settings.defaults();
  }

  @Override
  public List<Option<Hdf5Settings>> options() {
    return OPTIONS;
  }
}
