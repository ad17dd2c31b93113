package dev.gauntlet.harness.summary;

/**
 * Builds the summary of one partition. Must depend only on the partition's rows (never on their
 * order, nor on other partitions), so that any engine and any split give the same merged summary.
 * An empty partition gives the identity of {@link Summary#merge}.
 *
 * @param <S> the summary type
 * @since 0.3
 */
@FunctionalInterface
public interface Summarizer<S extends Summary<S>> {

  /** The summary of the partition's rows. */
  S summarize(Partition partition);
}
