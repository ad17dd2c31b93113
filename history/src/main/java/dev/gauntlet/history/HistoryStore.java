package dev.gauntlet.history;

import dev.gauntlet.harness.history.History;
import java.util.List;

/**
 * Where runs are recorded: one row per run, its measurements and its findings. Implementations
 * record a run in one transaction (all of it or nothing) and throw {@link HistoryException} (exit 2)
 * when the database is locked, unreachable or refuses.
 *
 * @since 0.1
 */
public interface HistoryStore extends AutoCloseable {

  /**
   * Opens (and creates or migrates) the store at a JDBC URL: {@code jdbc:sqlite:FILE} or {@code
   * jdbc:postgresql://HOST[:PORT]/DB?user=...}.
   */
  static HistoryStore open(String jdbcUrl) {
    return JdbcHistoryStore.open(jdbcUrl, JdbcHistoryStore.DEFAULT_BUSY_TIMEOUT_MILLIS);
  }

  /** Records a run in one transaction; returns it with its id. */
  RunRecord record(RunRecord run);

  /** The runs of a suite, newest first, at most {@code limit}, without their rows. */
  List<RunRecord> runs(String suiteName, int limit);

  /** One run with every measurement and finding; a {@link HistoryException} when there is none. */
  RunRecord run(long id);

  /**
   * The history the trend conditions read: the candidate measurements of the last {@code limit}
   * runs of a suite.
   */
  History load(String suiteName, int limit);

  /**
   * Marks a PASSED run of this suite promoted; a {@link HistoryException} for an unknown run, another
   * suite's run or a FAILED one.
   */
  RunRecord promote(String suiteName, long runId);

  /** The model of the last promoted run of a suite ({@code baseline: {from: history}}), or empty. */
  java.util.Optional<dev.gauntlet.harness.history.PromotedModels.Promoted> lastPromoted(String suiteName);

  /** The database, for messages: the URL without credentials. */
  String describe();

  @Override
  void close();
}
