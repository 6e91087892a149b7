package dev.modelscan.tokenizers;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.Arrays;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real SentencePiece models and broken variants. */
class SentencePieceScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new SentencePieceScanner();
  }

  @Override
  protected List<Sample> samples() {
    byte[] unigram = resource("unigram.model");
    return List.of(
        Sample.benign("unigram.model", unigram),
        Sample.benign("bpe.model", resource("bpe.model")),
        // Hostile here means malformed: never clean, always reported.
        Sample.hostile("unknown_type.model", SentencePieceScannerTest.unknownType()),
        Sample.hostile("appended_zip.model", SentencePieceScannerTest.appendedZip()),
        Sample.hostile("truncated.model", Arrays.copyOf(unigram, unigram.length - 12)));
  }
}
