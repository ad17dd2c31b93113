package dev.gauntlet.models;

import static org.bytedeco.hdf5.global.hdf5.*;

import dev.gauntlet.harness.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.bytedeco.hdf5.H5G_info_t;
import org.bytedeco.hdf5.H5L_info2_t;
import org.bytedeco.hdf5.H5O_info2_t;
import org.bytedeco.javacpp.BytePointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;

/**
 * Makes a Keras HDF5 file inert before DL4J opens it: the HDF5 C API walks every group (by link
 * index, without following anything but hard links) and refuses a file that could make HDF5 read
 * another file on disk, or that is too big to walk.
 *
 * <p>Refused: a path that is not a regular file once symbolic links are resolved; a file larger than
 * {@link #MAX_BYTES}; more than {@link #MAX_OBJECTS} links; an external link or a user-defined link;
 * a dataset with external storage ({@code H5Pset_external}) or a virtual layout ({@code
 * H5D_VIRTUAL}); a file HDF5 opens with a driver other than sec2 (or core). Soft links are allowed:
 * they name a path inside the same file, and everything they can reach is reached by the walk.
 *
 * <p>Every HDF5 call is made under DL4J's {@link Hdf5Archive#LOCK_OBJECT}: the HDF5 library is not
 * thread-safe, and DL4J's import takes the same lock.
 */
final class Hdf5Inspection {
  /** The largest Keras file Gauntlet reads: 2 GiB. */
  static final long MAX_BYTES = 1L << 31;
  /** The most links (groups, datasets, named types, soft links) a Keras file may hold. */
  static final int MAX_OBJECTS = 100_000;

  private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private Hdf5Inspection() {}

  /** Checks {@code file} with the default bounds; returns the resolved regular file DL4J should open. */
  static Path check(Path file) {
    return check(file, MAX_BYTES, MAX_OBJECTS);
  }

