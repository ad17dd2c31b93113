package dev.gauntlet.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A report set is replaced as a whole: crashes between writes, killed runs, concurrent runs, foreign files, migration. */
@Timeout(120)
class ReportWriterTest {
  @TempDir
  Path work;

  static Map<String, String> set(String tag) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String f : ReportWriter.REPORTS) {
      files.put(f, tag + " " + f);
    }
    return files;
  }

  /** Writes a set tagged {@code tag}, with an export written during the "run" when {@code export} is true. */
  static void publish(Path dir, String tag, boolean export) throws IOException {
    try (ReportWriter.Staging s = ReportWriter.begin(dir)) {
      if (export) {
        Files.writeString(s.folder().resolve("adversarial-examples.csv"), tag + " csv");
      }
      s.commit(set(tag));
    }
  }

  /** The tag every report file of the folder carries; fails on a mixed or incomplete set. */
  static String tagOf(Path dir) throws IOException {
    Set<String> tags = new TreeSet<>();
    for (String f : ReportWriter.REPORTS) {
      String text = Files.readString(dir.resolve(f));
      assertTrue(text.endsWith(" " + f), text);
      tags.add(text.substring(0, text.length() - f.length() - 1));
    }
    assertEquals(1, tags.size(), "one run's set, not a mix: " + tags);
    return tags.iterator().next();
  }

  /** Everything beside the output folder apart from its lock file (staging and old generations). */
  List<String> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(work)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("out") && !n.equals(".out.lock") && !n.startsWith("go")).toList();
    }
  }

  static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aSetIsPublishedWithItsExportsAndAManifest() throws IOException {
    Path out = work.resolve("out");
    publish(out, "one", true);
    assertEquals("one", tagOf(out));
    assertEquals(Set.of("report.json", "report.html", "junit.xml", "summary.md", "adversarial-examples.csv", ReportWriter.MANIFEST), names(out));
    assertEquals(List.of("adversarial-examples.csv", "junit.xml", "report.html", "report.json", "summary.md"),
        Files.readAllLines(out.resolve(ReportWriter.MANIFEST)));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void noStaleFileOfAnEarlierRunSurvivesANewSet() throws IOException {
    Path out = work.resolve("out");
    publish(out, "one", true);
    publish(out, "two", false);
    assertEquals("two", tagOf(out));
    assertFalse(Files.exists(out.resolve("adversarial-examples.csv")), "the earlier run's export went with its set");
    assertEquals(List.of(), leftovers());
  }

  @Test
  void aFailureAfterAnyStepKeepsTheCompleteOldSet() throws IOException {
    Path out = work.resolve("out");
    publish(out, "old", true);
    List<String> steps = new ArrayList<>(ReportWriter.REPORTS);
    steps.add(ReportWriter.MANIFEST);
    steps.add("retired");
    for (String step : steps) {
      ReportWriter.Staging s = ReportWriter.begin(out);
      Files.writeString(s.folder().resolve("adversarial-examples.csv"), "new csv");
      s.hook = at -> {
        if (at.equals(step)) {
          throw new IOException("No space left on device (injected after " + step + ")");
        }
      };
      UsageException e = assertThrows(UsageException.class, () -> s.commit(set("new")), step);
      assertTrue(e.getMessage().startsWith(out + ": cannot "), e.getMessage());
      assertTrue(e.getMessage().contains("injected after " + step), e.getMessage());
      s.close();
      assertEquals("old", tagOf(out), "after a failure at " + step);
      assertEquals("old csv", Files.readString(out.resolve("adversarial-examples.csv")));
      assertEquals(List.of(), leftovers(), "no staging folder is left behind after a failure at " + step);
    }
    publish(out, "next", false);
    assertEquals("next", tagOf(out));
  }

  /** Runs {@link ReportWriterCrash} in its own JVM. */
  static Process child(String... args) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp", cp,
        ReportWriterCrash.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void aRunKilledAnywhereLeavesTheOldSetOrItsRecoveryToTheNextRun() throws Exception {
    Path out = work.resolve("out");
    publish(out, "old", true);
    for (String step : List.of("report.html", ReportWriter.MANIFEST, "retired")) {
      Process p = child(out.toString(), "killed", step, "halt");
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(9, p.exitValue(), "the child died at " + step + ": " + output);
      assertFalse(leftovers().isEmpty(), "a killed run leaves its staging folder behind");
      if (step.equals("retired")) {
        assertFalse(Files.exists(out), "killed between the two renames: no folder, but never a mixed one");
      } else {
        assertEquals("old", tagOf(out), "a reader still sees the complete old set after a kill at " + step);
      }
      // the next run recovers before it starts: the old set is back, the leftovers are gone
      try (ReportWriter.Staging s = ReportWriter.begin(out)) {
        assertEquals("old", tagOf(out));
        assertEquals("old csv", Files.readString(out.resolve("adversarial-examples.csv")));
        assertEquals(List.of(s.folder().getFileName().toString()), leftovers(), "only this run's staging folder");
      }
      assertEquals(List.of(), leftovers());
    }
  }

  @Test
  void aSecondRunInTheSameJvmGetsAClearErrorAndTheFirstIsUnharmed() throws IOException {
    Path out = work.resolve("out");
    try (ReportWriter.Staging first = ReportWriter.begin(out)) {
      UsageException e = assertThrows(UsageException.class, () -> ReportWriter.begin(out));
      assertTrue(e.getMessage().startsWith("another Gauntlet run is writing to " + out + " (pid " + ProcessHandle.current().pid() + ")"),
          e.getMessage());
      assertEquals(2, e.exitCode());
      first.commit(set("first"));
    }
    assertEquals("first", tagOf(out));
    publish(out, "after", false);
    assertEquals("after", tagOf(out), "the lock is released when the first run ends");
  }

  @Test
  void aRunInAnotherProcessHoldsTheLockAndIsNamedByItsPid() throws Exception {
    Path out = work.resolve("out");
    publish(out, "old", false);
    Path go = work.resolve("go");
    Process p = child(out.toString(), "other", "junit.xml", "wait", go.toString());
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("waiting", r.readLine(), "the child holds the lock half way through its set");
      UsageException e = assertThrows(UsageException.class, () -> ReportWriter.begin(out));
      assertEquals("another Gauntlet run is writing to " + out + " (pid " + p.pid() + "); wait for it to finish or choose another --out",
          e.getMessage());
      assertEquals("old", tagOf(out), "half way through the other run's set, readers see the old one");
      Files.createFile(go);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
    } finally {
      p.destroyForcibly();
    }
    assertEquals("other", tagOf(out));
    publish(out, "mine", false);
    assertEquals("mine", tagOf(out));
  }

  @Test
  void concurrentRunsSerializeOrFailClearlyAndNeverMix() throws Exception {
    Path out = work.resolve("out");
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<String> published = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < 25; i++) {
            String tag = "t" + id + "-" + i;
            try {
              publish(out, tag, i % 2 == 0);
              published.add(tag);
            } catch (UsageException e) {
              if (!e.getMessage().startsWith("another Gauntlet run is writing to " + out + " (pid ")) {
                unexpected.add(e);
              }
            }
          }
        } catch (Throwable e) {
          unexpected.add(e);
        }
      });
      th.start();
      ts.add(th);
    }
    start.countDown();
    for (Thread th : ts) {
      th.join();
    }
    assertEquals(List.of(), List.copyOf(unexpected));
    assertFalse(published.isEmpty());
    String last = tagOf(out);
    assertTrue(published.contains(last));
    boolean withExport = Integer.parseInt(last.substring(last.indexOf('-') + 1)) % 2 == 0;
    assertEquals(withExport, Files.exists(out.resolve("adversarial-examples.csv")), "the export belongs to the same run as the reports");
    assertEquals(List.of(), leftovers());
  }

  @Test
  void aFolderWithFilesGauntletDidNotWriteIsRefusedAndKept() throws IOException {
    Path out = work.resolve("out");
    Files.createDirectories(out.resolve("sub"));
    Files.writeString(out.resolve("notes.txt"), "mine");
    Files.writeString(out.resolve("sub/data.csv"), "mine");
    Files.writeString(out.resolve("report.json"), "{}");
    UsageException e = assertThrows(UsageException.class, () -> ReportWriter.begin(out));
    assertEquals(out + ": the output folder holds files Gauntlet did not write: notes.txt, sub/data.csv; Gauntlet replaces the whole folder, "
        + "so move them away or choose another --out", e.getMessage());
    assertEquals(2, e.exitCode());
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    assertEquals(List.of(), leftovers(), "no staging folder");
  }

  @Test
  void aFileAddedToASetLaterIsForeignToo() throws IOException {
    Path out = work.resolve("out");
    publish(out, "one", false);
    Files.writeString(out.resolve("my-notes.md"), "mine");
    UsageException e = assertThrows(UsageException.class, () -> ReportWriter.begin(out));
    assertTrue(e.getMessage().contains("did not write: my-notes.md;"), e.getMessage());
  }

  @Test
  void migrationAPlainFolderFromAnEarlierGauntletIsReplacedWhole() throws IOException {
    Path out = work.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.json"), "{\"note\": \"12 adversarial examples written to fgsm-examples.csv beside this report\"}");
    for (String f : List.of("report.html", "junit.xml", "summary.md", "fgsm-examples.csv", ".summary.md4711.tmp", "fgsm-examples.csv815.tmp")) {
      Files.writeString(out.resolve(f), "legacy");
    }
    publish(out, "new", false);
    assertEquals("new", tagOf(out));
    assertEquals(Set.of("report.json", "report.html", "junit.xml", "summary.md", ReportWriter.MANIFEST), names(out),
        "the legacy export and temporary files went with the old set");
    // an export the old report does not name is not known to be Gauntlet's
    Files.delete(out.resolve(ReportWriter.MANIFEST));
    Files.writeString(out.resolve("other.csv"), "maybe the user's");
    UsageException e = assertThrows(UsageException.class, () -> ReportWriter.begin(out));
    assertTrue(e.getMessage().contains("did not write: other.csv;"), e.getMessage());
  }

  @Test
  void anOutputFolderThatCannotBeCreatedIsExitCode2NamingIt() throws IOException {
    Path file = Files.writeString(work.resolve("a-file"), "x");
    UsageException e = assertThrows(UsageException.class, () -> ReportWriter.begin(file.resolve("out")));
    assertTrue(e.getMessage().startsWith(file.resolve("out") + ": cannot create the output folder"), e.getMessage());
    UsageException notAFolder = assertThrows(UsageException.class, () -> ReportWriter.begin(file));
    assertEquals(file + ": the output folder exists and is not a folder", notAFolder.getMessage());
    assertEquals(2, notAFolder.exitCode());
  }

  @Test
  void theWorkingDirectoryIsNeverReplaced() {
    UsageException e = assertThrows(UsageException.class, () -> ReportWriter.begin(Path.of(".")));
    assertTrue(e.getMessage().contains("is the working directory"), e.getMessage());
  }

  @Test
  void aSymbolicLinkIsFollowedAndStays() throws IOException {
    Path real = Files.createDirectory(work.resolve("real"));
    Path link = Files.createSymbolicLink(work.resolve("out"), real);
    publish(link, "one", false);
    publish(link, "two", false);
    assertTrue(Files.isSymbolicLink(link));
    assertEquals("two", tagOf(real));
  }
}
