package dev.modelscan.safetensors;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on shard index fixtures. */
class SafetensorsIndexScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new SafetensorsIndexScanner();
  }

  @Override
  protected List<Sample> samples() {
    // The contract scans from memory, with no input file: an index that names shards then ends partial (its shards
    // cannot be checked), so sharded/model.safetensors.index.json would fail samplesAreRecognisedAndJudged as a
    // benign sample. It is fail-closed by design, so it is given here as not-clean, and the benign sample is an
    // index that names no shard.
    byte[] noShards = "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {}}".getBytes(StandardCharsets.UTF_8);
    return List.of(
        Sample.benign("model.safetensors.index.json", noShards),
        Sample.hostile("model.safetensors.index.json", Fixtures.bytes("sharded/model.safetensors.index.json")),
        Sample.hostile("model.safetensors.index.json", Fixtures.bytes("sharded_bad/model.safetensors.index.json")));
  }
}
