package dev.gauntlet.harness.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the parsed chunks of a {@link RowChunks} in memory, within a byte budget, so that the
 * summary passes of a run read the source twice instead of once per pass. The first scan reads the
 * source and only measures its chunks' estimated size, holding nothing; when the whole source fits
 * in the budget, the second scan keeps its chunks and every later scan hands them over (the same
 * tables, in the same order) and returns the second scan's {@link DataSource}, without reading the
 * source again. When it does not fit, nothing is ever held and every scan reads the source, as
 * without the cache (so the heap never holds more than the budget, nor anything for data too large
 * for it). Either way the chunks, and so every summary, are the same.
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
  private List<Table> kept; // every chunk, once a scan has filled the reservation
  private DataSource keptSource;
  private boolean measured; // the first scan has run
  private long reserved; // bytes taken from the budget once the first scan showed the source fits

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

  /**
   * Gives back to the budget what this cache reserved or holds, and holds nothing after: for a
   * source no longer streamed (e.g. read whole because it keeps few rows), whose reservation would
   * otherwise stay taken from the caches sharing the budget. Later scans read the source.
   */
  public synchronized void release() {
    if (reserved > 0) {
      budget.give(reserved);
      reserved = 0;
    }
    kept = null;
    keptSource = null;
  }

  @Override
  public DataSource scan(Consumer<Table> sink) {
    List<Table> replay;
    long reserve;
    synchronized (this) {
      replay = kept;
      reserve = reserved;
    }
    if (replay != null) {
      for (Table t : replay) {
        sink.accept(t);
      }
      return keptSource;
    }
    if (reserve == 0) {
      boolean measure;
      synchronized (this) {
        measure = !measured;
        measured = true;
      }
      if (!measure) {
        return source.scan(sink); // measured, and it does not fit
      }
      // The first scan only measures: nothing is held before the whole source is known to fit.
      long[] total = {0};
      DataSource src = source.scan(t -> {
        total[0] += bytes(t);
        sink.accept(t);
      });
      if (total[0] > 0 && budget.take(total[0])) {
        synchronized (this) {
          reserved = total[0];
        }
      }
      return src;
    }
    // The second scan fills the reserved bytes.
    List<Table> chunks = new ArrayList<>();
    long[] used = {0};
    boolean[] over = {false};
    DataSource src;
    try {
      src = source.scan(t -> {
        if (!over[0]) {
          used[0] += bytes(t);
          if (used[0] <= reserve) {
            chunks.add(t);
          } else {
            over[0] = true; // the source grew since it was measured
            chunks.clear();
          }
        }
        sink.accept(t);
      });
    } catch (RuntimeException e) {
      synchronized (this) {
        if (reserved > 0 && kept == null) {
          budget.give(reserved);
          reserved = 0;
        }
      }
      throw e;
    }
    synchronized (this) {
      if (kept == null && reserved > 0) {
        if (over[0]) {
          budget.give(reserved);
          reserved = 0;
        } else {
          kept = List.copyOf(chunks);
          keptSource = src;
        }
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
