package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.JUNK;
import static dev.modelscan.media.MediaFixtures.appended;
import static dev.modelscan.media.MediaFixtures.fixture;
import static dev.modelscan.media.MediaFixtures.flipped;
import static dev.modelscan.media.MediaFixtures.truncated;
import static dev.modelscan.media.MediaFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.core.ModelScan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Through the engine: every companion format is recognised and complete, and every way to break it is reported. */
class MediaScannersTest {

  private final ModelScan scan = ModelScan.builder().build();

  private FileResult scan(byte[] content, String name) {
    return scan.scanBytes(content, name);
  }

  private static void assertClean(FileResult r, String format) {
    assertThat(r.format()).isEqualTo(format);
    assertThat(r.status()).as(r.statusReason()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "plot.png, png", "photo.jpg, jpeg", "anim.gif, gif", "thumb.webp, webp", "logo.bmp, bmp", "scan.tiff, tiff",
    "card.pdf, pdf", "chart.svg, svg"
  })
  void imagesAndDocumentsMadeByRealEncodersAreCompleteAndClean(String file, String format) {
    assertClean(scan(fixture(file), file), format);
  }

  @ParameterizedTest
  @CsvSource({"plot.png", "photo.jpg", "anim.gif", "thumb.webp", "logo.bmp", "scan.tiff", "card.pdf"})
  void anythingAfterTheEndIsReportedAndScannedAsContentOfItsOwn(String file) {
    FileResult r = scan(appended(file, JUNK), file);
    assertThat(r.findings()).extracting(Finding::ruleId).contains(MediaRules.APPENDED_DATA.id());
    // The appended bytes are no format: the member is skipped, so the file is not complete.
    assertThat(r.members()).singleElement().satisfies(m -> {
      assertThat(m.entry()).startsWith("after-");
      assertThat(m.status()).isEqualTo(ScanStatus.SKIPPED);
    });
    assertThat(r.status()).isNotEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void theFurtherPicturesOfAMultiPictureFileAreWalkedNotReported() {
    assertClean(scan(fixture("stereo.mpo"), "stereo.mpo"), "jpeg");
    FileResult r = scan(appended("stereo.mpo", JUNK), "stereo.mpo");
    assertThat(r.findings()).extracting(Finding::ruleId).contains(MediaRules.APPENDED_DATA.id());
    // Without the MPF segment a second picture after EOI is appended data like any other.
    byte[] photo = fixture("photo.jpg");
    FileResult two = scan(appended("photo.jpg", photo), "photo.jpg");
    assertThat(two.findings()).extracting(Finding::ruleId).contains(MediaRules.APPENDED_DATA.id());
  }

  @Test
  void zeroPaddingAfterTheEndIsNotContent() {
    assertClean(scan(appended("photo.jpg", new byte[64]), "photo.jpg"), "jpeg");
  }

  @Test
  void aZipAfterIendIsScannedAsAZipThroughTheEngine() {
    FileResult r = scan(fixture("plot_with_zip.png"), "plot.png");
    assertThat(r.findings()).extracting(Finding::ruleId).contains(MediaRules.APPENDED_DATA.id());
    assertThat(r.members()).extracting(MemberResult::entry).contains("after-IEND");
    assertThat(r.members()).filteredOn(m -> m.entry().equals("after-IEND")).singleElement()
        .extracting(MemberResult::format).asString().endsWith("zip");
    // Without a pickle scanner on this module's class path the pickle member is unrecognised: never clean.
    assertThat(r.status()).isNotEqualTo(ScanStatus.COMPLETE);
  }

  @ParameterizedTest
  @CsvSource({
    "plot.png, 5", "photo.jpg, 3", "anim.gif, 2", "thumb.webp, 7", "logo.bmp, 9", "scan.tiff, 40"
  })
  void truncatedImagesAreMalformedAndNotComplete(String file, int drop) {
    FileResult r = scan(truncated(file, drop), file);
    assertThat(r.status()).as(r.statusReason()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).extracting(Finding::ruleId).contains(StandardRules.MALFORMED_CONTENT.id());
  }

  @Test
  void aPngChunkWithABadCrcIsReported() {
    // Offset 20: inside IHDR's data (8 signature + 8 length/type + 4).
    FileResult r = scan(flipped("plot.png", 20), "plot.png");
    assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("CRC"));
  }

