package dev.gauntlet.harness.data;

/**
 * Identity of a data source: its path, format, SHA-256 and size, and the rows selected from it,
 * recorded in provenance.
 *
 * @param path the file or folder as named in the suite
 * @param format {@code csv} or {@code parquet}
 * @param sha256 of the file; for a folder, of the sorted list of its data files' relative paths and
 *     SHA-256s (one {@code path sha256} line each)
 * @param bytes the file's size, or the sum of the folder's data files
 * @param notes deliberate decisions the loader made that a reviewer should know (e.g. which of two
 *     columns with the same header was used)
 * @param selection the {@code where}/{@code from}/{@code to} selection and how many rows it kept,
 *     or null when every row was kept
 */
public record DataSource(String path, String format, String sha256, long bytes, java.util.List<String> notes, Selection.Summary selection) {
  public DataSource {
    notes = notes == null ? java.util.List.of() : java.util.List.copyOf(notes);
    format = format == null ? "csv" : format;
  }

  /** A CSV file read whole. */
  public DataSource(String path, String sha256, long bytes, java.util.List<String> notes) {
    this(path, "csv", sha256, bytes, notes, null);
  }
}
