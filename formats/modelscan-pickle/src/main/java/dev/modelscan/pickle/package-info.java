/**
 * Pickle analysis: an abstract pickle machine that runs the opcodes of protocols 0 to 5 over symbolic values, a
 * layered policy for the globals a pickle imports, and the scanners for pickle-bearing formats (raw and stacked
 * pickles, PyTorch legacy checkpoints, joblib dumps, dill and cloudpickle pickles, NumPy arrays).
 *
 * <p>Nothing here is API: the scanners are found by {@link java.util.ServiceLoader}. Nothing from a scanned file is
 * ever deserialized, imported or executed.
 */
package dev.modelscan.pickle;