  @Test
  void aPngChunkLengthBeyondTheFileIsMalformed() {
    byte[] b = fixture("plot.png");
    b[8] = 0x7F; // IHDR length 0x7F00000D
    FileResult r = scan(b, "plot.png");
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("IHDR");
  }

  @Test
  void aJpegSegmentLengthBelowTwoIsMalformed() {
    byte[] b = fixture("photo.jpg");
    b[4] = 0;
    b[5] = 1; // APP0 length 1
    assertThat(scan(b, "photo.jpg").statusReason()).contains("less than 2");
  }

  @Test
  void aRiffSizeBeyondTheFileIsMalformed() {
    byte[] b = fixture("thumb.webp");
    b[7] = 0x7F;
    assertThat(scan(b, "thumb.webp").statusReason()).contains("RIFF size");
  }

  @Test
  void aTiffDirectoryLoopIsWalkedOnce() {
    byte[] b = fixture("scan.tiff");
    // Point the first directory's next-directory offset back at itself.
    boolean little = b[0] == 'I';
    int ifd = little ? (b[4] & 0xFF | (b[5] & 0xFF) << 8 | (b[6] & 0xFF) << 16 | (b[7] & 0xFF) << 24)
        : (b[7] & 0xFF | (b[6] & 0xFF) << 8 | (b[5] & 0xFF) << 16 | (b[4] & 0xFF) << 24);
    int count = little ? (b[ifd] & 0xFF | (b[ifd + 1] & 0xFF) << 8) : (b[ifd + 1] & 0xFF | (b[ifd] & 0xFF) << 8);
    int next = ifd + 2 + 12 * count;
    for (int i = 0; i < 4; i++) {
      b[next + i] = (byte) (little ? ifd >> (8 * i) : ifd >> (8 * (3 - i)));
    }
    assertClean(scan(b, "scan.tiff"), "tiff");
  }

  @Test
  void aBmpWhosePixelsDoNotFitIsMalformed() {
    byte[] b = fixture("logo.bmp");
    b[18] = 0x7F; // width
    assertThat(scan(b, "logo.bmp").status()).isEqualTo(ScanStatus.FAILED);
  }

  @Test
  void pdfJavaScriptSpelledWithEscapesIsFlagged() {
    FileResult r = scan(fixture("card_js.pdf"), "card.pdf");
    assertThat(r.format()).isEqualTo("pdf");
    assertThat(r.findings()).filteredOn(f -> f.ruleId().equals(MediaRules.PDF_ACTIVE_CONTENT.id()))
        .extracting(Finding::message)
        .anyMatch(m -> m.contains("/JavaScript"))
        .anyMatch(m -> m.contains("/JS"))
        .anyMatch(m -> m.contains("/OpenAction"));
    assertThat(r.hasFindingAtLeast(Severity.MEDIUM)).isTrue();
  }

