package dev.gauntlet.harness.summary;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges a stream of summaries as a binary counter: a summary of {@code 2^j} chunks merges only
 * with another of {@code 2^j} chunks, so a growing summary (sorted values) is copied {@code log2}
 * times per chunk rather than once per chunk, and at most {@code log2(chunks) + 1} summaries are
 * held. Merges being exact, the shape of the tree does not change the result.
 */
final class Merger<S extends Summary<S>> {
  private final List<S> levels = new ArrayList<>(); // levels.get(j): the summary of 2^j chunks, or null

  void add(S s) {
    S carry = s;
    for (int j = 0; ; j++) {
      if (j == levels.size()) {
        levels.add(carry);
        return;
      }
      S here = levels.get(j);
      if (here == null) {
        levels.set(j, carry);
        return;
      }
      levels.set(j, null);
      carry = here.merge(carry); // the earlier chunks first
    }
  }

  /** The merge of everything added, or null when nothing was. */
  S result() {
    S out = null;
    for (int j = levels.size() - 1; j >= 0; j--) {
      S s = levels.get(j);
      if (s != null) {
        out = out == null ? s : out.merge(s);
      }
    }
    return out;
  }
}
