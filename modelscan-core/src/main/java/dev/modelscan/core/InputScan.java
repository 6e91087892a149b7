package dev.modelscan.core;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.SiblingFile;
import java.util.List;
import java.util.Objects;

/**
 * The scan of one input file with what it says about the files beside it: its result, the neighbouring files its
 * scanner declared as data of the model ({@link ScanContext#declareCompanion}), and whether its own content was
 * unrecognised. A front end that scans many files (the CLI's {@link ModelScan#scan(java.util.Collection)}, the Spark
 * job) matches the declarations of all files against the unrecognised ones by {@link SiblingFile#location()}, and
 * reports a match as {@link #asCompanion()}.
 *
 * @param result the file's result
 * @param location where the file itself is, in the terms of {@link SiblingFile#location()} ({@link
 *     dev.modelscan.api.spi.SiblingFiles#inputLocation()}); given only when {@link #unrecognised()}, else empty
 * @param companions the neighbours declared as the model's data, each a {@link SiblingFile.Kind#FILE}; empty when the
 *     file was not scanned from a folder
 * @param unrecognised whether the whole content was read and no scanner claimed it (a file skipped for its size, a
 *     link, a changed file or a failure is not): only such a file becomes model data when another file declares it
 * @since 0.1
 */
public record InputScan(
    FileResult result, String location, List<SiblingFile> companions, boolean unrecognised) {

  /**
   * Checks and copies the fields.
   *
   * @param result the file's result
   * @param location where the file itself is, or empty
   * @param companions the neighbours declared as the model's data
   * @param unrecognised whether the whole content was read and no scanner claimed it
   * @throws NullPointerException when a field is null
   */
  public InputScan {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(location, "location");
    companions = List.copyOf(companions);
  }

  /**
   * The result of this file as the data of a model that declared it: format {@value ScanContext#COMPANION_FORMAT},
   * status complete, no reason, everything else (findings, members, hash) the same. Only meaningful when {@link #unrecognised()}; otherwise
   * the result unchanged (a declaration never hides content that some scanner recognised or could not finish).
   *
   * @return the result to report when another input of the same scan declared this file
   */
  public FileResult asCompanion() {
    if (!unrecognised) {
      return result;
    }
    FileResult r = result;
    return new FileResult(r.path(), r.size(), ScanContext.COMPANION_FORMAT, ScanStatus.COMPLETE, "", r.findings(),
        r.members(), r.exactPath(), r.target(), r.origin(), r.sha256());
  }

  /** This scan with another result, no longer unrecognised when the result changed (the file changed under it). */
  InputScan withResult(FileResult changed) {
    return changed == result ? this : new InputScan(changed, "", companions, false);
  }
}
