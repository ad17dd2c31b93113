package dev.gauntlet.harness.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the parsed chunks of a {@link RowChunks} in memory, within a byte budget, so that the
 * summary passes of a run read the source once instead of once per pass. The first scan reads the
 * source and keeps its chunks while their estimated size fits in the budget; when the whole source
 * fits, every later scan hands over the kept chunks (the same tables, in the same order) and
 * returns the first scan's {@link DataSource}, without reading the source again. When it does not
 * fit, the kept chunks are dropped at once and every scan reads the source, as without the cache.
 * Either way the chunks, and so every summary, are the same.
 *
 * <p>Several caches may share one {@link Budget} (the evaluation and the reference data).
 *
 * @since 0.4
 */
public final class ChunkCache implements RowChunks {

  /** Bytes that the caches sharing it may hold together. Thread-safe. */
  public static final class Budget {
    private long left;

    /** @param bytes at most this many (estimated) bytes of chunks are kept; 0 keeps none */
    public Budget(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("a cache budget is at least 0 bytes, not " + bytes);
      }
      this.left = bytes;
    }

    synchronized boolean take(long bytes) {
      if (bytes > left) {
        return false;
      }
      left -= bytes;
      return true;
    }

    synchronized void give(long bytes) {
      left += bytes;
    }

    /** The bytes not taken. */
    public synchronized long left() {
      return left;
    }
  }

  private final RowChunks source;
  private final Budget budget;
  private List<Table> kept; // every chunk, once a scan has completed within the budget
  private DataSource keptSource;
  private boolean overflowed;

  private ChunkCache(RowChunks source, Budget budget) {
    this.source = source;
    this.budget = budget;
  }

  /** {@code source} with its chunks kept within {@code budget}. */
  public static ChunkCache of(RowChunks source, Budget budget) {
    return new ChunkCache(java.util.Objects.requireNonNull(source, "source"), java.util.Objects.requireNonNull(budget, "budget"));
  }

  @Override
  public Schema schema() {
    return source.schema();
  }

  @Override
  public int chunkRows() {
    return source.chunkRows();
  }

  /** Whether every chunk is held (later scans do not read the source). */
  public synchronized boolean holdsAll() {
    return kept != null;
  }

  @Override
  public DataSource scan(Consumer<Table> sink) {
    List<Table> replay;
    synchronized (this) {
      replay = kept;
    }
    if (replay != null) {
      for (Table t : replay) {
        sink.accept(t);
      }
      return keptSource;
    }
    boolean collect;
    synchronized (this) {
      collect = !overflowed;
    }
    if (!collect) {
      return source.scan(sink);
    }
    List<Table> chunks = new ArrayList<>();
    long[] taken = {0};
    boolean[] full = {false};
    DataSource src;
    try {
      src = source.scan(t -> {
        if (!full[0]) {
          long b = bytes(t);
          if (budget.take(b)) {
            taken[0] += b;
            chunks.add(t);
          } else {
            full[0] = true;
            chunks.clear();
            budget.give(taken[0]);
            taken[0] = 0;
          }
        }
        sink.accept(t);
      });
    } catch (RuntimeException e) {
      budget.give(taken[0]);
      throw e;
    }
    synchronized (this) {
      if (full[0]) {
        overflowed = true;
      } else if (kept == null) {
        kept = List.copyOf(chunks);
        keptSource = src;
      } else {
        budget.give(taken[0]); // another scan finished first
      }
    }
    return src;
  }

  /** An estimate of the heap a chunk holds: its arrays, and for text 48 bytes plus the characters per value. */
  static long bytes(Table t) {
    long n = t.rowCount();
    long b = 4 * n + 64; // the rows' origins
    for (Column c : t.columns()) {
      b += 16;
      if (c instanceof Column.Numeric || c instanceof Column.Timestamp) {
        b += 8 * n;
      } else if (c instanceof Column.Categorical) {
        b += 4 * n;
      } else if (c instanceof Column.Text x) {
        b += 4 * n;
        for (String s : x.values()) {
          b += s == null ? 0 : 48 + s.length();
        }
      }
    }
    return b;
  }
}
