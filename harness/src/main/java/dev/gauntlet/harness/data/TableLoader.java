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
import java.util.HexFormat;
import java.util.List;

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
    return load(file, schema, delimiter, Selection.ALL);
  }

  /**
   * Loads the rows of a CSV file that {@code selection} keeps, reading the file once as a stream
   * (excluded records are never held). The provenance records the selection and how many rows it
   * kept of how many.
   *
   * @throws UsageException naming the file, line and column of the first problem, or saying that
   *     the selection kept no row
   */
  public static Table load(Path file, Schema schema, char delimiter, Selection selection) {
    Read r = read(file, schema, delimiter, selection, 0, null);
    return r.builder().build(r.source(), true);
  }

  /**
   * The rows of a CSV file that {@code selection} keeps, as chunks of at most {@code chunkRows}
   * rows: each {@link RowChunks#scan} streams the file once more through the same validation as
   * {@link #load} (the same errors at the same file:line:column) and holds one chunk at a time.
   */
  public static RowChunks chunks(Path file, Schema schema, char delimiter, Selection selection, int chunkRows) {
    return RowChunks.of(schema, chunkRows, sink -> read(file, schema, delimiter, selection, chunkRows, sink).source());
  }

  private record Read(TableBuilder builder, DataSource source) {}

  /** Streams the file once; with a sink, hands over a chunk whenever {@code chunkRows} rows are buffered, and the rest at the end. */
  private static Read read(Path file, Schema schema, char delimiter, Selection selection, int chunkRows, java.util.function.Consumer<Table> sink) {
    String name = file.toString();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long bytes;
    TableBuilder b;
    boolean handed = false;
    try (InputStream raw = Files.newInputStream(file);
        DigestInputStream din = new DigestInputStream(raw, sha);
        CsvReader csv = new CsvReader(new BufferedReader(new InputStreamReader(din, StandardCharsets.UTF_8)), delimiter, name)) {
      b = TableBuilder.csv(schema, name, selection);
      b.header(csv.next());
      String[] rec;
      while ((rec = csv.next()) != null) {
        if (rec.length == 1 && rec[0].isEmpty()) {
          continue; // blank line (e.g. the final newline)
        }
        if (b.row(rec, csv.recordLine()) && sink != null && b.rowsBuffered() >= chunkRows) {
          sink.accept(b.drain(true));
          handed = true;
        }
      }
      bytes = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new UsageException(name + ": data file not found; check the path in the suite (relative paths are resolved against the suite file)");
    } catch (IOException e) {
      throw new UsageException(name + ": cannot read data file: " + e.getMessage(), e);
    }
    if (b.rowsSeen() == 0) {
      throw UsageException.at(name, 2, 0, "the file has a header but no data rows");
    }
    long keptRows = b.rowsKeptTotal();
    Selection.Summary kept = selection.isAll() ? null : selection.summarize(keptRows, b.rowsSeen());
    if (keptRows == 0) {
      throw new UsageException(name + ": the " + kept.describe() + "; widen the selection or check its values against the data");
    }
    if (sink != null && (b.rowsBuffered() > 0 || !handed)) {
      sink.accept(b.drain(true));
    }
    return new Read(b, new DataSource(name, "csv", HexFormat.of().formatHex(sha.digest()), bytes, b.notes(), kept));
  }

  /** Builds a table from rows of text, as if read from a file (used by generators and tests). */
  public static Table fromRows(Schema schema, String[] header, List<String[]> rows, String name) {
    TableBuilder b = TableBuilder.csv(schema, name, Selection.ALL);
    b.header(header);
    int line = 2;
    for (String[] r : rows) {
      b.row(r, line++);
    }
    return b.build(null, true);
  }
}
