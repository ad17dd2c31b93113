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
 * @param sample how the rows that checks needing the model on chosen rows see were drawn, or null
 *     when they see every kept row
 */
public record DataSource(String path, String format, String sha256, long bytes, java.util.List<String> notes, Selection.Summary selection,
    Sample sample) implements java.io.Serializable {
  public DataSource {
    notes = notes == null ? java.util.List.of() : java.util.List.copyOf(notes);
    format = format == null ? "csv" : format;
  }

  /** A source whose checks all see every kept row. */
  public DataSource(String path, String format, String sha256, long bytes, java.util.List<String> notes, Selection.Summary selection) {
    this(path, format, sha256, bytes, notes, selection, null);
  }

  /** This source with a sample. */
  public DataSource withSample(Sample sample) {
    return new DataSource(path, format, sha256, bytes, notes, selection, sample);
  }

  /**
   * A seeded stratified sample of the kept rows: the rows given to checks that need the model on
   * chosen rows (attacks, perturbation, detectors) when the data has more rows than the suite's
   * {@code data.sample.rows}; checks computed from summaries still see every row.
   *
   * @param method how it was drawn, in words
   * @param rows rows in the sample
   * @param ofRows kept rows of the source
   * @param strata the columns that define the strata (label, then protected attributes)
   * @param strataCount how many strata the data holds
   * @param seed the seed that drew it
   */
  public record Sample(String method, long rows, long ofRows, java.util.List<String> strata, int strataCount, long seed) implements java.io.Serializable {
    public Sample {
      strata = java.util.List.copyOf(strata);
    }

    /** One line for the report. */
    public String describe() {
      return "sample of " + rows + " of " + ofRows + " rows for the checks that run the model on chosen rows: " + method;
    }
  }

  /** A CSV file read whole. */
  public DataSource(String path, String sha256, long bytes, java.util.List<String> notes) {
    this(path, "csv", sha256, bytes, notes, null);
  }
}
