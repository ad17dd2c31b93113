package dev.gauntlet.harness.history;

import java.util.Optional;

/**
 * Where {@code baseline: {from: history}} finds the last promoted model of a suite: read from the
 * run history by the caller (the harness never talks to a database).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PromotedModels {

  /**
   * The model file of the last promoted run of this suite, or empty when no run is promoted.
   * Throws a {@link dev.gauntlet.harness.UsageException} when the history cannot be read.
   */
  Optional<Promoted> last(String suiteName);

  /**
   * @param runId the promoted run
   * @param path the absolute path of its candidate model file when it ran
   * @param sha256 that file's SHA-256 then
   */
  record Promoted(long runId, String path, String sha256) {}
}
