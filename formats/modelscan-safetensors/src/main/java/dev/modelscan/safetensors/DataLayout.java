package dev.modelscan.safetensors;

import static dev.modelscan.safetensors.HeaderReader.DEADLINE_EVERY;
import static dev.modelscan.safetensors.HeaderReader.show;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The checks of a SafeTensors file's data section against its parsed header: per tensor, rank, element count and
 * byte size against dtype, offsets and file size (allocation bombs among them); over all tensors, the reference's
 * offset rules (sorted, contiguous, from 0 to the end), with gaps, overlaps and trailing bytes reported and the
 * regions no tensor covers handed back for scanning.
 */
final class DataLayout {
  /**
   * A tensor whose shape asks for more bytes than the file holds, and at least this many, is an allocation bomb; a
   * smaller disagreement is an invalid layout and nothing more.
   */
  static final long BOMB_BYTES = 16L << 20;

  /** At most this many regions outside every tensor are handed back for scanning. */
  private static final int MAX_REGIONS = 16;

  private DataLayout() {}

  /** Per-tensor checks: rank, element count overflow, sub-byte alignment, shape vs offsets, size vs file. */
  static void checkSizes(
      List<Tensor> tensors, long dataSize, Outcome out, HeaderReader.Policy policy, Runnable deadline) {
    int i = 0;
    for (Tensor t : tensors) {
      if (++i % DEADLINE_EVERY == 0) {
        deadline.run();
      }
      String who = "tensor " + show(t.name()) + " (" + t.describe() + ")";
      if (t.rank() > policy.maxRank()) {
        out.problem(
            SafetensorsRules.EXCESSIVE_HEADER,
            t.offset(),
            who + " has " + t.rank() + " dimensions, more than " + policy.maxRank()
                + ": frameworks refuse such tensors, and every reader copies the whole shape");
      }
      long bits = t.bits();
      if (bits == Tensor.OVERFLOW) {
        out.refuse(
            SafetensorsRules.SHAPE_BOMB,
            t.offset(),
            "ValidationOverflow",
            who
                + ": the shape's element count times "
                + t.dtype().bits()
                + " bits overflows 64 bits; the reference reader refuses the file (ValidationOverflow), a loader that"
                + " multiplies the shape without overflow checks allocates a wrapped-around size or exhausts"
                + " memory");
        continue;
      }
      if ((bits & 7) != 0) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "MisalignedSlice",
            who
                + " has "
                + Long.toUnsignedString(bits)
                + " bits, not a whole number of bytes: the reference reader refuses the file (MisalignedSlice)");
        continue;
      }
      long bytes = bits >>> 3;
      if (Long.compareUnsigned(bytes, dataSize) > 0 && Long.compareUnsigned(bytes, BOMB_BYTES) >= 0) {
        out.refuse(
            SafetensorsRules.SHAPE_BOMB,
            t.offset(),
            "TensorInvalidInfo",
            who
                + " needs "
                + Long.toUnsignedString(bytes)
                + " bytes but the file's data holds only "
                + dataSize
                + ": the reference reader refuses the file, a loader that allocates the tensor from its shape"
                + " before checking the offsets asks for "
                + Long.toUnsignedString(bytes)
                + " bytes");
        continue;
      }
      if (Long.compareUnsigned(t.end(), t.begin()) >= 0 && bytes != t.end() - t.begin()) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "TensorInvalidInfo",
            who
                + ": shape and dtype give "
                + bytes
                + " bytes but the offsets span "
                + Long.toUnsignedString(t.end() - t.begin())
                + ": the reference reader refuses the file (TensorInvalidInfo), a lenient reader reads the wrong"
                + " bytes");
      }
    }
  }

  /**
   * The reference's offset rules: sorted by (begin, end), the first at 0, each where the previous ended, none ending
   * before it begins, the last at the end of the file. Reported separately: gaps (bytes of no tensor), overlaps
   * (bytes of two tensors), trailing bytes and data missing at the end.
   */
  static void checkLayout(
      List<Tensor> tensors, long dataStart, long dataSize, Outcome out, Runnable deadline) {
    List<Tensor> sorted = new ArrayList<>(tensors);
    sorted.sort(
        Comparator.comparing(Tensor::begin, Long::compareUnsigned)
            .thenComparing(Tensor::end, Long::compareUnsigned));
    long covered = 0;
    Tensor coveredBy = null;
    int i = 0;
    for (Tensor t : sorted) {
      if (++i % DEADLINE_EVERY == 0) {
        deadline.run();
      }
      String who = "tensor " + show(t.name()) + " (" + t.describe() + ")";
      if (Long.compareUnsigned(t.end(), t.begin()) < 0) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "InvalidOffset",
            who + " ends before it begins: the reference reader refuses the file (InvalidOffset)");
        continue;
      }
      int c = Long.compareUnsigned(t.begin(), covered);
      if (c > 0) {
        out.refuse(
            SafetensorsRules.INVALID_LAYOUT,
            t.offset(),
            "InvalidOffset",
            "bytes ["
                + covered
                + ", "
                + Long.toUnsignedString(t.begin())
                + ") of the data belong to no tensor ("
                + (coveredBy == null ? "the first tensor, " : "")
                + who
                + ", does not start where the previous one ends): the reference reader refuses the file"
                + " (InvalidOffset); the bytes in the file are scanned as nested content");
        if (Long.compareUnsigned(covered, dataSize) < 0) {
          long gapEnd = Long.compareUnsigned(t.begin(), dataSize) < 0 ? t.begin() : dataSize;
          addRegion(out, "gap@" + (dataStart + covered), dataStart + covered, gapEnd - covered);
        }
      } else if (c < 0) {
        out.refuse(
            SafetensorsRules.OVERLAPPING_TENSORS,
            t.offset(),
            "InvalidOffset",
            who
                + " overlaps tensor "
                + show(coveredBy.name())
                + " ("
                + coveredBy.describe()
                + "): the reference reader refuses the file (InvalidOffset), a lenient reader gives both tensors the"
                + " same bytes");
      }
      if (Long.compareUnsigned(t.end(), covered) > 0) {
        covered = t.end();
        coveredBy = t;
      }
    }
    if (Long.compareUnsigned(covered, dataSize) < 0) {
      out.refuse(
          SafetensorsRules.HIDDEN_DATA,
          dataStart + covered,
          "MetadataIncompleteBuffer",
          (dataSize - covered)
              + " bytes follow the last tensor, from file offset "
              + (dataStart + covered)
              + ": the reference reader refuses the file (MetadataIncompleteBuffer), other readers ignore them;"
              + " they are scanned as nested content");
      addRegion(out, "trailing-data", dataStart + covered, dataSize - covered);
    } else if (Long.compareUnsigned(covered, dataSize) > 0) {
      out.refuse(
          SafetensorsRules.INVALID_LAYOUT,
          coveredBy.offset(),
          "MetadataIncompleteBuffer",
          "the tensors end at byte "
              + Long.toUnsignedString(covered)
              + " of the data but the file holds only "
              + dataSize
              + " (tensor "
              + show(coveredBy.name())
              + "): the file is truncated or its offsets are forged; the reference reader refuses it"
              + " (MetadataIncompleteBuffer), a reader that maps the file faults on the missing bytes");
    }
  }

  private static void addRegion(Outcome out, String name, long offset, long length) {
    if (length > 0 && out.regions().size() < MAX_REGIONS) {
      out.region(name, offset, length);
    }
  }
}
