package dev.modelscan.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.ByteSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtoReaderTest {

  /** A tiny encoder for the test messages. */
  private static final class Msg {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Msg varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Msg tag(int field, int wire) {
      return varint((long) field << 3 | wire);
    }

    Msg bytes(int field, byte[] b) {
      tag(field, ProtoReader.LEN).varint(b.length);
      out.writeBytes(b);
      return this;
    }

    Msg string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }

  @Test
  void readsVarintsStringsAndNestedMessagesAndSkipsTheRest() throws IOException {
    byte[] inner = new Msg().string(1, "Relu").tag(2, ProtoReader.VARINT).varint(300).toBytes();
    byte[] outer =
        new Msg()
            .tag(1, ProtoReader.VARINT)
            .varint(8)
            .bytes(7, inner)
            .bytes(9, new byte[10_000]) // a tensor payload: skipped by length
            .tag(4, ProtoReader.FIXED32)
            .toBytes();
    byte[] withFixed = java.util.Arrays.copyOf(outer, outer.length + 4);
    ProtoReader r = ProtoReader.of(ByteSource.wrap(withFixed), 100);
    assertThat(r.next()).isTrue();
    assertThat(r.field()).isEqualTo(1);
    assertThat(r.varint()).isEqualTo(8);
    assertThat(r.next()).isTrue();
    ProtoReader child = r.message();
    assertThat(child.next()).isTrue();
    assertThat(child.string(100)).isEqualTo("Relu");
    assertThat(child.next()).isTrue();
    assertThat(child.varint()).isEqualTo(300);
    assertThat(child.next()).isFalse();
    assertThat(r.next()).isTrue();
    assertThat(r.field()).isEqualTo(9);
    r.skip();
    assertThat(r.next()).isTrue();
    assertThat(r.wire()).isEqualTo(ProtoReader.FIXED32);
    r.skip();
    assertThat(r.next()).isFalse();
  }

  @Test
  void aLengthPastTheMessageIsMalformed() throws IOException {
    byte[] lying = new Msg().tag(7, ProtoReader.LEN).varint(1L << 62).toBytes();
    ProtoReader r = ProtoReader.of(ByteSource.wrap(lying), 100);
    assertThat(r.next()).isTrue();
    assertThatThrownBy(r::skip).isInstanceOf(MalformedContentException.class).hasMessageContaining("claims");
  }

  @Test
  void groupsAndFieldZeroAreMalformed() {
    assertThatThrownBy(() -> ProtoReader.of(ByteSource.wrap(new Msg().tag(1, 3).toBytes()), 100).next())
        .isInstanceOf(MalformedContentException.class);
    assertThatThrownBy(() -> ProtoReader.of(ByteSource.wrap(new Msg().tag(0, 0).varint(1).toBytes()), 100).next())
        .isInstanceOf(MalformedContentException.class);
  }

  @Test
  void stringsAndTheDecodeBudgetAreBounded() throws IOException {
    byte[] m = new Msg().string(1, "x".repeat(50)).string(2, "ok").toBytes();
    ProtoReader r = ProtoReader.of(ByteSource.wrap(m), 1000);
    assertThat(r.next()).isTrue();
    assertThatThrownBy(() -> r.string(10))
        .isInstanceOfSatisfying(
            ScanLimitExceededException.class, e -> assertThat(e.limitType()).isEqualTo(LimitType.STRING_BYTES));
    // the reader moved past the long string, so the caller can go on
    assertThat(r.next()).isTrue();
    assertThat(r.string(10)).isEqualTo("ok");

    ProtoReader tight = ProtoReader.of(ByteSource.wrap(m), 5);
    assertThat(tight.next()).isTrue();
    assertThatThrownBy(() -> tight.string(100))
        .isInstanceOfSatisfying(
            ScanLimitExceededException.class, e -> assertThat(e.limitType()).isEqualTo(LimitType.HEADER_BYTES));
  }

  @Test
  void rawBytesAreReturnedUnrepairedAndBounded() throws IOException {
    byte[] invalid = {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, 0x41};
    byte[] m = new Msg().bytes(1, invalid).bytes(2, new byte[50]).string(3, "ok").toBytes();
    ProtoReader r = ProtoReader.of(ByteSource.wrap(m), 1000);
    assertThat(r.next()).isTrue();
    assertThat(r.bytes(10)).containsExactly(invalid);
    assertThat(r.next()).isTrue();
    assertThatThrownBy(() -> r.bytes(10))
        .isInstanceOfSatisfying(
            ScanLimitExceededException.class, e -> assertThat(e.limitType()).isEqualTo(LimitType.STRING_BYTES));
    assertThat(r.next()).isTrue();
    assertThat(r.bytes(10)).containsExactly('o', 'k');
  }
}
