package dev.gauntlet.models;

import static org.bytedeco.hdf5.global.hdf5.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.ExitCode;
import dev.gauntlet.harness.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Keras HDF5 file can only be read or refused: each hostile file below is the real fixture
 * (lending-mlp.h5, which DL4J imports) plus one object that names another file on disk, built here
 * with the HDF5 C API. Each must be exit 2 naming the file, the object's path and the problem,
 * before DL4J opens it.
 */
class InertKerasTest {
  private static final Duration QUICK = Duration.ofSeconds(30);

  /** A copy of the fixture, opened read-write and changed by {@code edit(fileId)}. */
  private static Path hostile(Path dir, String name, java.util.function.LongConsumer edit) throws Exception {
    Path p = dir.resolve(name);
    Files.copy(Fixture.file("lending-mlp.h5"), p);
    synchronized (Hdf5Archive.LOCK_OBJECT) {
      H5open();
      long f = H5Fopen(p.toString(), H5F_ACC_RDWR, H5P_DEFAULT);
      assertTrue(f >= 0, "open " + p);
      try {
        edit.accept(f);
      } finally {
        assertTrue(H5Fclose(f) >= 0);
      }
    }
    return p;
  }

  private static UsageException refused(Path file, String... parts) {
    UsageException e = assertTimeoutPreemptively(QUICK,
        () -> assertThrows(UsageException.class, () -> KerasModel.load(file, "k", OptionalInt.empty())));
    assertEquals(ExitCode.BAD_INPUT, e.exitCode());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "missing '" + part + "' in: " + e.getMessage());
    }
    return e;
  }

  @Test
  void externalLinkToAnotherFileIsRefused(@TempDir Path tmp) throws Exception {
    Path p = hostile(tmp, "elink.h5", f -> {
      long g = H5Gopen2(f, "/model_weights", H5P_DEFAULT);
      assertTrue(H5Lcreate_external("/etc/passwd", "/root", g, "passwd", H5P_DEFAULT, H5P_DEFAULT) >= 0);
      H5Gclose(g);
    });
    refused(p, "/model_weights/passwd", "external link", "/etc/passwd");
  }

  @Test
  void datasetWithExternalStorageIsRefused(@TempDir Path tmp) throws Exception {
    Path p = hostile(tmp, "external-storage.h5", f -> {
      long dcpl = H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g());
      assertTrue(H5Pset_external(dcpl, "../x", 0, 16) >= 0);
      long space = H5Screate_simple(1, new long[] {4}, null);
      long g = H5Gopen2(f, "/model_weights/dense", H5P_DEFAULT);
      long d = H5Dcreate2(g, "stolen", H5T_NATIVE_INT_g(), space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      assertTrue(d >= 0, "create dataset");
      H5Dclose(d);
      H5Gclose(g);
      H5Sclose(space);
      H5Pclose(dcpl);
    });
    refused(p, "/model_weights/dense/stolen", "external storage", "../x");
  }

  @Test
  void virtualDatasetIsRefused(@TempDir Path tmp) throws Exception {
    Path p = hostile(tmp, "virtual.h5", f -> {
      long dcpl = H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g());
      long space = H5Screate_simple(1, new long[] {4}, null);
      long src = H5Screate_simple(1, new long[] {4}, null);
      assertTrue(H5Pset_virtual(dcpl, space, "/etc/secret.h5", "/data", src) >= 0);
      long d = H5Dcreate2(f, "virtual", H5T_NATIVE_INT_g(), space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      assertTrue(d >= 0, "create virtual dataset");
      H5Dclose(d);
      H5Sclose(src);
      H5Sclose(space);
      H5Pclose(dcpl);
    });
    refused(p, "/virtual", "virtual dataset", "/etc/secret.h5");
  }

  @Test
  void hardLinkCycleIsWalkedOnceAndSoftLinksInsideTheFileAreAllowed(@TempDir Path tmp) throws Exception {
    // A group hard-linked into its own child, and a soft link: both stay inside the file.
    Path p = hostile(tmp, "cycle.h5", f -> {
      assertTrue(H5Lcreate_hard(f, "/model_weights", f, "/model_weights/dense/loop", H5P_DEFAULT, H5P_DEFAULT) >= 0);
      assertTrue(H5Lcreate_soft("/model_weights/dense", f, "/alias", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    });
    KerasModel m = assertTimeoutPreemptively(QUICK, () -> KerasModel.load(p, "k", OptionalInt.of(Fixture.width())));
    assertEquals(2, m.classCount());
  }

  @Test
  void sizeAndObjectCountAreBounded() {
    Path good = Fixture.file("lending-mlp.h5");
    UsageException big = assertThrows(UsageException.class, () -> Hdf5Inspection.check(good, 1000, 100_000));
    assertTrue(big.getMessage().contains("larger than") && big.getMessage().contains("1000 bytes"), big.getMessage());
    UsageException many = assertThrows(UsageException.class, () -> Hdf5Inspection.check(good, 1L << 31, 3));
    assertTrue(many.getMessage().contains("more than 3 objects"), many.getMessage());
    Hdf5Inspection.check(good, 1L << 31, 100_000);
  }

  @Test
  void onlyRegularFilesAreRead(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("dir.h5"));
    refused(dir, "not a regular file");
    refused(Path.of("/dev/zero"), "not a regular file");
    // A symbolic link is resolved: one to the fixture is the fixture.
    Path link = Files.createSymbolicLink(tmp.resolve("link.h5"), Fixture.file("lending-mlp.h5").toAbsolutePath());
    assertEquals(2, KerasModel.load(link, "k", OptionalInt.empty()).classCount());
  }

  @Test
  void familyDriverFileIsRefused(@TempDir Path tmp) throws Exception {
    // A file written by the family driver records it in its superblock; Gauntlet opens with sec2 only.
    String pattern = tmp.resolve("fam%d.h5").toString();
    synchronized (Hdf5Archive.LOCK_OBJECT) {
      H5open();
      long fapl = H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g());
      assertTrue(H5Pset_fapl_family(fapl, 1024, H5P_DEFAULT) >= 0);
      long f = H5Fcreate(pattern, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
      assertTrue(f >= 0);
      H5Gclose(H5Gcreate2(f, "g", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      H5Fclose(f);
      H5Pclose(fapl);
    }
    refused(tmp.resolve("fam0.h5"), "another HDF5 file driver");
  }
}
