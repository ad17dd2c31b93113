package dev.gauntlet.harness.junit;

import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.report.ReportWriter;
import dev.gauntlet.harness.report.Text;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.SuiteRunner;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.opentest4j.AssertionFailedError;

/**
 * Runs a suite inside an engineer's own JUnit 5 tests: the test fails when the gate fails, and its
 * message says why (one line per failing check), how to replay failing cases that can be replayed,
 * and where the reports are.
 *
 * <pre>{@code
 * @Test
 * void candidatePassesTheGate() {
 *   Gauntlet.assertPasses(Path.of("src/test/resources/lending-suite.yaml"), Path.of("target/gauntlet"));
 * }
 * }</pre>
 */
public final class Gauntlet {
  private Gauntlet() {}

  /** Loads and runs a YAML suite, writes its reports under {@code outDir/<suite name>}, and returns the result. */
  public static SuiteResult run(Path suiteFile, Path outDir) {
    Suite suite = new SuiteLoader().load(suiteFile, OptionalLong.empty(), null);
    return run(suite, outDir);
  }

  /** Runs a suite built in Java and writes its reports under {@code outDir/<suite name>} (null: no reports). */
  public static SuiteResult run(Suite suite, Path outDir) {
    if (outDir == null) {
      return new SuiteRunner(null, null, null).run(suite);
    }
    // the folder is locked and checked before the audit; checks export into the staging folder, published with the reports
    try (ReportWriter.Staging staging = ReportWriter.begin(outDir.resolve(suite.name()))) {
      SuiteResult r = new SuiteRunner(null, staging.folder(), null).run(suite);
      staging.commit(r);
      return r;
    }
  }

  /** Runs a YAML suite and fails the calling test when its gate fails. */
  public static SuiteResult assertPasses(Path suiteFile, Path outDir) {
    SuiteResult r = run(suiteFile, outDir);
    assertPasses(r, outDir == null ? null : outDir.resolve(r.suite()));
    return r;
  }

  /** Runs a Java suite and fails the calling test when its gate fails. */
  public static SuiteResult assertPasses(Suite suite, Path outDir) {
    SuiteResult r = run(suite, outDir);
    assertPasses(r, outDir == null ? null : outDir.resolve(r.suite()));
    return r;
  }

  /** Fails with the verdict's reasons when the gate failed. */
  public static void assertPasses(SuiteResult r, Path reportDir) {
    if (r.verdict().passed()) {
      return;
    }
    throw new AssertionFailedError(failureMessage(r, reportDir));
  }

  /** The message a failing gate gives: the headline, one line per failing check, and the report path (console-escaped). */
  public static String failureMessage(SuiteResult r, Path reportDir) {
    StringBuilder sb = new StringBuilder("Gauntlet suite '").append(r.suite()).append("' ").append(r.verdict().headline());
    for (String reason : r.verdict().reasons()) {
      sb.append("\n  - ").append(reason);
    }
    for (CheckResult c : r.checks()) {
      boolean failing = c.blocks(); // decided by the gate: an advisory FAIL does not stop promotion
      for (Evidence e : c.evidence()) {
        // checks that can be replayed (perturbation properties) attach a note titled "Replay"
        if (failing && e instanceof Evidence.Note n && n.title().startsWith("Replay")) {
          sb.append("\n  ").append(c.id()).append(": ").append(n.text().replace("\n", "\n    "));
        }
      }
    }
    sb.append("\n  seed ").append(r.provenance().seed());
    if (reportDir != null) {
      sb.append("; report: ").append(reportDir.resolve("report.html").toAbsolutePath());
    }
    // test runners print this on the console: controls and bidi controls from data are shown escaped
    return Text.forConsoleLines(sb.toString());
  }
}
