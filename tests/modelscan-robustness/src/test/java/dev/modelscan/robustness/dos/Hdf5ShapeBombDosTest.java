package dev.modelscan.robustness.dos;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HDF5 datasets whose dataspace declares an enormous shape over a few bytes of storage (the h5 module's own
 * fixtures, generated with h5py, read in place): a reader that sizes buffers from the shape exhausts the heap.
 * These end with a finding but not necessarily PARTIAL: nothing of the file is left unread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
@RequiresScanner("hdf5")
class Hdf5ShapeBombDosTest {

  @ParameterizedTest
  @ValueSource(strings = {"shape_bomb.h5", "shape_bomb_contiguous.h5"})
  void aShapeBombIsReportedWithoutAllocatingTheShape(String fixture) throws IOException {
    Path p = Path.of("../../formats/modelscan-h5/src/test/resources/keras", fixture);
    assumeTrue(Files.isRegularFile(p), "fixture " + p + " not committed");
    FileResult r = Scans.DEFAULT.scanBytes(Files.readAllBytes(p), fixture);
    // The scanner reads metadata only and sees all of it, so COMPLETE is honest here; what matters is that the
    // declared size is never allocated (the 128 MiB heap) and the bomb is reported at the verdict threshold.
    Dos.assertReported(r, "HDF5 shape bomb " + fixture);
  }
}