  static Path check(Path file, long maxBytes, int maxObjects) {
    Path real;
    long size;
    try {
      real = file.toRealPath();
      if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new UsageException(file + ": not a regular file; a Keras model is an HDF5 file saved with model.save(\"model.h5\")");
      }
      size = Files.size(real);
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read the Keras model file: " + e.getMessage(), e);
    }
    if (size > maxBytes) {
      throw new UsageException(file + ": the Keras HDF5 file is " + size + " bytes, larger than the " + maxBytes
          + " bytes Gauntlet reads");
    }
    try (InputStream in = Files.newInputStream(real)) {
      if (!Arrays.equals(in.readNBytes(HDF5_MAGIC.length), HDF5_MAGIC)) {
        throw new UsageException(file + ": not an HDF5 file (it lacks the HDF5 signature); Gauntlet reads Keras models saved with model.save(\"model.h5\")");
      }
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read the Keras model file: " + e.getMessage(), e);
    }
    synchronized (Hdf5Archive.LOCK_OBJECT) {
      new Walk(file, real, maxObjects).run();
    }
    return real;
  }

  /** One walk over one open file. */
  private static final class Walk {
    private final Path file;
    private final Path real;
    private final int maxObjects;
    private final Set<String> seen = new HashSet<>();
    private int objects;

    Walk(Path file, Path real, int maxObjects) {
      this.file = file;
      this.real = real;
      this.maxObjects = maxObjects;
    }

    private UsageException refuse(String path, String problem) {
      return new UsageException(file + ": " + escape(path) + " is " + problem
          + "; Gauntlet reads only self-contained Keras HDF5 files (no object may name another file)");
    }

    void run() {
      if (H5open() < 0) {
        throw new UsageException(file + ": the HDF5 library could not be initialized");
      }
      // Errors become UsageExceptions; HDF5's own error stack on stderr would only be noise.
      H5Eset_auto2(H5E_DEFAULT, null, null);
      long fapl = H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g());
      long fid = -1;
      try {
        if (fapl < 0 || H5Pset_fapl_sec2(fapl) < 0) {
          throw new UsageException(file + ": the HDF5 library could not be set up to read the file");
        }
        fid = H5Fopen(real.toString(), H5F_ACC_RDONLY, fapl);
        if (fid < 0) {
          throw new UsageException(file + ": cannot read the Keras HDF5 file (HDF5 cannot open it with its default"
              + " single-file driver); the file may be corrupt or truncated, or written by another HDF5 file driver");
        }
        checkDriver(fid);
        walk(fid);
      } finally {
        if (fid >= 0) {
          H5Fclose(fid);
        }
        if (fapl >= 0) {
          H5Pclose(fapl);
        }
      }
    }

    private void checkDriver(long fid) {
      long access = H5Fget_access_plist(fid);
      try {
        long driver = H5Pget_driver(access);
        if (driver != H5FD_sec2_init() && driver != H5FD_core_init()) {
          throw new UsageException(file + ": HDF5 opens this file with a file driver other than sec2 or core;"
              + " Gauntlet reads only single-file Keras HDF5 files");
        }
      } finally {
        H5Pclose(access);
      }
    }

    private void walk(long fid) {
      H5O_info2_t oinfo = new H5O_info2_t();
      H5L_info2_t linfo = new H5L_info2_t();
      H5G_info_t ginfo = new H5G_info_t();
      try {
        if (H5Oget_info_by_name3(fid, "/", oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
          throw new UsageException(file + ": cannot read the root group of the Keras HDF5 file; the file may be corrupt");
        }
        seen.add(token(oinfo));
        Deque<String> groups = new ArrayDeque<>();
        groups.push("/");
        while (!groups.isEmpty()) {
          String group = groups.pop();
          long gid = H5Gopen2(fid, group, H5P_DEFAULT);
          if (gid < 0) {
            throw refuseCorrupt(group, "cannot be opened");
          }
          try {
            if (H5Gget_info(gid, ginfo) < 0) {
              throw refuseCorrupt(group, "cannot be listed");
            }
            long n = ginfo.nlinks();
            for (long i = 0; i < n; i++) {
              if (++objects > maxObjects) {
                throw new UsageException(file + ": the Keras HDF5 file has more than " + maxObjects
                    + " objects; Gauntlet does not walk files that large");
              }
              String name = linkName(gid, i, group);
              String path = group.equals("/") ? "/" + name : group + "/" + name;
              if (H5Lget_info_by_idx2(gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, linfo, H5P_DEFAULT) < 0) {
                throw refuseCorrupt(path, "a link that cannot be read");
              }
              int type = linfo.type();
              if (type == H5L_TYPE_SOFT) {
                continue;
              }
              if (type == H5L_TYPE_EXTERNAL) {
                throw refuse(path, "an external link" + externalTarget(gid, name, linfo.u_val_size()));
              }
              if (type != H5L_TYPE_HARD) {
                throw refuse(path, "a user-defined link (type " + type + "), which HDF5 resolves with code Gauntlet does not run");
              }
              if (H5Oget_info_by_name3(gid, name, oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
                throw refuseCorrupt(path, "an object that cannot be read");
              }
              if (!seen.add(token(oinfo))) {
                continue; // a second hard link to an object already walked (possibly a cycle)
              }
              if (oinfo.type() == H5O_TYPE_GROUP) {
                groups.push(path);
              } else if (oinfo.type() == H5O_TYPE_DATASET) {
                checkDataset(gid, name, path);
              }
            }
          } finally {
            H5Gclose(gid);
          }
        }
      } finally {
        oinfo.close();
        linfo.close();
        ginfo.close();
      }
    }

    private UsageException refuseCorrupt(String path, String what) {
      return new UsageException(file + ": " + escape(path) + " in the Keras HDF5 file " + what + "; the file may be corrupt or truncated");
    }

    private String linkName(long gid, long i, String group) {
      long len = H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, (byte[]) null, 0, H5P_DEFAULT);
      if (len < 0 || len > 65_535) {
        throw refuseCorrupt(group, "has a link whose name cannot be read");
      }
      byte[] buf = new byte[(int) len + 1];
      H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, buf, buf.length, H5P_DEFAULT);
      return new String(buf, 0, (int) len, StandardCharsets.UTF_8);
    }

    /** " to FILE:OBJECT" for an external link, or "" if its value cannot be read. */
    private String externalTarget(long gid, String name, long size) {
      if (size <= 0 || size > 65_535) {
        return "";
      }
      try (BytePointer val = new BytePointer(size)) {
        if (H5Lget_val(gid, name, val, size, H5P_DEFAULT) < 0) {
          return "";
        }
        // The value is a flags byte, then the file name and the object name, each NUL-terminated.
        byte[] raw = new byte[(int) size];
        val.get(raw);
        int nul = 1;
        while (nul < raw.length && raw[nul] != 0) {
          nul++;
        }
        String target = cString(Arrays.copyOfRange(raw, 1, nul));
        String object = cString(Arrays.copyOfRange(raw, Math.min(nul + 1, raw.length), raw.length));
        return " to " + escape(target) + ":" + escape(object);
      }
    }

    private void checkDataset(long gid, String name, String path) {
      long dcpl = -1;
      long did = H5Dopen2(gid, name, H5P_DEFAULT);
      if (did < 0) {
        throw refuseCorrupt(path, "a dataset that cannot be opened");
      }
      try {
        dcpl = H5Dget_create_plist(did);
        if (dcpl < 0) {
          throw refuseCorrupt(path, "a dataset whose layout cannot be read");
        }
        int external = H5Pget_external_count(dcpl);
        if (external != 0) {
          throw refuse(path, "a dataset with external storage" + externalFile(dcpl, external));
        }
        if (H5Pget_layout(dcpl) == H5D_VIRTUAL) {
          throw refuse(path, "a virtual dataset" + virtualFile(dcpl));
        }
      } finally {
        if (dcpl >= 0) {
          H5Pclose(dcpl);
        }
        H5Dclose(did);
      }
    }

    private static String externalFile(long dcpl, int count) {
      if (count < 0) {
        return "";
      }
      byte[] name = new byte[4096];
      if (H5Pget_external(dcpl, 0, name.length, name, (org.bytedeco.javacpp.SizeTPointer) null, (long[]) null) < 0) {
        return "";
      }
      return " in " + escape(cString(name)) + (count > 1 ? " (and " + (count - 1) + " more files)" : "");
    }

    private static String virtualFile(long dcpl) {
      byte[] name = new byte[4096];
      if (H5Pget_virtual_filename(dcpl, 0, name, name.length) < 0) {
        return "";
      }
      return " mapped from " + escape(cString(name));
    }

    private static String cString(byte[] b) {
      int n = 0;
      while (n < b.length && b[n] != 0) {
        n++;
      }
      return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** Names from the file are shown with control characters escaped. */
    private static String escape(String s) {
      StringBuilder sb = new StringBuilder();
      for (char c : s.toCharArray()) {
        sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
      return sb.toString();
    }

    private static String token(H5O_info2_t info) {
      StringBuilder sb = new StringBuilder(32);
      for (int i = 0; i < 16; i++) {
        sb.append(String.format("%02x", info.token().__data(i)));
      }
      return sb.toString();
    }
  }
}
