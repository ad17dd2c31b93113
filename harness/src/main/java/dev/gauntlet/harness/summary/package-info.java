/**
 * Mergeable summaries: the state statistical checks compute their measurements from, built per
 * partition of the rows and merged, so that one engine merges them in-process
 * ({@link dev.gauntlet.harness.summary.InProcessEngine}) and another on a cluster, with the same
 * result bit for bit.
 *
 * <p>The pieces: a {@link dev.gauntlet.harness.summary.Summary} merges exactly (associative,
 * commutative, returns a new value) and encodes itself as bytes (never Java serialisation); a
 * {@link dev.gauntlet.harness.summary.Summarizer} builds one from a
 * {@link dev.gauntlet.harness.summary.Partition} (rows of a table with the model's predictions for
 * them); a {@link dev.gauntlet.harness.summary.SummaryEngine} partitions, summarises and merges.
 * The check's context carries the engine ({@code CheckContext#engine()});
 * {@link dev.gauntlet.harness.summary.RandomSplitEngine} deals the rows at random, to prove a
 * check split-independent.
 *
 * <p>Exactness: counts are longs; sums of doubles are {@link dev.gauntlet.harness.summary.ExactSum}
 * (exact fixed point, rounded once at the end), so their value does not depend on the order of
 * additions; sorted samples are {@link dev.gauntlet.harness.summary.SortedCounts}, exact up to a
 * memory budget (the AUC's 2^20 distinct scores, {@code drift.features}' {@code exactValues}); past
 * it a sample is compressed deterministically and carries an exact rank-error bound, which the
 * checks report and judge (see {@link dev.gauntlet.harness.summary.SortedCounts#compress}).
 *
 * <p>Streaming: {@link dev.gauntlet.harness.summary.SummaryEngine#summarize(dev.gauntlet.harness.data.RowChunks,
 * java.util.function.Function, Summarizer)} summarises data read in chunks (one held at a time) and
 * merges the chunks' summaries as a binary counter, so the result equals the whole table's. Once a
 * merged summary is lossy (compressed at its budget, {@link dev.gauntlet.harness.summary.Summary#exact()}
 * false), the chunks merge into one running summary instead, so a budgeted summary is held once, not
 * once per level of the counter; compressed samples are recompressed once per budget of new
 * distinct values ({@link dev.gauntlet.harness.summary.SortedCounts#bounded}).
 *
 * <p>Memory of each summary (per partition, and of the merged state), with {@code k} classes,
 * {@code d} distinct values, {@code g} slices:
 * <ul>
 *   <li>{@code ExactSum}: at most 69 longs (552 bytes), in practice 3 to 6 longs: the span of
 *       exponents of the addends, not their number.
 *   <li>{@code SortedCounts}: {@code 8 (1 + columns)} bytes per distinct value, up to the budget: grows with the
 *       distinct values only (a decile score: 10 entries; a continuous score: up to the row count).
 *   <li>{@code performance} ({@code PerformanceSummary}): {@code 8 k^2} bytes of confusion counts,
 *       plus 24 bytes per distinct score for the exact AUC.
 *   <li>{@code fairness.slices} ({@code SliceSummary}, in the fairness module): per slicing and
 *       slice, 4 confusion counts, 2 exact sums for the Brier score, and per reliability bin a count,
 *       an exact sum and a positive count, per sweep threshold 2 counts; plus the score range and at
 *       most 51 distinct scores for the bins: constant in the row count.
 *   <li>{@code drift.temporal} ({@code WindowCounts}, drift module): per calendar window present, 6
 *       counts for all rows and for each level of each group column: {@code 8 + 48 (1 + levels)}
 *       bytes per window, constant in the row count.
 *   <li>{@code drift.features} ({@code WindowSamples}, drift module): per calendar window, a
 *       {@code SortedCounts} per numeric column (16 bytes per distinct value) and a count per
 *       category of each categorical column: grows with the distinct values, not the rows, up to
 *       {@code exactValues} per column and window. The statistics read each window's sample per
 *       distinct value ({@code SortedSample.ofCounts}), never one value per row.
 * </ul>
 *
 * <p>Not summarised: row-count windows ({@code window: rows}) of the drift checks, whose cut depends
 * on the order of all rows; they are computed on the rows as before.
 *
 * @since 0.3
 */
package dev.gauntlet.harness.summary;
