package dev.modelscan.robustness.dos;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * HDF5 datasets whose dataspace declares an enormous shape over a few bytes of storage (the h5 module's own
 * fixtures, generated with h5py, read in place): a reader that sizes buffers from the shape exhausts the heap.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
@RequiresScanner("hdf5")
class Hdf5ShapeBombDosTest {

  @ParameterizedTest
  @ValueSource(strings = {"shape_bomb.h5", "shape_bomb_contiguous.h5"})
  void aShapeBombEndsPartialWithAFinding(String fixture) throws IOException {
    Path p = Path.of("../modelscan-h5/src/test/resources/keras", fixture);
    assumeTrue(Files.isRegularFile(p), "fixture " + p + " not committed");
    FileResult r = Scans.DEFAULT.scanBytes(Files.readAllBytes(p), fixture);
    Dos.assertPartialWithFinding(r, "HDF5 shape bomb " + fixture);
  }
}
