package dev.modelscan.archive;

import dev.modelscan.api.spi.MemberKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What model a zip archive holds, decided from its member names as the loaders decide it: a PyTorch checkpoint
 * ({@code <root>/data.pkl}), a TorchScript archive ({@code <root>/constants.pkl}, or data.pkl with {@code code/}), a
 * NumPy {@code .npz} (only {@code .npy} files), a Keras 3 archive ({@code config.json} and {@code metadata.json}), or a
 * plain zip; and, for the PyTorch layouts, which members the loader reads as opaque data rather than content.
 * Immutable.
 *
 * @param format "zip", "pytorch-zip", "torchscript", "npz" or "keras"
 * @param root the top folder of the first member ("" when it has none): PyTorch's archive name
 */
record ZipModelLayout(String format, String root) {

  /** A plain zip: no model layout, every member content. */
  static final ZipModelLayout PLAIN = new ZipModelLayout("zip", "");

  private static final Pattern TORCH_STORAGE = Pattern.compile("[0-9]+");
  private static final Pattern DIGITS_LINE = Pattern.compile("[0-9]{1,40}\n?");

  /**
   * The layout of an archive with these members, in directory order.
   *
   * @param records the members
   * @return the layout; {@link #PLAIN} for an empty archive
   */
  static ZipModelLayout of(List<ZipRecord> records) {
    if (records.isEmpty()) {
      return PLAIN;
    }
    String format = "zip";
    String first = records.get(0).name;
    int slash = first.indexOf('/');
    String root = slash > 0 ? first.substring(0, slash) : "";
    boolean dataPkl = false;
    boolean constants = false;
    boolean code = false;
    boolean allNpy = true;
    int files = 0;
    boolean config = false;
    boolean metadata = false;
    for (ZipRecord r : records) {
      String lower = r.name.toLowerCase(Locale.ROOT);
      String rootLower = root.toLowerCase(Locale.ROOT);
      if (!root.isEmpty()) {
        // PyTorch's miniz lookup ignores case: archive/DATA.PKL is loaded as data.pkl.
        dataPkl |= lower.equals(rootLower + "/data.pkl");
        constants |= lower.equals(rootLower + "/constants.pkl");
        code |= r.name.startsWith(root + "/code/");
      }
      if (!r.isDirectory()) {
        allNpy &= lower.endsWith(".npy");
        files++;
      }
      config |= r.name.equals("config.json");
      metadata |= r.name.equals("metadata.json");
    }
    if (constants || (dataPkl && code)) {
      format = "torchscript";
    } else if (dataPkl) {
      format = "pytorch-zip";
    } else if (allNpy && files > 0) {
      format = "npz";
    } else if (config && metadata) {
      format = "keras";
    }
    return new ZipModelLayout(format, root);
  }

  private boolean torch() {
    return format.equals("pytorch-zip") || format.equals("torchscript");
  }

  /** Whether a member is Python source of a TorchScript archive's code folder. */
  boolean isTorchScriptCode(String name) {
    return format.equals("torchscript") && name.startsWith(root + "/code/") && name.endsWith(".py");
  }

  /**
   * What the loader does with a member: tensor storages and validated metadata records are opaque data.
   *
   * @param r the member
   * @param head its first bytes, or null when not read
   * @return {@link MemberKind#OPAQUE_DATA} or {@link MemberKind#CONTENT}
   */
  MemberKind kindOf(ZipRecord r, byte[] head) {
    if (!torch() || !r.name.startsWith(root + "/")) {
      return MemberKind.CONTENT;
    }
    String rel = r.name.substring(root.length() + 1);
    if (rel.startsWith("data/") && TORCH_STORAGE.matcher(rel.substring(5)).matches()) {
      return MemberKind.OPAQUE_DATA;
    }
    if (head != null && r.size <= 64 && head.length == r.size) {
      String text = new String(head, StandardCharsets.ISO_8859_1);
      boolean known =
          switch (rel) {
            case "version", ".data/version", ".data/serialization_id" -> DIGITS_LINE.matcher(text).matches();
            case "byteorder" -> text.equals("little") || text.equals("big");
            default -> false;
          };
      if (known) {
        return MemberKind.OPAQUE_DATA;
      }
    }
    return MemberKind.CONTENT;
  }
}
