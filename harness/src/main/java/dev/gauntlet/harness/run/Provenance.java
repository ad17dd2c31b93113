package dev.gauntlet.harness.run;

import dev.gauntlet.harness.data.DataSource;
import dev.gauntlet.harness.model.Artifact;
import java.util.List;

/**
 * Where a result came from, enough to reproduce it.
 *
 * @param startedAt ISO-8601 start time (volatile)
 * @param durationMillis wall time of the whole run (volatile)
 * @param command the command line that reproduces the run
 * @param checkTimeLimitSeconds the per-check time limit the run used
 * @param determinism what the determinism probe found for each model (see {@link DeterminismProbe})
 * @param engine the summary engine of the statistical checks ({@code SummaryEngine#describe}: engine, version, partitions), or null
 */
public record Provenance(
    String harnessVersion,
    String java,
    String os,
    String arch,
    int processors,
    String ompNumThreads,
    long seed,
    String modelName,
    Artifact model,
    String baselineName,
    Artifact baseline,
    DataSource data,
    DataSource reference,
    Artifact schema,
    String suiteFile,
    String suiteText,
    String command,
    long checkTimeLimitSeconds,
    List<DeterminismProbe> determinism,
    String startedAt,
    long durationMillis,
    String engine) {

  public Provenance {
    determinism = determinism == null ? List.of() : List.copyOf(determinism);
  }

  /** The harness version from the build, or "dev" when run from classes. */
  public static String currentHarnessVersion() {
    try (java.io.InputStream in = Provenance.class.getResourceAsStream("/dev/gauntlet/harness/version.properties")) {
      if (in == null) {
        return "dev";
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (java.io.IOException e) {
      return "dev";
    }
  }
}