  @Test
  void pdfNamesInsideCompressedObjectStreamsAreRead() throws Exception {
    byte[] hidden = utf8("<< /Type /Action /S /Launch /F (calc.exe) >>");
    java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z)) {
      d.write(hidden);
    }
    byte[] pdf = fixture("card.pdf");
    String text = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("xref");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(pdf, 0, at);
    out.write(utf8("5 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length " + z.size() + " >>\nstream\n"));
    out.write(z.toByteArray());
    out.write(utf8("\nendstream\nendobj\n"));
    out.write(pdf, at, pdf.length - at);
    FileResult r = scan(out.toByteArray(), "card.pdf");
    assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("/Launch"));
  }

  @Test
  void pdfActionInAFlateObjectStreamIsFoundAndTheScanIsComplete() {
    // Written by gen_media.py and decoded by qpdf there: object 5, the /OpenAction, lives only in the object stream.
    FileResult r = scan(fixture("card_objstm_flate.pdf"), "card.pdf");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("/JavaScript"));
  }

  @ParameterizedTest
  @CsvSource({
    "card_objstm_hex.pdf, encoded with /ASCIIHexDecode",
    "card_objstm_flate2.pdf, does not decode to a table of objects",
    "card_objstm_predictor.pdf, encoded with /DecodeParms",
    "card_objstm_aes.pdf, does not inflate to its end"
  })
  void pdfObjectStreamThatIsNotPlainFlateLeavesTheScanPartial(String file, String reason) {
    // A reader decodes these (qpdf does in gen_media.py) and runs the JavaScript action in them; the scanner cannot
    // see it, so it must not call the document complete.
    FileResult r = scan(fixture(file), "card.pdf");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.statusReason()).contains(reason);
    assertThat(r.findings()).extracting(Finding::message).noneMatch(m -> m.contains("/JavaScript"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/Type /ObjStm | ''",                   // no type: readers find the objects by /First and /N alone
        // "obj" between /First and /Filter, where a keyword would start a new object and forget both:
        "/Filter | /Extends (obj) /Filter",       // in a string
        "/Filter | /Extends (a\\) obj) /Filter",  // ... after an escaped parenthesis
        "/Filter | /Xobj 1 /Filter",              // in a name
        "/Filter | % obj\\n/Filter",              // in a comment
        "/Filter | /Extends <obj> /Filter"        // in a hex string
      })
  void anObjectStreamStaysAnObjectStreamWhateverItsDictionaryHolds(String from, String to) {
    String text = new String(fixture("card_objstm_hex.pdf"), java.nio.charset.StandardCharsets.ISO_8859_1);
    String dictionary = text.substring(text.indexOf("6 0 obj"));
    String changed = text.replace(dictionary, dictionary.replaceFirst(java.util.regex.Pattern.quote(from),
        java.util.regex.Matcher.quoteReplacement(to.replace("\\n", "\n"))));
    assertThat(changed).isNotEqualTo(text);
    FileResult r = scan(changed.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "card.pdf");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.statusReason()).contains("the objects in it were not read");
  }

  @Test
  void anObjectStreamWhoseFiltersAreNamedThroughAReferenceIsJudgedByWhatItDecodesTo() {
    // The filter chain of card_objstm_flate2.pdf moved to an indirect object: no filter name is left in the stream's
    // dictionary, and one inflate gives zlib data, not the table of objects a decoded object stream starts with.
    String text = new String(fixture("card_objstm_flate2.pdf"), java.nio.charset.StandardCharsets.ISO_8859_1);
    String referenced = text.replace("/Filter [/FlateDecode /FlateDecode]", "/Filter 9 0 R");
    assertThat(referenced).isNotEqualTo(text);
    FileResult r = scan(referenced.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "card.pdf");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.statusReason()).contains("does not decode to a table of objects");
  }

  @Test
  void aPlainStreamThatIsNotFlateLeavesTheScanComplete() {
    // Images and content streams hold no objects: a stream that does not inflate is only an object stream's problem.
    String text = new String(fixture("card.pdf"), java.nio.charset.StandardCharsets.ISO_8859_1);
    String hex = text.replace("<< /Length", "<< /Filter /ASCIIHexDecode /Length");
    assertThat(hex).isNotEqualTo(text);
    FileResult r = scan(hex.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "card.pdf");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void pdfWithoutEofIsReported() {
    FileResult r = scan(truncated("card.pdf", 7), "card.pdf");
    assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("%%EOF"));
  }

  @ParameterizedTest
  @CsvSource({"chart_script.svg, <script>", "chart_onload.svg, onload"})
  void svgScriptIsFlagged(String file, String what) {
    FileResult r = scan(fixture(file), file);
    assertThat(r.format()).isEqualTo("svg");
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo(MediaRules.SVG_SCRIPT.id());
      assertThat(f.message()).contains(what);
    });
  }

  @Test
  void svgJavascriptLinksAndExternalEntitiesAreFlagged() {
    String svg = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"java\tscript:alert(1)\">&x;</a></svg>";
    FileResult r = scan(utf8(svg), "x.svg");
    assertThat(r.findings()).extracting(Finding::ruleId)
        .containsExactlyInAnyOrder(MediaRules.SVG_SCRIPT.id(), MediaRules.XML_EXTERNAL_ENTITY.id());
  }

  @Test
  void jsonIsParsedInFullAndNotebooksAreRecognised() {
    assertClean(scan(utf8("{\"do_sample\": true, \"temperature\": NaN, \"ids\": [1, 2]}"), "generation_config.json"),
        "json");
    String nb = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"import os\\n\", \"os.system('ls')\"],"
        + " \"outputs\": [{\"data\": {\"image/png\": \"iVBORw0KGgo=\"}}]}], \"metadata\": {}, \"nbformat\": 4,"
        + " \"nbformat_minor\": 5}";
    assertClean(scan(utf8(nb), "train.ipynb"), "jupyter-notebook");
  }

  @Test
  void aVocabularyStartingWithABracketIsTextNotJson() {
    // BERT's vocab.txt starts with "[PAD]": a bracket that no JSON value can follow, in a file named .txt.
    FileResult r = scan(utf8("[PAD]\n[UNK]\nhello\n"), "vocab.txt");
    assertThat(r.format()).isEqualTo("text");
    assertThat(r.findings()).isEmpty();
    assertThat(scan(utf8("[UNK]\nhello\n"), "vocab").format()).isEqualTo("text");
  }

  @Test
  void jsonThatDoesNotParseIsReportedAsText() {
    FileResult r = scan(utf8("{\"a\": 1,, }"), "x.json");
    assertThat(r.format()).isEqualTo("text");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo(MediaRules.MALFORMED_TEXT.id());
      assertThat(f.severity()).isEqualTo(Severity.LOW);
    });
  }

  @Test
  void jsonDeeperThanTheLimitIsPartial() {
    ScanSettings tight = ScanSettings.builder().limits(ScanLimits.builder().maxJsonDepth(4).build()).build();
    FileResult r = ModelScan.builder().settings(tight).build().scanBytes(utf8("[[[[[[[[1]]]]]]]]"), "deep.json");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id());
  }

  @Test
  void csvAndTsvAreTextWithQuotingChecked() {
    assertClean(scan(utf8("id,label\n1,\"cat, small\"\n2,dog\n"), "labels.csv"), "csv");
    assertClean(scan(utf8("id\tlabel\n1\tcat\n"), "labels.tsv"), "tsv");
    FileResult open = scan(utf8("id,label\n1,\"cat\n2,dog\n"), "labels.csv");
    assertThat(open.findings()).extracting(Finding::ruleId).containsExactly(MediaRules.MALFORMED_TEXT.id());
    // Binary bytes after a text head (beyond the 8 KiB the claim looks at) are not text: never complete.
    FileResult binary = scan(utf8("id,label\n" + "1,cat\n".repeat(2000) + "\u0000\u0001\n"), "labels.csv");
    assertThat(binary.format()).isEqualTo("csv");
    assertThat(binary.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(binary.statusReason()).contains("binary content at offset 12009");
  }

  @Test
  void yamlPythonTagsAreCritical() {
    assertClean(scan(utf8("model:\n  lr: 0.001\n  layers: [64, 64]\n"), "train.yaml"), "yaml");
    FileResult r = scan(utf8("cb: !!python/object/apply:os.system [\"echo pwned\"]\n"), "train.yaml");
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("python/object/apply:os.system");
    });
    FileResult longForm = scan(utf8("%TAG !p! tag:yaml.org,2002:python/\n---\nx: !p!name:os.system\n"), "c.yml");
    assertThat(longForm.findings()).hasSize(1);
  }

  @Test
  void aPickleNamedPngIsNotClaimedAsAnImage() {
    FileResult r = scan(utf8("\u0080\u0002cos\nsystem\n."), "logo.png");
    assertThat(r.format()).isNotEqualTo("png");
  }
}
