package dev.gauntlet.harness.data;

import dev.gauntlet.harness.UsageException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles a {@link Table} from records of text under a {@link Schema}, validating every cell the
 * way the README's "Schema file" section says (strict numbers, ranges, categories, missing values,
 * timestamps), and applying a {@link Selection}. One validator for every source: the CSV reader
 * feeds it records of text ({@link #row}), a columnar reader (Parquet) feeds it typed values
 * ({@link #typedHeader}, {@link #addTyped}: a double, epoch seconds, a level's text), checked by the
 * same rules without a round trip through text.
 */
public final class TableBuilder {
/** Turns a problem at a record position and a 1-based file column into an exception naming the place. */
@FunctionalInterface
public interface Locator {
  UsageException at(int position, int column, String message);
}

  private final Schema schema;
  private final String file;
  private final Selection selection;
  private final Locator locator;
  private int[] selIndex; // selection slot -> spec index
  private int[] selSlot; // spec index -> a selection slot that reads it, or -1
  private final Object[] selValues; // the selection's values of the record being added, by slot
  private long seen;
  private final List<ColumnSpec> specs;
  private int[] index;
  private int width;
  private double[][] nums;
  private int[][] codes;
  private long[][] times;
  private String[][] texts;
  private Map<String, Integer>[] levelIndex;
  private TimeFormat[] formats;
  private final Map<String, TimeFormat> timeOverrides = new HashMap<>();
  private int rows;
  private long drained;
  private int[] lines = new int[1024]; // row -> line of the file where its record starts
  private final List<String> notes = new ArrayList<>();
  private int[] duplicateOf; // spec -> other header index that must hold equal values, or -1

  /**
   * @param file the source's name, for messages
   * @param selection the rows to keep ({@link Selection#ALL} for every row)
   * @param locator how to name a record's place in messages (CSV: file:line:column)
   */
  public TableBuilder(Schema schema, String file, Selection selection, Locator locator) {
    this.schema = schema;
    this.file = file;
    this.specs = schema.columns();
    this.selection = selection == null ? Selection.ALL : selection;
    this.locator = locator;
    this.selValues = new Object[this.selection.columns().size()];
  }

  /** A CSV-style builder: messages at {@code file:line:column}. */
  public static TableBuilder csv(Schema schema, String file, Selection selection) {
    return new TableBuilder(schema, file, selection, (line, col, msg) -> UsageException.at(file, line, col, msg));
  }

  /** Reads the cells of a timestamp column in the given form instead of the schema's (e.g. epoch seconds from a typed source); call before {@link #header}. */
  public TableBuilder timeFormat(String column, TimeFormat format) {
    timeOverrides.put(column, format);
    return this;
  }

  /** Records read, kept or not. */
  public long rowsSeen() {
    return seen;
  }

  /** Deliberate decisions made while reading (for provenance). */
  public List<String> notes() {
    return notes;
  }

  @SuppressWarnings("unchecked")
  /** The source's column names in order; every schema column must be among them. */
  public void header(String[] header) {
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
    formats = new TimeFormat[n];
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
          formats[s] = timeOverrides.getOrDefault(c.name(), TimeFormat.of(c.format()));
        }
        case TEXT -> texts[s] = new String[1024];
      }
    }
    selIndex = new int[selection.columns().size()];
    selSlot = new int[n];
    java.util.Arrays.fill(selSlot, -1);
    for (int i = 0; i < selIndex.length; i++) {
      selIndex[i] = specs.indexOf(selection.columns().get(i));
      if (!selection.isAll() && selIndex[i] >= 0) {
        selSlot[selIndex[i]] = i;
      }
    }
  }

  /**
   * The selection step of both paths: whether the selection keeps the record, its values read from
   * the text record {@code rec} or, when {@code typed}, from the typed slots. Every value the
   * selection read stays in {@link #selValues} for {@link #selected}.
   */
  private boolean selects(String[] rec, int position, boolean typed) {
    if (selection.isAll()) {
      return true;
    }
    for (int i = 0; i < selIndex.length; i++) {
      selValues[i] = typed ? typedSelectionValue(selIndex[i], position) : selectionValue(selIndex[i], rec, position);
    }
    return selection.keep(selValues);
  }

  /** The value the selection parsed from spec {@code s} of the record being added, or null (not read by the selection, or missing). */
  private Object selected(int s) {
    return selSlot[s] < 0 ? null : selValues[selSlot[s]];
  }

  /**
   * Adds one record if the selection keeps it. Cells are the source's text ({@code null} is a
   * missing value). A record the selection excludes is validated only in the columns the
   * selection reads.
   *
   * @param line the record's position for messages (a CSV line, a Parquet row index)
   * @return whether the record was kept
   */
  public boolean row(String[] rec, int line) {
    if (rec.length != width) {
      throw locator.at(line, 0, "row has " + rec.length + " fields but the header has " + width
          + (rec.length < width ? "; a field is missing or a quote is unbalanced" : "; an unquoted delimiter inside a value?"));
    }
    seen++;
    if (!selects(rec, line, false)) {
      return false;
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
        throw locator.at(line, col + 1, "column '" + c.name() + "' appears twice in the header and the two hold different values ('"
            + raw + "' vs '" + rec[duplicateOf[s]] + "'); name the one you mean as '" + c.name() + "' (first) or '" + c.name() + "#2' (second)");
      }
      String v = raw == null ? null : raw.strip();
      if ((v == null || schema.missing().contains(v)) && c.type() != ColumnType.TEXT) {
        throw missingValue(c, v, line, col);
      }
      Object sel = selected(s); // parsed once: a value the selection read is not parsed again
      switch (c.type()) {
        case NUMERIC -> nums[s][rows] = sel instanceof Double d ? checkNumber(c, d, v, line, col) : number(c, v, line, col);
        case CATEGORICAL, BINARY -> codes[s][rows] = level(c, s, v, line, col);
        case TIMESTAMP -> times[s][rows] = sel instanceof Long t ? t : time(c, formats[s], v, line, col);
        case TEXT -> texts[s][rows] = raw;
      }
    }
    rows++;
    return true;
  }

  // Typed records (a columnar source such as Parquet): one slot per schema column, filled by the setters.
  private double[] tNum;
  private long[] tTime;
  private String[] tText;
  private byte[] tKind; // 0 missing, 1 number, 2 epoch seconds, 3 text

  /**
   * Starts typed records for a source whose columns are the schema's, in its order (instead of
   * {@link #header}); each record is given with {@link #number}, {@link #time}, {@link #text} and
   * {@link #missing} per column index, then {@link #addTyped}. The values are validated exactly as the
   * same values in a CSV cell (a double as {@code Double.parseDouble} of its text would give it).
   */
  public void typedHeader() {
    header(specs.stream().map(ColumnSpec::name).toArray(String[]::new));
    int n = specs.size();
    tNum = new double[n];
    tTime = new long[n];
    tText = new String[n];
    tKind = new byte[n];
  }

  /** Column {@code s} (schema order) of the next typed record holds the number {@code v}. */
  public void number(int s, double v) {
    tNum[s] = v;
    tKind[s] = 1;
  }

  /** Column {@code s} of the next typed record holds the instant {@code epochSeconds} (UTC). */
  public void time(int s, long epochSeconds) {
    tTime[s] = epochSeconds;
    tKind[s] = 2;
  }

  /** Column {@code s} of the next typed record holds text: a level, a text value, or a timestamp written in the schema's format; null is missing. */
  public void text(int s, String v) {
    tText[s] = v;
    tKind[s] = (byte) (v == null ? 0 : 3);
  }

  /** Column {@code s} of the next typed record is missing (a null). */
  public void missing(int s) {
    tKind[s] = 0;
  }

  /**
   * Adds the typed record set since the last call if the selection keeps it, validated as
   * {@link #row} validates text (a record the selection excludes only in the columns it reads).
   *
   * @param position the record's position for messages (e.g. a Parquet row index)
   * @return whether the record was kept
   */
  public boolean addTyped(int position) {
    seen++;
    if (!selects(null, position, true)) {
      return false;
    }
    ensure(rows + 1);
    lines[rows] = position;
    for (int s = 0; s < specs.size(); s++) {
      ColumnSpec c = specs.get(s);
      byte k = tKind[s];
      if (c.has(Role.IGNORE)) {
        texts[s][rows] = k == 3 ? tText[s] : k == 1 ? Double.toString(tNum[s]) : k == 2 ? Long.toString(tTime[s]) : null;
        continue;
      }
      String v = k == 3 ? tText[s].strip() : null;
      if (c.type() != ColumnType.TEXT && (k == 0 || (k == 3 && schema.missing().contains(v)))) {
        throw missingValue(c, v, position, s);
      }
      Object sel = k == 3 ? selected(s) : null; // text the selection parsed is not parsed again
      switch (c.type()) {
        case NUMERIC -> nums[s][rows] = k == 1 ? checkNumber(c, tNum[s], null, position, s)
            : sel instanceof Double d ? checkNumber(c, d, v, position, s) : number(c, v, position, s);
        case CATEGORICAL, BINARY -> codes[s][rows] = level(c, s, v, position, s);
        case TIMESTAMP -> times[s][rows] = k == 2 ? tTime[s] : sel instanceof Long t ? t : time(c, formats[s], v, position, s);
        case TEXT -> texts[s][rows] = k == 3 ? tText[s] : null;
      }
    }
    rows++;
    return true;
  }

  private Object typedSelectionValue(int s, int position) {
    ColumnSpec c = specs.get(s);
    byte k = tKind[s];
    if (k == 0) {
      return null;
    }
    if (k == 3) {
      return selectionValue(c, s, tText[s].strip(), position, s, "");
    }
    if (c.type() == ColumnType.NUMERIC) {
      double d = k == 1 ? tNum[s] : tTime[s];
      if (!Double.isFinite(d)) {
        throw locator.at(position, s + 1, "column '" + c.name() + "', read by the selection (where/from/to), holds " + d
            + ", which is not a finite number; a row the selection reads must be readable in the columns it reads");
      }
      return d;
    }
    if (c.type() == ColumnType.TIMESTAMP) {
      return k == 2 ? tTime[s] : (long) tNum[s];
    }
    return k == 1 ? Double.toString(tNum[s]) : Long.toString(tTime[s]);
  }

  /** The value the selection compares for spec {@code s}: Double, Long (epoch seconds), String, or null when missing. */
  private Object selectionValue(int s, String[] rec, int line) {
    ColumnSpec c = specs.get(s);
    int col = index[s];
    String raw = rec[col];
    if (raw == null) {
      return null;
    }
    return selectionValue(c, s, raw.strip(), line, col, " (declare the column's missing token in the schema's 'missing' list if that is what it is)");
  }

  /** The selection's value of the (stripped) text {@code v} in spec {@code s}: null when missing, else a Double, a Long or the text; {@code hint} ends the message of an unreadable number. */
  private Object selectionValue(ColumnSpec c, int s, String v, int line, int col, String hint) {
    if (schema.missing().contains(v) && c.type() != ColumnType.TEXT) {
      return null;
    }
    return switch (c.type()) {
      case NUMERIC -> {
        double d = StrictNumbers.isDecimal(v) ? Double.parseDouble(v) : Double.NaN;
        if (!Double.isFinite(d)) {
          throw locator.at(line, col + 1, "column '" + c.name() + "', read by the selection (where/from/to), holds '" + v
              + "', which is not a finite decimal number; a row the selection reads must be readable in the columns it reads" + hint);
        }
        yield d;
      }
      case TIMESTAMP -> time(c, formats[s], v, line, col);
      default -> v;
    };
  }

  private UsageException missingValue(ColumnSpec c, String v, int line, int col) {
    return locator.at(line, col + 1, "column '" + c.name() + "' has a missing value ('" + v
        + "'); remove or impute the row, or mark the column as role ignore");
  }

  /** The code of level {@code v} of categorical spec {@code s}. */
  private int level(ColumnSpec c, int s, String v, int line, int col) {
    Integer code = levelIndex[s].get(v);
    if (code == null) {
      throw locator.at(line, col + 1, "column '" + c.name() + "' has value '" + v + "', which is not one of the declared "
          + (c.has(Role.LABEL) ? "classes " : "categories ") + c.categories() + "; add it to the schema or fix the row");
    }
    return code;
  }

  private double number(ColumnSpec c, String v, int line, int col) {
    if (!StrictNumbers.isDecimal(v)) { // the fast path: one scan, no allocation
      if (StrictNumbers.isNanOrInfinity(v)) {
        throw locator.at(line, col + 1, "column '" + c.name() + "' holds " + v + "; NaN and infinite values are not allowed in data");
      }
      throw locator.at(line, col + 1, "column '" + c.name() + "' is numeric but holds '" + v + "'; expected a decimal number"
          + " such as 42, -0.5 or 1e-3 (not hexadecimal, not with a suffix such as 1d or 1f); fix the row, or mark the column as role ignore"
          + " if the audit does not use it");
    }
    double d = Double.parseDouble(v);
    if (!Double.isFinite(d)) {
      throw locator.at(line, col + 1, "column '" + c.name() + "' holds " + v + ", which is too large for a double; NaN and infinite values are not allowed in data");
    }
    return checkNumber(c, d, v, line, col);
  }

  /** The range and integer checks of a parsed (or typed) number; {@code v} is how messages show it. */
  private double checkNumber(ColumnSpec c, double d, String text, int line, int col) {
    if (!Double.isFinite(d)) {
      throw locator.at(line, col + 1, "column '" + c.name() + "' holds " + shown(d, text) + "; NaN and infinite values are not allowed in data");
    }
    if ((!Double.isNaN(c.min()) && d < c.min()) || (!Double.isNaN(c.max()) && d > c.max())) {
      throw locator.at(line, col + 1, "column '" + c.name() + "' holds " + shown(d, text) + ", outside its declared range ["
          + c.min() + ", " + c.max() + "]; widen the range in the schema or fix the row");
    }
    if (c.integer() && d != Math.rint(d)) {
      throw locator.at(line, col + 1, "column '" + c.name() + "' is declared integer but holds " + shown(d, text));
    }
    return d;
  }

  private static String shown(double d, String text) {
    return text != null ? text : Double.toString(d);
  }

  private long time(ColumnSpec c, TimeFormat f, String v, int line, int col) {
    try {
      return f.parse(v);
    } catch (DateTimeParseException e) {
      throw locator.at(line, col + 1, "column '" + c.name() + "' holds '" + v + "', which is not " + f.expected());
    }
  }

  private void ensure(int n) {
    if (lines.length >= n) {
      return; // every column array starts at lines' length and doubles with it: nothing to grow
    }
    lines = java.util.Arrays.copyOf(lines, lines.length * 2);
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

  /**
   * The table of the records kept since the last drain (a chunk), after which the builder holds no
   * row and goes on with the next record; the counts ({@link #rowsSeen}, {@link #rowsKept}) go on
   * too. Rows know their position when {@code withOrigin}.
   */
  public Table drain(boolean withOrigin) {
    Table t = build(null, withOrigin);
    drained += rows;
    rows = 0;
    return t;
  }

  /** Records kept in total, drained chunks included. */
  public long rowsKeptTotal() {
    return drained + rows;
  }

  /** Records kept but not yet drained. */
  public int rowsBuffered() {
    return rows;
  }

  /**
   * The table of the kept records.
   *
   * @param withOrigin whether rows remember their position as a file line (CSV); else errors found
   *     after loading name the row
   */
  public Table build(DataSource src, boolean withOrigin) {
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
    return new Table(schema, cols, src, withOrigin ? new Table.Origin(file, java.util.Arrays.copyOf(lines, rows), fileColumns) : null);
  }
}
