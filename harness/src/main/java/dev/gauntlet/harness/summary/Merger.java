package dev.gauntlet.harness.summary;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges a stream of summaries, in the order they come.
 *
 * <p>While they are exact, as a binary counter: a summary of {@code 2^j} chunks merges only with
 * another of {@code 2^j} chunks, so a growing summary (sorted values) is copied {@code log2} times
 * per chunk rather than once per chunk, and at most {@code log2(chunks) + 1} summaries are held.
 * Merges being exact, the shape of the tree does not change the result.
 *
 * <p>Once a merged summary is lossy ({@link Summary#exact()} false: compressed at its memory
 * budget), every summary held is merged into one running summary, in chunk order, and every later
 * chunk's summary is merged into it: one summary at its budget is held, whatever the number of
 * chunks, instead of one per level (which grows with {@code log2(chunks)} budgets). The result is
 * then deterministic for the stream (the same chunks in the same order give the same bytes) and
 * within the summary's own stated error bound.
 */
final class Merger<S extends Summary<S>> {
  private final List<S> levels = new ArrayList<>(); // levels.get(j): the summary of 2^j chunks, or null
  private S running; // once lossy: the merge of every chunk so far, in order

  void add(S s) {
    if (running != null) {
      running = running.merge(s);
      return;
    }
    S carry = s;
    for (int j = 0; ; j++) {
      if (j == levels.size()) {
        levels.add(carry);
        break;
      }
      S here = levels.get(j);
      if (here == null) {
        levels.set(j, carry);
        break;
      }
      levels.set(j, null);
      carry = here.merge(carry); // the earlier chunks first
    }
    if (!carry.exact()) {
      running = result();
      levels.clear();
    }
  }

  /** Whether a lossy summary has turned the tree into one running summary. */
  boolean running() {
    return running != null;
  }

  /** How many summaries are held (for tests: at most one once lossy). */
  int held() {
    int n = running == null ? 0 : 1;
    for (S s : levels) {
      n += s == null ? 0 : 1;
    }
    return n;
  }

  /** The merge of everything added, or null when nothing was. */
  S result() {
    if (running != null) {
      return running;
    }
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
