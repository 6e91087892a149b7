package dev.modelscan.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @Test
  void printableTextIsReturnedAsItIs() {
    String s = "models/résumé-模型 (v2)\\x.pkl";
    assertThat(TerminalText.escape(s)).isSameAs(s);
    assertThat(TerminalText.escape("emoji \uD83D\uDE00 ok")).isEqualTo("emoji \uD83D\uDE00 ok");
    assertThat(TerminalText.escape(null)).isEmpty();
  }

  @Test
  void controlsAreWrittenAsEscapes() {
    assertThat(TerminalText.escape("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
    assertThat(TerminalText.escape("\u001b[2K\u0000\u007f")).isEqualTo("\\x1b[2K\\x00\\x7f");
    // C1: U+009B is a one-character CSI on terminals that take 8-bit controls; U+0085 is a line break.
    assertThat(TerminalText.escape("x\u009b2Ky\u0085")).isEqualTo("x\\u009b2Ky\\u0085");
  }

  @Test
  void bidiAndInvisibleFormatCharactersAreWrittenAsEscapes() {
    for (int cp = 0x202A; cp <= 0x202E; cp++) {
      assertThat(TerminalText.escape("a" + (char) cp)).isEqualTo("a\\u" + Integer.toHexString(cp));
    }
    for (int cp = 0x2066; cp <= 0x2069; cp++) {
      assertThat(TerminalText.escape("a" + (char) cp)).isEqualTo("a\\u" + Integer.toHexString(cp));
    }
    assertThat(TerminalText.escape("\u200e\u200f\u061c\u200b\ufeff")).isEqualTo("\\u200e\\u200f\\u061c\\u200b\\ufeff");
    assertThat(TerminalText.escape("line\u2028para\u2029")).isEqualTo("line\\u2028para\\u2029");
    assertThat(TerminalText.escape("tag\uDB40\uDC41")).isEqualTo("tag\\u{e0041}");
  }

  @Test
  void loneSurrogatesAreWrittenAsEscapes() {
    assertThat(TerminalText.escape("a\uD800b")).isEqualTo("a\\ud800b");
    assertThat(TerminalText.escape("a\uDC00")).isEqualTo("a\\udc00");
    assertThat(TerminalText.escape("\uD800")).isEqualTo("\\ud800");
  }
}
