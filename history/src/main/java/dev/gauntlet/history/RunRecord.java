package dev.gauntlet.history;

import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.run.CheckResult;
import dev.gauntlet.harness.run.Finding;
import dev.gauntlet.harness.run.Provenance;
import dev.gauntlet.harness.run.SuiteResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One run as the history stores it: its key (suite, suite SHA-256, model, baseline and data SHA-256,
 * engine, time), its verdict, every measurement and every finding.
 *
 * @param id the store's id, or null before it is recorded
 * @param kind {@code audit} or {@code monitor}
 * @param startedAt ISO-8601 UTC start time
 * @param verdict {@code PASSED} or {@code FAILED}
 * @param promoted whether the run was marked promoted
 * @param modelPath the candidate model file's absolute path, or null (for {@code baseline: {from: history}})
 */
public record RunRecord(Long id, String suiteName, String suiteSha256, String modelName, String modelSha256, String modelPath, String baselineSha256,
    String dataSha256, String engine, String kind, String startedAt, String verdict, int exitCode, String harnessVersion, boolean promoted,
    String reportPath, List<MeasurementRow> measurements, List<FindingRow> findings) {

  public RunRecord {
    Objects.requireNonNull(suiteName, "suiteName");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(harnessVersion, "harnessVersion");
    measurements = List.copyOf(measurements);
    findings = List.copyOf(findings);
  }

  /**
   * One measurement.
   *
   * @param role {@code candidate} or {@code baseline}
   * @param subject the canonical subject text ({@link Subject#toString()}, empty for the whole data)
   * @param window the subject's window part, or null
   * @param lower NaN without an interval (so are upper and level; method is null)
   * @param inconclusive why it cannot be judged, or null
   */
  public record MeasurementRow(String checkId, String role, String metric, String subject, String window, double value, double lower,
      double upper, double level, String method, long n, String inconclusive) {}

  /**
   * One finding.
   *
   * @param metric null for a finding about the check as a whole (so is subject)
   * @param blocks whether the gate decided it stops promotion
   */
  public record FindingRow(String checkId, String condition, String metric, String subject, String outcome, boolean blocks, String sentence,
      double value, double baseline) {}

  /** The record of an {@code audit} result; {@code reportPath} may be null. */
  public static RunRecord of(SuiteResult r, String engine, String kind, String reportPath) {
    Provenance p = r.provenance();
    List<MeasurementRow> ms = new ArrayList<>();
    List<FindingRow> fs = new ArrayList<>();
    for (CheckResult c : r.checks()) {
      for (Measurement m : c.measurements()) {
        ms.add(row(c.id(), "candidate", m));
      }
      for (Measurement m : c.baselineMeasurements()) {
        ms.add(row(c.id(), "baseline", m));
      }
      for (Finding f : c.findings()) {
        fs.add(new FindingRow(c.id(), f.condition(), f.metric() == null ? null : f.metric().name(),
            f.metric() == null ? null : f.metric().subject().toString(), f.outcome().name(), f.blocks(), f.sentence(), f.value(), f.baseline()));
      }
    }
    return new RunRecord(null, r.suite(), p.suiteText() == null ? null : sha256(p.suiteText()), p.modelName(),
        p.model() == null ? null : p.model().sha256(), p.model() == null ? null : absolute(p.model().path()), p.baseline() == null ? null : p.baseline().sha256(),
        p.data() == null ? null : p.data().sha256(), engine, kind, p.startedAt(), r.verdict().status(), r.verdict().exitCode(),
        p.harnessVersion(), false, reportPath, ms, fs);
  }

  private static MeasurementRow row(String checkId, String role, Measurement m) {
    boolean iv = m.hasInterval();
    return new MeasurementRow(checkId, role, m.metric(), m.subject().toString(), m.subject().get(Subject.Dim.WINDOW), m.value(),
        iv ? m.lower() : Double.NaN, iv ? m.upper() : Double.NaN, iv ? m.interval().level() : Double.NaN,
        iv ? m.interval().method().name() : null, m.n(), m.inconclusive());
  }

  /** The same record with its store id and promoted flag. */
  public RunRecord withId(long newId, boolean isPromoted) {
    return new RunRecord(newId, suiteName, suiteSha256, modelName, modelSha256, modelPath, baselineSha256, dataSha256, engine, kind, startedAt, verdict,
        exitCode, harnessVersion, isPromoted, reportPath, measurements, findings);
  }

  private static String absolute(String path) {
    return path == null ? null : java.nio.file.Path.of(path).toAbsolutePath().normalize().toString();
  }

  static String sha256(String text) {
    return dev.gauntlet.harness.model.Artifact.sha256(text.getBytes(StandardCharsets.UTF_8));
  }
}
