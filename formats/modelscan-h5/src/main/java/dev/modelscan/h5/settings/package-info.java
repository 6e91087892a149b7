/**
 * The settings of the HDF5 scanner ({@link dev.modelscan.h5.settings.Hdf5Settings}): how many HDF5 objects one file
 * may make it walk. Set them with {@code ScanSettings.builder().extension(Hdf5Settings.class, ...)}; the command line
 * and the Maven plugin set them from their options.
 *
 * @since 0.2
 */
package dev.modelscan.h5.settings;
