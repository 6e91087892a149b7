package dev.modelscan.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The contract catches what it promises to catch: each broken variant of {@link LineScanner} fails the test that is
 * about its defect, so passing the contract means something.
 */
class ScannerContractDetectsViolationsTest {

  /** Runs the contract against a scanner with the well-behaved scanner's samples. */
  private static ScannerContractTest contractFor(ModelScanner scanner) {
    return new ScannerContractTest() {
      @Override
      protected ModelScanner scanner() {
        return scanner;
      }

      @Override
      protected List<Sample> samples() {
        return LineScannerContractTest.SAMPLES;
      }
    };
  }

  private static void assertViolation(ThrowingCallable test, String expected) {
    assertThatThrownBy(test).isInstanceOf(AssertionError.class).hasMessageContaining(expected);
  }

  /** Crashes with an index error on any input that does not end with a newline (a truncated file). */
  public static final class CrashesOnTruncation extends LineScanner {
    /** Creates it. */
    public CrashesOnTruncation() {}

    @Override
    public void scan(ScanContext context) throws IOException {
      byte[] all = context.source().readBytes(0, (int) context.source().size());
      if (all[all.length - 1] != '\n') {
        System.out.println(all[all.length]); // the bug: reads past the end
      }
      super.scan(context);
    }
  }

  @Test
  void anUndocumentedExceptionFromScanIsCaught() {
    ScannerContractTest contract = contractFor(new CrashesOnTruncation());
    assertViolation(contract::scanSurvivesMutatedSamples, "ArrayIndexOutOfBoundsException");
    assertViolation(contract::scanSurvivesMutatedSamples, "seed ");
  }

  /** Reads a fixed header length without checking the head is that long. */
  public static final class RecognizerReadsPastTheHead extends LineScanner {
    /** Creates it. */
    public RecognizerReadsPastTheHead() {}

    @Override
    public Recognition recognize(ContentHead head) {
      return head.headByte(4) == '\n' ? super.recognize(head) : Recognition.none();
    }
  }

  @Test
  void aThrowingRecognizerIsCaught() {
    assertViolation(contractFor(new RecognizerReadsPastTheHead())::recognizeNeverThrowsOnRandomBytes, "threw");
    assertViolation(contractFor(new RecognizerReadsPastTheHead())::recognizeNeverThrowsOnMutatedSamples, "threw");
  }

  /** Claims any content named {@code *.line}, even empty content. */
  public static final class TrustsTheName extends LineScanner {
    /** Creates it. */
    public TrustsTheName() {}

    @Override
    public Recognition recognize(ContentHead head) {
      return head.name().endsWith(".line") ? Recognition.of("test-line", Recognition.PROBABLE) : Recognition.none();
    }
  }

  @Test
  void aClaimOnTheNameAloneIsCaught() {
    assertViolation(contractFor(new TrustsTheName())::recognizeNeverThrowsOnRandomBytes, "a name alone");
  }

  /** Keeps state across scans: a counter in its messages. */
  public static final class KeepsState extends LineScanner {
    private int runs;

    /** Creates it. */
    public KeepsState() {}

    @Override
    void onRun(ScanContext context, int offset, String line) {
      context.report(context.finding(RUN).offset(offset).message("run #" + (++runs) + ": " + line).build());
    }
  }

  @Test
  void aStatefulScannerIsCaught() {
    assertViolation(contractFor(new KeepsState())::isThreadSafe, "but sequential");
  }

  /** Swallows the limit it hits and returns as if it had seen everything. */
  public static final class SwallowsLimits extends LineScanner {
    /** Creates it. */
    public SwallowsLimits() {}

    @Override
    public void scan(ScanContext context) throws IOException {
      try {
        super.scan(context);
      } catch (ScanLimitExceededException e) {
        // the bug: the rest of the file is never looked at, and nobody is told
      }
    }
  }

  @Test
  void aSwallowedLimitIsCaught() {
    assertViolation(contractFor(new SwallowsLimits())::tightLimitsNeverMakeAHostileSampleClean, "clean under tight");
  }

  /** Treats a read error as the end of the content. */
  public static final class SwallowsReadErrors extends LineScanner {
    /** Creates it. */
    public SwallowsReadErrors() {}

    @Override
    public void scan(ScanContext context) throws IOException {
      try {
        super.scan(context);
      } catch (IOException e) {
        // the bug: a file that could not be read passes as clean
      }
    }
  }

  @Test
  void aSwallowedReadErrorIsCaught() {
    assertViolation(contractFor(new SwallowsReadErrors())::readErrorsAreNeverSwallowed, "read error was swallowed");
    assertThatCode(contractFor(new LineScanner())::readErrorsAreNeverSwallowed).doesNotThrowAnyException();
  }

  /** Hands the content after the magic back as a member: a read error surfaces inside the context. */
  public static final class HandsBackMembers extends LineScanner {
    /** Creates it. */
    public HandsBackMembers() {}

    @Override
    public void scan(ScanContext context) throws IOException {
      long size = context.source().size();
      context.scanMember("rest", context.source().slice(MAGIC.length, size - MAGIC.length), MemberKind.CONTENT);
      super.scan(context);
    }
  }

  @Test
  void aReadErrorInAMemberIsNotBlamedOnTheScanner() {
    assertThatCode(contractFor(new HandsBackMembers())::readErrorsAreNeverSwallowed).doesNotThrowAnyException();
  }

  static final Rule UNLISTED =
      Rule.of("TEST-UNLISTED", "Unlisted", "Not in rules().", Severity.HIGH, ThreatType.CODE_INJECTION);

  /** Reports a rule that {@code rules()} does not list, so SARIF reports would miss it. */
  public static final class UnlistedRule extends LineScanner {
    /** Creates it. */
    public UnlistedRule() {}

    @Override
    void onRun(ScanContext context, int offset, String line) {
      context.report(context.finding(UNLISTED).offset(offset).message(line).build());
    }
  }

  @Test
  void anUnlistedRuleIsCaught() {
    assertViolation(contractFor(new UnlistedRule())::samplesAreRecognisedAndJudged, "neither in rules()");
  }

  /** Misses the hostile line entirely. */
  public static final class Blind extends LineScanner {
    /** Creates it. */
    public Blind() {}

    @Override
    void onRun(ScanContext context, int offset, String line) {}
  }

  @Test
  void aHostileSampleThatPassesIsCaught() {
    assertViolation(contractFor(new Blind())::samplesAreRecognisedAndJudged, "came out clean");
  }

  /** Not public: ServiceLoader cannot instantiate it. */
  static final class NotPublic extends LineScanner {}

  @Test
  void aScannerWithoutAPublicConstructorIsCaught() {
    assertViolation(contractFor(new NotPublic())::hasPublicNoArgumentConstructor, "must be public");
  }

  @Test
  void anUnregisteredScannerIsCaught() {
    assertViolation(contractFor(new Blind())::isDiscoverableWithServiceLoader, "ServiceLoader does not find");
  }

  @Test
  void theWellBehavedScannerPassesWhenCalledDirectly() {
    ScannerContractTest contract = contractFor(new LineScanner());
    assertThatCode(contract::scanSurvivesMutatedSamples).doesNotThrowAnyException();
    assertThatCode(contract::tightLimitsNeverMakeAHostileSampleClean).doesNotThrowAnyException();
    assertThatCode(contract::isDiscoverableWithServiceLoader).doesNotThrowAnyException();
  }
}
