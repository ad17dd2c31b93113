package dev.gauntlet.harness.summary;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A mergeable summary of some rows: the state a statistical check computes its measurements from.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #merge} returns a <b>new</b> summary of the rows of both operands and modifies
 *       neither; it is associative and commutative, exactly (bit for bit, see {@link #bytes()}), so
 *       the summaries of any split of the rows, merged in any order, equal the summary of the whole.
 *   <li>A summary is plain data (primitive arrays, numbers, strings); {@link #encode} writes it as
 *       bytes that the summary type's static {@code decode(DataInput)} reads back. Engines ship
 *       summaries as these bytes, never by Java serialisation.
 *   <li>Only summaries built for the same check configuration (same slices, bins, features) merge;
 *       merging others throws {@link IllegalArgumentException}.
 * </ul>
 *
 * @param <S> the summary type itself
 * @since 0.3
 */
public interface Summary<S extends Summary<S>> {

  /** A new summary of the rows of this and {@code other}; neither is modified. */
  S merge(S other);

  /**
   * False once this summary is lossy: a part of it was compressed past a memory budget (a
   * {@link SortedCounts} with a rank error), so its merges no longer commute exactly and its
   * statistics carry an error bound. Merging streams then keep one running summary instead of a
   * tree of them ({@link Merger}), so memory stays one summary. True (the default) for summaries
   * that are always exact.
   */
  default boolean exact() {
    return true;
  }

  /** Writes this summary; the type's {@code decode(DataInput)} reads it back. */
  void encode(java.io.DataOutput out) throws IOException;

  /** The encoded bytes: equal bytes mean equal summaries. */
  default byte[] bytes() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      encode(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }
}
