package dev.gauntlet.harness.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A separate JVM for {@link ReportWriterTest}: writes a report set tagged {@code args[1]} to
 * {@code args[0]} and, at step {@code args[2]} of the commit, either dies on the spot
 * ({@code halt}: no finally blocks, no cleanup, as under kill -9) or waits until the file
 * {@code args[3]} exists ({@code wait}), holding the lock.
 */
final class ReportWriterCrash {
  private ReportWriterCrash() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String tag = args[1];
    String step = args[2];
    String mode = args[3];
    ReportWriter.Staging s = ReportWriter.begin(dir);
    Files.writeString(s.folder().resolve("adversarial-examples.csv"), tag);
    s.hook = at -> {
      if (at.equals(step)) {
        if (mode.equals("halt")) {
          Runtime.getRuntime().halt(9);
        }
        System.out.println("waiting");
        System.out.flush();
        Path go = Path.of(args[4]);
        while (!Files.exists(go)) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    };
    Map<String, String> files = new LinkedHashMap<>();
    for (String f : ReportWriter.REPORTS) {
      files.put(f, tag + " " + f);
    }
    s.commit(files);
    s.close();
  }
}
