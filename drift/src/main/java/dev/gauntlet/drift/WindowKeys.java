package dev.gauntlet.drift;

import dev.gauntlet.drift.window.WindowSpec;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import dev.gauntlet.harness.summary.Summary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * The calendar windows present in some rows and how many rows each holds: what cutting streamed
 * data into windows needs ({@link dev.gauntlet.drift.window.WindowPlan#ofKeys}). Mergeable exactly.
 *
 * @param keys the windows' calendar keys, ascending
 * @param counts rows per window, index for index
 */
record WindowKeys(long[] keys, long[] counts) implements Summary<WindowKeys> {

  static ShippableSummarizer<WindowKeys> summarizer(WindowSpec spec) {
    return part -> {
      long[] ts = part.data().timestamps(spec.time());
      TreeMap<Long, Long> m = new TreeMap<>();
      for (int i = part.from(); i < part.to(); i++) {
        m.merge(spec.unit().key(ts[i]), 1L, Long::sum);
      }
      return new WindowKeys(m.keySet().stream().mapToLong(Long::longValue).toArray(), m.values().stream().mapToLong(Long::longValue).toArray());
    };
  }

  @Override
  public WindowKeys merge(WindowKeys o) {
    TreeMap<Long, Long> m = new TreeMap<>();
    for (int i = 0; i < keys.length; i++) {
      m.merge(keys[i], counts[i], Long::sum);
    }
    for (int i = 0; i < o.keys.length; i++) {
      m.merge(o.keys[i], o.counts[i], Long::sum);
    }
    return new WindowKeys(m.keySet().stream().mapToLong(Long::longValue).toArray(), m.values().stream().mapToLong(Long::longValue).toArray());
  }

  @Override
  public void encode(DataOutput out) throws IOException {
    out.writeInt(keys.length);
    for (int i = 0; i < keys.length; i++) {
      out.writeLong(keys[i]);
      out.writeLong(counts[i]);
    }
  }

  static WindowKeys decode(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1 << 24) {
      throw new IOException("window keys: " + n + " windows");
    }
    long[] k = new long[n];
    long[] c = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = in.readLong();
      c[i] = in.readLong();
    }
    return new WindowKeys(k, c);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowKeys w && Arrays.equals(keys, w.keys) && Arrays.equals(counts, w.counts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(keys) + Arrays.hashCode(counts);
  }
}
