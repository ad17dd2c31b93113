package dev.gauntlet.harness.report;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.run.SuiteResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a report set — {@code report.json}, {@code report.html}, {@code junit.xml},
 * {@code summary.md} and the files checks export during the run (e.g. adversarial examples) — into
 * an output folder {@code DIR}, and replaces the folder's previous set as a whole.
 *
 * <p><b>Design.</b> {@code DIR} stays a real folder (no symlinks: it works on every file system and
 * with every CI artifact uploader). A run goes through three steps, all beside {@code DIR} in its
 * parent folder:
 * <ol>
 *   <li>{@link #begin}, before the audit runs: takes an exclusive lock on {@code .DIR.lock}
 *       ({@link FileChannel#tryLock}; the file holds the owner's pid and is kept), recovers from a
 *       run that was killed (below), checks that {@code DIR} is a folder Gauntlet may replace, and
 *       creates the staging folder {@code .DIR.tmp-<random>}. A folder that cannot be created or
 *       written, a concurrent run ("another Gauntlet run is writing to DIR (pid N)") and a folder
 *       holding files Gauntlet did not write (named in the message) are all exit code 2 — before
 *       any minute is spent on the audit. Checks export their files into {@link Staging#folder()}.
 *   <li>{@link Staging#commit}: renders the four reports into the staging folder, writes the
 *       manifest {@value #MANIFEST} (every file of the set), syncs every file and the folder to
 *       disk, then swaps it in with two renames: {@code DIR -> .DIR.old-<random>},
 *       {@code .DIR.tmp-<random> -> DIR}; then it deletes the old generation. If the second rename
 *       fails, the first is undone.
 *   <li>{@link Staging#close}: a staging folder that was not committed is deleted, and the lock
 *       released.
 * </ol>
 * A reader opening {@code DIR/report.json} therefore sees the complete old set, or (for the
 * microseconds between the two renames) no folder, or the complete new set: never a mix. A crash
 * (killed process, full disk, power loss) at any point leaves either the old set in {@code DIR}, or
 * no {@code DIR} and the old set in {@code .DIR.old-*}; the next run to the same folder, under the
 * lock, moves the old set back and deletes leftover staging and old folders. A run that did not
 * finish never publishes its set.
 *
 * <p><b>What may be replaced.</b> {@code DIR} may be absent, empty, a set written by this writer
 * (everything in it is listed in its manifest), or — migration — a folder written by an earlier
 * Gauntlet that replaced files one by one: the four reports, the exports its {@code report.json}
 * names, and their temporary files. Anything else is a user's file: the run stops with exit code 2
 * and names it, since the whole folder is replaced. A symbolic link {@code DIR} is followed: the
 * folder it points to is replaced, the link stays.
 */
public final class ReportWriter {
  /** The report files of every set, in the order they are written. */
  public static final List<String> REPORTS = List.of("report.json", "report.html", "junit.xml", "summary.md");
  /** The manifest in each set: the relative path of every file of the set, one per line. */
  public static final String MANIFEST = ".gauntlet-set";

  /** Output folders locked by this JVM: a second channel on a locked file would release its lock on close (POSIX). */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern LEGACY_EXPORT = Pattern.compile("written to ([A-Za-z0-9][A-Za-z0-9_.-]*\\.csv) beside this report");

  private ReportWriter() {}

  /** Renders and writes the four reports as a new set (no exports); returns the paths written, by file name. */
  public static Map<String, Path> write(SuiteResult r, Path dir) {
    try (Staging s = begin(dir)) {
      return s.commit(r);
    }
  }

  /**
   * Prepares a run's output folder before the audit: locks it, recovers from a killed run, checks
   * that it can be written and replaced, and creates the staging folder.
   *
   * @throws UsageException (exit code 2) naming the folder when it cannot be used
   */
  public static Staging begin(Path dir) {
    Path given = dir.toAbsolutePath().normalize();
    Path abs = given;
    try {
      if (Files.isSymbolicLink(abs)) {
        abs = abs.toRealPath();
      }
    } catch (IOException e) {
      throw new UsageException(dir + ": the output folder is a symbolic link to nothing (" + e.getMessage() + ")", e);
    }
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      throw new UsageException(dir + ": the output folder cannot be a file system root; Gauntlet replaces the folder as a whole");
    }
    if (Path.of("").toAbsolutePath().startsWith(abs)) {
      throw new UsageException(dir + ": the output folder is the working directory or holds it; choose a folder of its own, e.g. --out target/gauntlet");
    }
    if (existsAndIsNotFolder(abs)) {
      throw new UsageException(dir + ": the output folder exists and is not a folder");
    }
    try {
      Files.createDirectories(parent);
      parent = parent.toRealPath();
    } catch (IOException e) {
      throw new UsageException(dir + ": cannot create the output folder: " + e, e);
    }
    String name = abs.getFileName().toString();
    abs = parent.resolve(name);
    if (!HELD.add(abs)) {
      throw busy(dir, Long.toString(ProcessHandle.current().pid()));
    }
    FileChannel ch = null;
    FileLock lock = null;
    try {
      try {
        ch = FileChannel.open(parent.resolve("." + name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new UsageException(dir + ": cannot write the output folder (creating its lock file in " + parent + " failed: " + e + ")", e);
      }
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      } catch (IOException e) {
        throw new UsageException(dir + ": cannot lock the output folder: " + e, e);
      }
      if (lock == null) {
        throw busy(dir, readPid(ch));
      }
      writePid(ch);
      recover(parent, name, abs);
      Set<String> foreign = foreignFiles(abs);
      if (!foreign.isEmpty()) {
        throw new UsageException(dir + ": the output folder holds files Gauntlet did not write: " + list(foreign)
            + "; Gauntlet replaces the whole folder, so move them away or choose another --out");
      }
      if (Files.exists(abs) && !Files.isWritable(abs)) {
        throw new UsageException(dir + ": the output folder is not writable");
      }
      Path staging = parent.resolve("." + name + ".tmp-" + random());
      try {
        Files.createDirectory(staging);
      } catch (IOException e) {
        throw new UsageException(dir + ": cannot write the output folder (creating " + staging.getFileName() + " in " + parent + " failed: " + e + ")", e);
      }
      return new Staging(dir, abs, staging, ch, lock);
    } catch (RuntimeException | Error e) {
      release(ch, lock);
      HELD.remove(abs);
      throw e;
    }
  }

  /**
   * One stat, so that another run swapping the folder in (two renames) between two calls cannot
   * make a folder look like a file: the answer is the folder's or "absent", never a mix.
   */
  static boolean existsAndIsNotFolder(Path p) {
    try {
      return !Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).isDirectory();
    } catch (IOException e) {
      return false; // absent (or unreadable: the later steps say why)
    }
  }

  private static UsageException busy(Path dir, String pid) {
    return new UsageException("another Gauntlet run is writing to " + dir + " (pid " + pid + "); wait for it to finish or choose another --out");
  }

  private static String readPid(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
      return s.matches("\\d+") ? s : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void writePid(FileChannel ch) {
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.write(ByteBuffer.wrap(pid), 0);
      ch.truncate(pid.length);
    } catch (IOException e) {
      // the pid is only for the message another run gives
    }
  }

  private static void release(FileChannel ch, FileLock lock) {
    try {
      if (lock != null) {
        lock.release();
      }
      if (ch != null) {
        ch.close();
      }
    } catch (IOException ignored) {
      // closing the channel releases the lock in any case
    }
  }

  private static String random() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String list(Set<String> names) {
    List<String> l = new ArrayList<>(names);
    String shown = String.join(", ", l.subList(0, Math.min(10, l.size())));
    return l.size() > 10 ? shown + " and " + (l.size() - 10) + " more" : shown;
  }

  /** Staging and old-generation folders of {@code name} in {@code parent}. */
  private static List<Path> siblings(Path parent, String name, String kind) {
    Pattern p = Pattern.compile(Pattern.quote("." + name + "." + kind + "-") + "[0-9a-f]{16}");
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
      for (Path e : ds) {
        if (p.matcher(e.getFileName().toString()).matches() && Files.isDirectory(e)) {
          out.add(e);
        }
      }
    } catch (IOException e) {
      throw new UsageException(parent + ": cannot list the output folder's parent: " + e, e);
    }
    return out;
  }

  /**
   * After a killed run: when {@code DIR} is missing but an old generation exists, the run died
   * between its two renames; the old set goes back. Then leftover staging and old folders go.
   */
  static void recover(Path parent, String name, Path dir) {
    List<Path> olds = siblings(parent, name, "old");
    if (!Files.exists(dir) && !olds.isEmpty()) {
      olds.sort(Comparator.comparing(ReportWriter::modified).reversed());
      try {
        move(olds.remove(0), dir);
      } catch (IOException e) {
        throw new UsageException(dir + ": cannot restore the previous report set from a run that was interrupted: " + e, e);
      }
    }
    olds.addAll(siblings(parent, name, "tmp"));
    for (Path p : olds) {
      deleteTree(p);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** Files and folders in {@code dir} (relative, '/'-separated) that Gauntlet did not write. */
  static Set<String> foreignFiles(Path dir) {
    Set<String> present = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return present;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> !p.equals(dir)).forEach(p -> {
        if (!Files.isDirectory(p) || isEmptyDir(p)) {
          present.add(dir.relativize(p).toString().replace('\\', '/'));
        }
      });
    } catch (IOException | UncheckedIOException e) {
      throw new UsageException(dir + ": cannot read the output folder: " + e, e);
    }
    try {
      Path manifest = dir.resolve(MANIFEST);
      if (Files.isRegularFile(manifest)) {
        present.remove(MANIFEST);
        present.removeAll(Files.readAllLines(manifest, StandardCharsets.UTF_8));
        return present;
      }
      // a folder from a Gauntlet that replaced files one by one: its reports, the exports its report names, their temporary files
      Set<String> ours = new TreeSet<>(REPORTS);
      Path json = dir.resolve("report.json");
      if (Files.isRegularFile(json)) {
        Matcher m = LEGACY_EXPORT.matcher(Files.readString(json, StandardCharsets.UTF_8));
        while (m.find()) {
          ours.add(m.group(1));
        }
      }
      present.removeIf(f -> ours.contains(f) || ours.stream().anyMatch(o -> f.matches("\\.?" + Pattern.quote(o) + "[0-9]*\\.tmp")));
      return present;
    } catch (IOException e) {
      throw new UsageException(dir + ": cannot read the output folder: " + e, e);
    }
  }

  private static boolean isEmptyDir(Path p) {
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException | UncheckedIOException e) {
      // left for the next run's recovery, which deletes leftovers under the lock
    }
  }

  /** Syncs a file or folder to disk; folders cannot be opened on every platform, which is then skipped. */
  private static void fsync(Path p) {
    try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      // not supported for folders on this platform
    }
  }

  /** Temporary files are created owner-only; a report is meant to be opened and shared (rw-r--r--). */
  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the default permissions
    }
  }

  /** A test hook: called after each step of a commit (a file name, {@link #MANIFEST}, "retired", "published"). */
  interface Hook {
    void after(String step) throws IOException;
  }

  /** One run's report set while it is being written; see {@link ReportWriter}. Close it in any case. */
  public static final class Staging implements AutoCloseable {
    private final Path given;
    private final Path dir;
    private final Path folder;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean committed;
    private boolean closed;
    Hook hook = step -> { };

    private Staging(Path given, Path dir, Path folder, FileChannel lockChannel, FileLock lock) {
      this.given = given;
      this.dir = dir;
      this.folder = folder;
      this.lockChannel = lockChannel;
      this.lock = lock;
    }

    /** The staging folder: where checks export their files during the run (they are published with the reports). */
    public Path folder() {
      return folder;
    }

    /** The output folder the set is published to. */
    public Path target() {
      return dir;
    }

    /** Renders the four reports into the staging folder and publishes the whole set; returns the report paths by file name. */
    public Map<String, Path> commit(SuiteResult r) {
      Map<String, String> files = new LinkedHashMap<>();
      files.put("report.json", JsonReport.render(r));
      files.put("report.html", HtmlReport.render(r));
      files.put("junit.xml", JUnitXmlReport.render(r));
      files.put("summary.md", MarkdownSummary.render(r));
      return commit(files);
    }

    /** Writes the given files into the staging folder and publishes the whole set. */
    Map<String, Path> commit(Map<String, String> files) {
      if (closed || committed) {
        throw new IllegalStateException("this report set is already " + (committed ? "published" : "closed"));
      }
      Map<String, Path> out = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, String> f : files.entrySet()) {
          Path p = folder.resolve(f.getKey());
          write(p, f.getValue());
          out.put(f.getKey(), dir.resolve(f.getKey()));
          hook.after(f.getKey());
        }
        List<String> set = new ArrayList<>();
        try (Stream<Path> s = Files.walk(folder)) {
          for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
            readableByAll(p);
            fsync(p);
            set.add(folder.relativize(p).toString().replace('\\', '/'));
          }
        }
        write(folder.resolve(MANIFEST), String.join("\n", set) + "\n");
        hook.after(MANIFEST);
        fsync(folder);
      } catch (IOException | UncheckedIOException e) {
        throw new UsageException(given + ": cannot write the report set: " + e, e);
      }
      Set<String> foreign = foreignFiles(dir);
      if (!foreign.isEmpty()) {
        throw new UsageException(given + ": files appeared in the output folder during the run: " + list(foreign) + "; the previous report set was kept");
      }
      Path parent = dir.getParent();
      Path old = parent.resolve("." + dir.getFileName() + ".old-" + random());
      boolean hadOld = Files.exists(dir);
      try {
        if (hadOld) {
          move(dir, old);
          hook.after("retired");
        }
        move(folder, dir);
      } catch (IOException e) {
        if (hadOld && !Files.exists(dir)) {
          try {
            move(old, dir);
          } catch (IOException again) {
            e.addSuppressed(again);
          }
        }
        throw new UsageException(given + ": cannot publish the report set (the previous set was kept): " + e, e);
      }
      committed = true;
      fsync(parent);
      try {
        hook.after("published");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (hadOld) {
        deleteTree(old);
      }
      return out;
    }

    private static void write(Path p, String text) throws IOException {
      try (FileChannel c = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(text);
        while (b.hasRemaining()) {
          c.write(b);
        }
        c.force(true);
      }
    }

    /** Deletes the staging folder unless the set was published, and releases the lock. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (!committed) {
          deleteTree(folder);
        }
      } finally {
        release(lockChannel, lock);
        HELD.remove(dir);
      }
    }
  }

  /** Writes text to a temporary sibling and moves it over {@code target} (one file; a report set goes through {@link #begin}). */
  public static void writeAtomically(Path target, String text) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      readableByAll(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UsageException(target + ": cannot write report: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the move succeeded or the write failed; either way nothing more to do
        }
      }
    }
  }
}
