package dev.modelscan.core;

import java.nio.file.Path;

/**
 * Where a path lies in a Hugging Face hub cache, so that results carry the names users know.
 *
 * <p>The layout, as {@code huggingface_hub} writes it ({@code file_download.py}: {@code repo_folder_name}, {@code
 * _get_pointer_path}, {@code _create_symlink}): one folder per repository named {@code <type>s--<repo id with / as
 * -->}, such as {@code models--org--name} or {@code datasets--org--name}; in it {@code blobs/<sha256 or git sha1>} hold
 * the content, {@code snapshots/<commit>/<path in the repo>} are symbolic links to the blobs, relative to the link's
 * own folder ({@code ../../blobs/<sha>}, one more {@code ../} per subfolder), and {@code refs/<branch>} hold the commit
 * a branch points to. A blob still downloading is {@code blobs/<sha>.incomplete}.
 */
final class HubCache {

  private HubCache() {}

  /**
   * A path's place in a cache.
   *
   * @param repoDir the {@code models--org--name} folder
   * @param repoId {@code org/name}, prefixed with {@code datasets/} or {@code spaces/} for those repository types
   * @param blob true for a file in {@code blobs/}, false for a file of a snapshot
   * @param origin {@code org/name@commit/path} for a snapshot file; empty for a blob
   */
  record Place(Path repoDir, String repoId, boolean blob, String origin) {}

  /**
   * The place of a path in a cache, or null when the path is not in one.
   *
   * @param path an absolute, normalised path whose links are not resolved (a snapshot's name, not its blob's)
   */
  static Place of(Path path) {
    int n = path.getNameCount();
    for (int i = n - 2; i >= 1; i--) {
      String name = path.getName(i).toString();
      boolean snapshots = name.equals("snapshots") && i + 2 < n;
      boolean blobs = name.equals("blobs") && i + 2 == n;
      if (!snapshots && !blobs) {
        continue;
      }
      String repoId = repoId(path.getName(i - 1).toString());
      if (repoId == null) {
        continue;
      }
      Path repoDir = path.getRoot() == null
          ? path.subpath(0, i)
          : path.getRoot().resolve(path.subpath(0, i));
      if (blobs) {
        return new Place(repoDir, repoId, true, "");
      }
      String commit = path.getName(i + 1).toString();
      String inRepo = path.subpath(i + 2, n).toString().replace('\\', '/');
      return new Place(repoDir, repoId, false, repoId + "@" + commit + "/" + inRepo);
    }
    return null;
  }

  /**
   * Whether a directory is a cache repository's {@code snapshots} folder, so that blobs no snapshot of a walked
   * repository links to can be called orphans.
   */
  static Path repoOfSnapshots(Path dir) {
    Path name = dir.getFileName();
    Path parent = dir.getParent();
    if (name == null || parent == null || !name.toString().equals("snapshots")) {
      return null;
    }
    Path repo = parent.getFileName();
    return repo != null && repoId(repo.toString()) != null ? parent : null;
  }

  /** {@code org/name} from {@code models--org--name}; null when the name is not a cache repository folder. */
  static String repoId(String folder) {
    String prefix;
    String type;
    if (folder.startsWith("models--")) {
      prefix = "models--";
      type = "";
    } else if (folder.startsWith("datasets--")) {
      prefix = "datasets--";
      type = "datasets/";
    } else if (folder.startsWith("spaces--")) {
      prefix = "spaces--";
      type = "spaces/";
    } else {
      return null;
    }
    String id = folder.substring(prefix.length());
    return id.isEmpty() ? null : type + id.replace("--", "/");
  }
}
