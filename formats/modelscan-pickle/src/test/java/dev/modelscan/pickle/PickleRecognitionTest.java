package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pickles are recognised by content, including protocols 0 and 1 that have no magic; other content is not. */
class PickleRecognitionTest {

  private static final PickleScanner SCANNER = new PickleScanner();

  private static Recognition recognize(byte[] content, String name) {
    return SCANNER.recognize(ContentHead.ofBytes(content, name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "benign_p0_list.pkl",
        "benign_p1_dict.pkl",
        "p0_os_system.pkl",
        "p2_os_system.pkl",
        "p4_eval.pkl",
        "sklearn_logreg.pkl",
        "torch_zip_data.pkl",
        "torch_legacy_state_dict.pt",
        "dill_lambda.pkl",
        "no_proto_stack_global.pkl",
        "broken_after_payload.pkl"
      })
  void recognisesPicklesWhateverTheirName(String fixture) {
    Recognition r = recognize(Fixtures.bytes(fixture), "weights.safetensors");
    assertThat(r.recognised()).as(fixture).isTrue();
    assertThat(r.format()).isEqualTo("pickle");
  }

  @Test
  void protoGivesCertainty() {
    assertThat(recognize(Fixtures.bytes("p4_eval.pkl"), "").confidence()).isEqualTo(Recognition.CERTAIN);
    byte[] p5 = new Ops().proto(5).raw(0x96).raw(2, 0, 0, 0, 0, 0, 0, 0).raw('a', 'b').text(".").bytes();
    assertThat(recognize(p5, "").confidence()).isEqualTo(Recognition.CERTAIN);
  }

  @Test
  void aPickleLongerThanTheHeadIsRecognisedFromItsHead() {
    byte[] big = new Ops().proto(4).raw(']').raw('(').repeat("K\u0001", 6000).text("e.").bytes();
    assertThat(big.length).isGreaterThan(ContentHead.HEAD_SIZE);
    assertThat(recognize(big, "").confidence()).isGreaterThanOrEqualTo(Recognition.STRONG);
    byte[] noProto = new Ops().raw(']').raw('(').repeat("K\u0001", 6000).text("e.").bytes();
    assertThat(recognize(noProto, "").recognised()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hello world, this is a README.\n",
        "{\"a\": 1, \"b\": [1, 2, 3]}\n",
        "import os\nos.system('echo hi')\n",
        "class Foo:\n    pass\n",
        "a,b,c\n1,2,3\n",
        "(not a pickle)\n",
        "Note: nothing here\n",
        "3.14159\n",
        "",
        "N"
      })
  void textIsNotClaimed(String text) {
    assertThat(recognize(text.getBytes(StandardCharsets.UTF_8), "x.pkl").recognised()).as(text).isFalse();
  }

  @Test
  void aLongLeadingArgumentIsAcceptedWhenItFitsTheFile() {
    // PROTO, then BINBYTES of 100 KB: the head alone holds two opcodes, but the declared length fits the file
    byte[] big = new Ops().proto(4).raw('B').raw(0xa0, 0x86, 0x01, 0).raw(new byte[100_000]).text(".").bytes();
    assertThat(recognize(big, "").recognised()).isTrue();
    // the same length in a file too short for it is not a pickle by content alone (tensor bytes start like this)
    byte[] lying = java.util.Arrays.copyOf(big, 9000);
    assertThat(recognize(lying, "").recognised()).isFalse();
    assertThat(recognize(lying, "archive/data/0").recognised()).isFalse();
    // but under a pickle's name it is claimed weakly, so that it is reported as malformed rather than unrecognised
    assertThat(recognize(lying, "model.pkl").confidence()).isEqualTo(dev.modelscan.api.spi.Recognition.WEAK);
  }

  /**
   * Issue 16 item 2: a protocol-0 pickle has no magic, and its first line may be longer than the 8 KiB head. The head
   * is then a valid pickle prefix up to the window's end, and must be claimed above the text scanner's weak claim.
   */
  @ParameterizedTest
  @ValueSource(strings = {"p0_long_unicode_line.pkl", "p0_long_string_line.pkl"})
  void aFirstLineLongerThanTheHeadIsStillAPickle(String fixture) {
    byte[] b = Fixtures.bytes(fixture);
    assertThat(b.length).isGreaterThan(ContentHead.HEAD_SIZE);
    Recognition r = recognize(b, "notes.txt");
    assertThat(r.format()).isEqualTo("pickle");
    assertThat(r.confidence()).isGreaterThan(Recognition.WEAK);
  }

  @Test
  void aGlobalLineLongerThanTheHeadIsStillAPickle() {
    byte[] b = new Ops().text("c").repeat("os.path.", 1200).text("\nsystem\n.").bytes();
    assertThat(recognize(b, "").confidence()).isGreaterThan(Recognition.WEAK);
  }

  @ParameterizedTest
  @ValueSource(strings = {"S", "c", "I", "F", "(S", "P"})
  void aLongLineThatCPythonWouldRejectIsNotClaimed(String start) {
    // unquoted STRING, a module name with spaces, non-numeric INT and FLOAT: CPython fails on these lines
    byte[] b = (start + " is not quoted, not a name and not a number \u00e9".repeat(300) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(b.length).isGreaterThan(ContentHead.HEAD_SIZE);
    assertThat(recognize(b, "notes.txt").recognised()).isFalse();
  }

  @Test
  void otherFormatsAreNotClaimed() {
    assertThat(recognize(Fixtures.bytes("numpy_float.npy"), "x.pkl").recognised()).isFalse();
    assertThat(recognize(Fixtures.bytes("numpy_arrays.npz"), "x.pkl").recognised()).isFalse();
    assertThat(recognize(Fixtures.bytes("torch_zip_state_dict.pt"), "x.pkl").recognised()).isFalse();
    assertThat(recognize(Fixtures.bytes("sklearn_logreg.joblib.gz"), "x.pkl").recognised()).isFalse();
    assertThat(recognize(Fixtures.bytes("sklearn_logreg_zlib.joblib"), "x.pkl").recognised()).isFalse();
  }

  @Test
  void randomBytesAreNotClaimed() {
    Random rnd = new Random(42);
    int claimed = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] b = new byte[1 + rnd.nextInt(4096)];
      rnd.nextBytes(b);
      if (recognize(b, "data/0").recognised()) {
        claimed++;
      }
    }
    assertThat(claimed).isZero();
  }

  @Test
  void floatTensorBytesStartingLikeProtoAreNotClaimed() {
    Random rnd = new Random(7);
    for (int i = 0; i < 500; i++) {
      byte[] b = new byte[256];
      rnd.nextBytes(b);
      b[0] = (byte) 0x80;
      b[1] = (byte) rnd.nextInt(6);
      assertThat(recognize(b, "archive/data/0").recognised()).isFalse();
    }
  }
}
