package dev.gauntlet.harness.data;

/**
 * One column of a {@link Table}, stored as a primitive array. Columns are immutable by contract:
 * callers must not write to the arrays they get.
 */
public sealed interface Column extends java.io.Serializable permits Column.Numeric, Column.Categorical, Column.Timestamp, Column.Text {

  String name();

  int size();

  /** The value of one row as text, the way the data file wrote it (numbers in shortest form). */
  String format(int row);

  /** A new column holding the given rows, in that order. */
  Column select(int[] rows);

  /** Numbers. */
  record Numeric(String name, double[] values) implements Column {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public String format(int row) {
      return Table.formatNumber(values[row]);
    }

    @Override
    public Numeric select(int[] rows) {
      double[] out = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = values[rows[i]];
      }
      return new Numeric(name, out);
    }
  }

  /** Category codes: {@code codes[i]} indexes {@code levels}. */
  record Categorical(String name, int[] codes, java.util.List<String> levels) implements Column {
    public Categorical {
      levels = java.util.List.copyOf(levels);
    }

    @Override
    public int size() {
      return codes.length;
    }

    @Override
    public String format(int row) {
      return levels.get(codes[row]);
    }

    @Override
    public Categorical select(int[] rows) {
      int[] out = new int[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = codes[rows[i]];
      }
      return new Categorical(name, out, levels);
    }

    /** How many rows hold each level. */
    public int[] counts() {
      int[] n = new int[levels.size()];
      for (int c : codes) {
        n[c]++;
      }
      return n;
    }
  }

  /** Instants as epoch seconds, UTC. */
  record Timestamp(String name, long[] epochSeconds) implements Column {
    @Override
    public int size() {
      return epochSeconds.length;
    }

    @Override
    public String format(int row) {
      java.time.Instant t = java.time.Instant.ofEpochSecond(epochSeconds[row]);
      java.time.LocalDateTime d = java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
      return d.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) ? d.toLocalDate().toString() : d.toString();
    }

    @Override
    public Timestamp select(int[] rows) {
      long[] out = new long[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = epochSeconds[rows[i]];
      }
      return new Timestamp(name, out);
    }
  }

  /** Free text (ids). */
  record Text(String name, String[] values) implements Column {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public String format(int row) {
      return values[row];
    }

    @Override
    public Text select(int[] rows) {
      String[] out = new String[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = values[rows[i]];
      }
      return new Text(name, out);
    }
  }
}
