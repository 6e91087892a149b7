package dev.modelscan.h5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The marshal reader on real CPython 3.11 output (from the fixtures) and on code objects written byte by byte in the
 * 3.7 and 3.8-3.10 layouts, which this machine's Python cannot produce.
 */
class MarshalCodeTest {

  /** Writes marshal data byte by byte. */
  private static final class M {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    M b(int... bytes) {
      for (int x : bytes) {
        out.write(x);
      }
      return this;
    }

    M i32(int v) {
      return b(v & 0xFF, v >>> 8 & 0xFF, v >>> 16 & 0xFF, v >>> 24 & 0xFF);
    }

    M shortAscii(String s) {
      b('z', s.length());
      out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
      return this;
    }

    M bytes(int... code) {
      b('s').i32(code.length);
      return b(code);
    }

    M tuple(int n) {
      return b(')', n);
    }

    byte[] get() {
      return out.toByteArray();
    }
  }

  /**
   * {@code lambda x: os.system("echo pwned")} shaped code object in the pre-3.11 layouts; nested adds a code object
   * constant (an inner lambda referencing eval).
   */
  private static byte[] legacyCode(boolean posonly, boolean nested) {
    M m = new M();
    m.b('c').i32(1);
    if (posonly) {
      m.i32(0);
    }
    m.i32(0).i32(1).i32(2).i32(0x43);
    m.bytes(0x74, 0, 0xa0, 1, 0x64, 1, 0xa1, 1, 0x53, 0);
    m.tuple(nested ? 3 : 2).b('N').shortAscii("echo pwned");
    if (nested) {
      m.out.writeBytes(innerCode(posonly));
    }
    m.tuple(nested ? 3 : 2).b('Z' | 0x80, 2).out.writeBytes("os".getBytes(StandardCharsets.ISO_8859_1));
    m.shortAscii("system");
    if (nested) {
      m.b('r').i32(0); // back-reference to the inner code object's "eval" (the first flagged object)
    }
    m.tuple(1).shortAscii("x");
    m.tuple(0);
    m.tuple(0);
    m.shortAscii("<string>");
    m.shortAscii("<lambda>");
    m.i32(1);
    m.bytes();
    return m.get();
  }

  private static byte[] innerCode(boolean posonly) {
    M m = new M();
    m.b('c').i32(0);
    if (posonly) {
      m.i32(0);
    }
    m.i32(0).i32(0).i32(1).i32(0x43);
    m.bytes(0x74, 0, 0x53, 0);
    m.tuple(1).b('N');
    m.tuple(1).b('Z' | 0x80, 4).out.writeBytes("eval".getBytes(StandardCharsets.ISO_8859_1));
    m.tuple(0).tuple(0).tuple(0);
    m.shortAscii("<string>").shortAscii("<lambda>").i32(1).bytes();
    return m.get();
  }

  @Test
  void readsRealPython311Lambdas() throws Exception {
    String config = new String(Fixtures.member("lambda_sequential.keras", "config.json"), StandardCharsets.UTF_8);
    JsonTree t = JsonTree.parse(config.getBytes(StandardCharsets.UTF_8), dev.modelscan.api.ScanLimits.defaults());
    String code = findCode(t.root());
    MarshalCode.Info info = MarshalCode.parse(KerasConfigAnalyzer.decodeFuncDump(code));
    assertThat(info.layout).isEqualTo(MarshalCode.Layout.PY311_PLUS);
    assertThat(info.names).containsExactly("__import__", "system");
    assertThat(info.stringConstants).contains("os", "echo pwned");
    assertThat(info.codeObjects).isEqualTo(1);
  }

  private static String findCode(Object v) {
    if (v instanceof java.util.Map<?, ?> m) {
      if (m.get("code") instanceof String s) {
        return s;
      }
      for (Object o : m.values()) {
        String s = findCode(o);
        if (s != null) {
          return s;
        }
      }
    } else if (v instanceof java.util.List<?> l) {
      for (Object o : l) {
        String s = findCode(o);
        if (s != null) {
          return s;
        }
      }
    }
    return null;
  }

