package dev.gauntlet.harness.data;

import dev.gauntlet.harness.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Loads a CSV file with a header row into a {@link Table} under a {@link Schema}. Strict: a ragged
 * row, a column the schema names but the header lacks, a number that is not a finite decimal (see
 * {@link StrictNumbers}: no hexadecimal, no {@code 1d}/{@code 1f}, no NaN or infinity), a value
 * outside the declared range or categories, or a missing value in a used column is an error naming
 * the file, line and column. Only the schema's columns are kept.
 *
 * <p>A column with role {@code ignore} is neither parsed nor validated, whatever its declared type:
 * it is carried as the text the file holds (a {@link Column.Text}), so any value is fine there.
 *
 * <p>Duplicate header names are handled deliberately: the second occurrence of {@code x} can be
 * named {@code x#2} in the schema; naming plain {@code x} uses the first occurrence, and is an error
 * if the duplicates hold different values.
 */
public final class TableLoader {
  private TableLoader() {}

  public static Table load(Path file, Schema schema) {
    return load(file, schema, schema.delimiter());
  }

  public static Table load(Path file, Schema schema, char delimiter) {
    String name = file.toString();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long bytes;
    Builder b;
    try (InputStream raw = Files.newInputStream(file);
        DigestInputStream din = new DigestInputStream(raw, sha);
        CsvReader csv = new CsvReader(new BufferedReader(new InputStreamReader(din, StandardCharsets.UTF_8)), delimiter, name)) {
      b = new Builder(schema, name);
      b.header(csv.next(), csv);
      String[] rec;
      while ((rec = csv.next()) != null) {
        if (rec.length == 1 && rec[0].isEmpty()) {
          continue; // blank line (e.g. the final newline)
        }
        b.row(rec, csv.recordLine());
      }
      bytes = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new UsageException(name + ": data file not found; check the path in the suite (relative paths are resolved against the suite file)");
    } catch (IOException e) {
      throw new UsageException(name + ": cannot read data file: " + e.getMessage(), e);
    }
    if (b.rows == 0) {
      throw UsageException.at(name, 2, 0, "the file has a header but no data rows");
    }
    DataSource src = new DataSource(name, HexFormat.of().formatHex(sha.digest()), bytes, b.notes);
    return b.build(src);
  }

  /** Builds a table from rows of text, as if read from a file (used by generators and tests). */
  public static Table fromRows(Schema schema, String[] header, List<String[]> rows, String name) {
    Builder b = new Builder(schema, name);
    b.header(header, null);
    int line = 2;
    for (String[] r : rows) {
      b.row(r, line++);
    }
    return b.build(null);
  }

  private static final class Builder {
    private final Schema schema;
    private final String file;
    private final List<ColumnSpec> specs;
    private int[] index;
    private int width;
    private double[][] nums;
    private int[][] codes;
    private long[][] times;
    private String[][] texts;
    private Map<String, Integer>[] levelIndex;
    private DateTimeFormatter[] formats;
    private int rows;
    private int[] lines = new int[1024]; // row -> line of the file where its record starts
    private final List<String> notes = new ArrayList<>();
    private int[] duplicateOf; // spec -> other header index that must hold equal values, or -1

    Builder(Schema schema, String file) {
      this.schema = schema;
      this.file = file;
      this.specs = schema.columns();
    }

    @SuppressWarnings("unchecked")
    void header(String[] header, CsvReader csv) {
      if (header == null || (header.length == 1 && header[0].isEmpty())) {
        throw UsageException.at(file, 1, 0, "the file is empty; expected a header row naming the columns");
      }
      width = header.length;
      Map<String, List<Integer>> positions = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        String h = header[i].strip();
        if (i == 0 && h.startsWith("\uFEFF")) {
          h = h.substring(1);
        }
        positions.computeIfAbsent(h, k -> new ArrayList<>()).add(i);
      }
      index = new int[specs.size()];
      duplicateOf = new int[specs.size()];
      for (int s = 0; s < specs.size(); s++) {
        String n = specs.get(s).name();
        duplicateOf[s] = -1;
        List<Integer> at = positions.get(n);
        int occurrence = 1;
        String base = n;
        int hash = n.lastIndexOf('#');
        if (at == null && hash > 0) {
          try {
            occurrence = Integer.parseInt(n.substring(hash + 1));
            base = n.substring(0, hash);
            at = positions.get(base);
          } catch (NumberFormatException e) {
            at = null;
          }
        }
        if (at == null || at.size() < occurrence) {
          throw UsageException.at(file, 1, 0, "the schema names column '" + n + "' but the header lacks it; the header has: "
              + String.join(", ", header));
        }
        index[s] = at.get(occurrence - 1);
        if (at.size() > 1 && occurrence == 1 && base.equals(n)) {
          duplicateOf[s] = at.get(1);
          notes.add("header '" + n + "' appears " + at.size() + " times (columns " + at.stream().map(i -> String.valueOf(i + 1)).toList()
              + "); used column " + (index[s] + 1) + " after checking that the duplicates hold the same values");
        }
      }
      int n = specs.size();
      nums = new double[n][];
      codes = new int[n][];
      times = new long[n][];
      texts = new String[n][];
      levelIndex = new Map[n];
      formats = new DateTimeFormatter[n];
      for (int s = 0; s < n; s++) {
        ColumnSpec c = specs.get(s);
        if (c.has(Role.IGNORE)) {
          texts[s] = new String[1024]; // carried as the file wrote it, never parsed
          continue;
        }
        switch (c.type()) {
          case NUMERIC -> nums[s] = new double[1024];
          case CATEGORICAL, BINARY -> {
            codes[s] = new int[1024];
            Map<String, Integer> m = new HashMap<>();
            for (int i = 0; i < c.categories().size(); i++) {
              m.put(c.categories().get(i), i);
            }
            levelIndex[s] = m;
          }
          case TIMESTAMP -> {
            times[s] = new long[1024];
            formats[s] = c.format() == null ? null : DateTimeFormatter.ofPattern(c.format());
          }
          case TEXT -> texts[s] = new String[1024];
        }
      }
    }

    void row(String[] rec, int line) {
      if (rec.length != width) {
        throw UsageException.at(file, line, 0, "row has " + rec.length + " fields but the header has " + width
            + (rec.length < width ? "; a field is missing or a quote is unbalanced" : "; an unquoted delimiter inside a value?"));
      }
      ensure(rows + 1);
      lines[rows] = line;
      for (int s = 0; s < specs.size(); s++) {
        ColumnSpec c = specs.get(s);
        int col = index[s];
        String raw = rec[col];
        if (c.has(Role.IGNORE)) {
          texts[s][rows] = raw; // role ignore: not parsed, not validated
          continue;
        }
        if (duplicateOf[s] >= 0 && !raw.equals(rec[duplicateOf[s]])) {
          throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' appears twice in the header and the two hold different values ('"
              + raw + "' vs '" + rec[duplicateOf[s]] + "'); name the one you mean as '" + c.name() + "' (first) or '" + c.name() + "#2' (second)");
        }
        String v = raw.strip();
        if (schema.missing().contains(v) && c.type() != ColumnType.TEXT) {
          throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' has a missing value ('" + v
              + "'); remove or impute the row, or mark the column as role ignore");
        }
        switch (c.type()) {
          case NUMERIC -> nums[s][rows] = number(c, v, line, col);
          case CATEGORICAL, BINARY -> {
            Integer code = levelIndex[s].get(v);
            if (code == null) {
              throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' has value '" + v + "', which is not one of the declared "
                  + (c.has(Role.LABEL) ? "classes " : "categories ") + c.categories() + "; add it to the schema or fix the row");
            }
            codes[s][rows] = code;
          }
          case TIMESTAMP -> times[s][rows] = time(c, formats[s], v, line, col);
          case TEXT -> texts[s][rows] = raw;
        }
      }
      rows++;
    }

    private double number(ColumnSpec c, String v, int line, int col) {
      if (!StrictNumbers.isDecimal(v)) { // the fast path: one scan, no allocation
        if (StrictNumbers.isNanOrInfinity(v)) {
          throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' holds " + v + "; NaN and infinite values are not allowed in data");
        }
        throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' is numeric but holds '" + v + "'; expected a decimal number"
            + " such as 42, -0.5 or 1e-3 (not hexadecimal, not with a suffix such as 1d or 1f); fix the row, or mark the column as role ignore"
            + " if the audit does not use it");
      }
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) {
        throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' holds " + v + ", which is too large for a double; NaN and infinite values are not allowed in data");
      }
      if ((!Double.isNaN(c.min()) && d < c.min()) || (!Double.isNaN(c.max()) && d > c.max())) {
        throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' holds " + v + ", outside its declared range ["
            + c.min() + ", " + c.max() + "]; widen the range in the schema or fix the row");
      }
      if (c.integer() && d != Math.rint(d)) {
        throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' is declared integer but holds " + v);
      }
      return d;
    }

    private long time(ColumnSpec c, DateTimeFormatter f, String v, int line, int col) {
      try {
        if (f != null) {
          TemporalAccessor t = f.parseBest(v, LocalDateTime::from, LocalDate::from);
          if (t instanceof LocalDateTime ldt) {
            return ldt.toEpochSecond(ZoneOffset.UTC);
          }
          return ((LocalDate) t).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        }
        if (v.length() == 10) {
          return LocalDate.parse(v).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        }
        if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
          return OffsetDateTime.parse(v).toEpochSecond();
        }
        return LocalDateTime.parse(v.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw UsageException.at(file, line, col + 1, "column '" + c.name() + "' holds '" + v + "', which is not a date"
            + (c.format() == null ? " in ISO form (2024-01-31 or 2024-01-31T12:00:00); set 'format' in the schema for other forms" : " of the form '" + c.format() + "'"));
      }
    }

    private void ensure(int n) {
      if (lines.length < n) {
        lines = java.util.Arrays.copyOf(lines, lines.length * 2);
      }
      for (int s = 0; s < specs.size(); s++) {
        if (nums[s] != null && nums[s].length < n) {
          nums[s] = java.util.Arrays.copyOf(nums[s], nums[s].length * 2);
        }
        if (codes[s] != null && codes[s].length < n) {
          codes[s] = java.util.Arrays.copyOf(codes[s], codes[s].length * 2);
        }
        if (times[s] != null && times[s].length < n) {
          times[s] = java.util.Arrays.copyOf(times[s], times[s].length * 2);
        }
        if (texts[s] != null && texts[s].length < n) {
          texts[s] = java.util.Arrays.copyOf(texts[s], texts[s].length * 2);
        }
      }
    }

    Table build(DataSource src) {
      List<Column> cols = new ArrayList<>();
      Map<String, Integer> fileColumns = new HashMap<>();
      for (int s = 0; s < specs.size(); s++) {
        ColumnSpec c = specs.get(s);
        fileColumns.put(c.name(), index[s] + 1);
        if (c.has(Role.IGNORE)) {
          cols.add(new Column.Text(c.name(), java.util.Arrays.copyOf(texts[s], rows)));
          continue;
        }
        cols.add(switch (c.type()) {
          case NUMERIC -> new Column.Numeric(c.name(), java.util.Arrays.copyOf(nums[s], rows));
          case CATEGORICAL, BINARY -> new Column.Categorical(c.name(), java.util.Arrays.copyOf(codes[s], rows), c.categories());
          case TIMESTAMP -> new Column.Timestamp(c.name(), java.util.Arrays.copyOf(times[s], rows));
          case TEXT -> new Column.Text(c.name(), java.util.Arrays.copyOf(texts[s], rows));
        });
      }
      return new Table(schema, cols, src, new Table.Origin(file, java.util.Arrays.copyOf(lines, rows), fileColumns));
    }
  }

}
