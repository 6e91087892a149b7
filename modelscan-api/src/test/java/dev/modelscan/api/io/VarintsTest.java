package dev.modelscan.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VarintsTest {

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void decodesLowGroupsFirst() {
    assertThat(Varints.read(bytes(0x00), 0)).isEqualTo(new Varints.Varint(0, 1));
    assertThat(Varints.read(bytes(0x7F), 0)).isEqualTo(new Varints.Varint(127, 1));
    assertThat(Varints.read(bytes(0xAC, 0x02), 0)).isEqualTo(new Varints.Varint(300, 2));
    assertThat(Varints.read(bytes(0xFF, 0x96, 0x01, 0x05), 1)).isEqualTo(new Varints.Varint(150, 3));
    // A redundant zero group is still one value (protobuf accepts non-minimal encodings).
    assertThat(Varints.read(bytes(0x81, 0x00), 0)).isEqualTo(new Varints.Varint(1, 2));
  }

  @Test
  void tenBytesHoldSixtyFourBits() {
    byte[] max = bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
    assertThat(Varints.read(max, 0)).isEqualTo(new Varints.Varint(-1L, 10));
    byte[] top = bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
    assertThat(Varints.read(top, 0).value()).isEqualTo(Long.MIN_VALUE); // 2^63 comes back negative
    byte[] nine = bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F);
    assertThat(Varints.read(nine, 0)).isEqualTo(new Varints.Varint(Long.MAX_VALUE, 9));
  }

  @Test
  void bitsPastTheSixtyFourthAreDroppedAsProtobufDoes() {
    byte[] over = bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F);
    assertThat(Varints.read(over, 0)).isEqualTo(new Varints.Varint(Long.MIN_VALUE, 10));
  }

  @Test
  void anElevenByteVarintIsRefused() {
    byte[] eleven = bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
    assertThat(Varints.read(eleven, 0)).isNull();
    byte[] endless = new byte[1000];
    java.util.Arrays.fill(endless, (byte) 0xFF);
    assertThat(Varints.read(endless, 0)).isNull();
  }

  @Test
  void aVarintCutByItsRangeIsRefused() {
    assertThat(Varints.read(bytes(0xAC), 0)).isNull();
    assertThat(Varints.read(bytes(0xAC, 0x02), 0, 1)).isNull(); // the range, not the array, ends it
    assertThat(Varints.read(bytes(0x01), 1)).isNull();
    assertThat(Varints.read(bytes(0x01), -1)).isNull();
    assertThat(Varints.read(new byte[0], 0)).isNull();
    assertThatThrownBy(() -> Varints.read(bytes(0x01), 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