  @Test
  void readsPython38To310Layout() throws Exception {
    MarshalCode.Info info = MarshalCode.parse(legacyCode(true, false));
    assertThat(info.layout).isEqualTo(MarshalCode.Layout.PY38_310);
    assertThat(info.names).containsExactly("os", "system");
    assertThat(info.stringConstants).containsExactly("echo pwned");
  }

  @Test
  void readsPython37Layout() throws Exception {
    MarshalCode.Info info = MarshalCode.parse(legacyCode(false, false));
    assertThat(info.layout).isEqualTo(MarshalCode.Layout.PY37);
    assertThat(info.names).containsExactly("os", "system");
  }

  @Test
  void collectsNamesOfNestedCodeObjectsAndBackReferences() throws Exception {
    MarshalCode.Info info = MarshalCode.parse(legacyCode(true, true));
    assertThat(info.codeObjects).isEqualTo(2);
    assertThat(info.names).containsExactlyInAnyOrder("os", "system", "eval");
  }

  @Test
  void readsTheFuncDumpTupleForm() throws Exception {
    byte[] code = legacyCode(true, false);
    byte[] tuple = new byte[code.length + 4];
    tuple[0] = ')';
    tuple[1] = 3;
    System.arraycopy(code, 0, tuple, 2, code.length);
    tuple[code.length + 2] = 'N';
    tuple[code.length + 3] = 'N';
    assertThat(MarshalCode.parse(tuple).names).contains("system");
  }

  @Test
  void failsClosedOnTruncatedTrailingOrForeignData() {
    byte[] code = legacyCode(true, false);
    assertThatThrownBy(() -> MarshalCode.parse(Arrays.copyOf(code, code.length - 3)))
        .isInstanceOf(MarshalCode.MarshalException.class);
    assertThatThrownBy(() -> MarshalCode.parse(Arrays.copyOf(code, code.length + 1)))
        .isInstanceOf(MarshalCode.MarshalException.class);
    assertThatThrownBy(() -> MarshalCode.parse("echo pwned".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(MarshalCode.MarshalException.class);
    assertThatThrownBy(() -> MarshalCode.parse(new byte[0])).isInstanceOf(MarshalCode.MarshalException.class);
    // a marshalled string is not code
    assertThatThrownBy(() -> MarshalCode.parse(new M().shortAscii("os").get()))
        .hasMessageContaining("no code object");
  }

  @Test
  void hostileLengthsAllocateNothing() {
    // a string claiming 2 GiB in a 10-byte input: rejected before any allocation
    byte[] huge = new M().b('s').i32(Integer.MAX_VALUE).b(1, 2, 3).get();
    assertThatThrownBy(() -> MarshalCode.parse(huge)).hasMessageContaining("exceeds the data");
    byte[] tuple = new M().b('(').i32(Integer.MAX_VALUE).get();
    assertThatThrownBy(() -> MarshalCode.parse(tuple)).hasMessageContaining("exceeds the data");
    byte[] badRef = new M().b('r').i32(7).get();
    assertThatThrownBy(() -> MarshalCode.parse(badRef)).hasMessageContaining("back-reference");
  }

  @Test
  void nestingIsBounded() {
    M m = new M();
    for (int i = 0; i <= MarshalCode.MAX_DEPTH + 1; i++) {
      m.tuple(1);
    }
    m.b('N');
    assertThatThrownBy(() -> MarshalCode.parse(m.get())).hasMessageContaining("nesting");
  }

  @Test
  void objectCountIsBounded() {
    M m = new M();
    m.b('(').i32(MarshalCode.MAX_OBJECTS + 1);
    for (int i = 0; i <= MarshalCode.MAX_OBJECTS; i++) {
      m.b('N');
    }
    assertThatThrownBy(() -> MarshalCode.parse(m.get())).hasMessageContaining("marshal objects");
  }

  @Test
  void funcDumpDecodingFollowsPythonBinascii() {
    assertThat(KerasConfigAnalyzer.decodeFuncDump("ZWNo\nbyBw\nd25lZA==\n"))
        .isEqualTo("echo pwned".getBytes(StandardCharsets.US_ASCII));
    // not base64 (one dangling character): raw_unicode_escape fallback keeps the bytes
    assertThat(KerasConfigAnalyzer.decodeFuncDump("abcde")).isEqualTo("abcde".getBytes(StandardCharsets.US_ASCII));
  }
}
