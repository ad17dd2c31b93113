package dev.gauntlet.harness.data;

/**
 * Identity of a data file: its path, SHA-256 and size, recorded in provenance.
 *
 * @param notes deliberate decisions the loader made that a reviewer should know (e.g. which of two
 *     columns with the same header was used)
 */
public record DataSource(String path, String sha256, long bytes, java.util.List<String> notes) {
  public DataSource {
    notes = notes == null ? java.util.List.of() : java.util.List.copyOf(notes);
  }
}
