package dev.gauntlet.harness.report;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.run.SuiteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the four report files into a folder: {@code report.json}, {@code report.html},
 * {@code junit.xml}, {@code summary.md}. Each is written to a temporary file in the same folder
 * and moved into place, so a reader never sees half a report.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /** Renders and writes every report; returns the paths written, by file name. */
  public static Map<String, Path> write(SuiteResult r, Path dir) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("report.json", JsonReport.render(r));
    files.put("report.html", HtmlReport.render(r));
    files.put("junit.xml", JUnitXmlReport.render(r));
    files.put("summary.md", MarkdownSummary.render(r));
    Map<String, Path> out = new LinkedHashMap<>();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UsageException(dir + ": cannot create the output folder: " + e.getMessage(), e);
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path target = dir.resolve(f.getKey());
      writeAtomically(target, f.getValue());
      out.put(f.getKey(), target);
    }
    return out;
  }

  /** Temporary files are created owner-only; a report is meant to be opened and shared (rw-r--r--). */
  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the default permissions
    }
  }

  /** Writes text to a temporary sibling and moves it over {@code target}. */
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
