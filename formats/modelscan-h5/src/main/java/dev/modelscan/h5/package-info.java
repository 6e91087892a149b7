/**
 * HDF5 and Keras scanning: {@link dev.modelscan.h5.Hdf5Scanner} for HDF5 files and Keras 2 {@code .h5} models, and
 * {@link dev.modelscan.h5.KerasConfigScanner} for the JSON configurations of Keras 3 {@code .keras} archives. Both
 * register with {@link java.util.ServiceLoader}; everything else in this package is internal.
 */
package dev.modelscan.h5;
