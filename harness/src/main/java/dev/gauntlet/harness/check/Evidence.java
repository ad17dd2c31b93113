package dev.gauntlet.harness.check;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/**
 * What a reviewer sees behind a number: tables, charts, heat maps, images and notes. Evidence is
 * data; renderers decide how it looks. Large tables are cut by the check, which says how many rows
 * it left out.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Evidence.Table.class, name = "table"),
  @JsonSubTypes.Type(value = Evidence.Chart.class, name = "chart"),
  @JsonSubTypes.Type(value = Evidence.Heatmap.class, name = "heatmap"),
  @JsonSubTypes.Type(value = Evidence.Images.class, name = "images"),
  @JsonSubTypes.Type(value = Evidence.Note.class, name = "note")
})
public sealed interface Evidence {

  String title();

  /**
   * A table of text cells.
   *
   * @param omittedRows how many further rows exist but are not shown
   * @param flagged cells to mark (e.g. the worst slice), as {@code [row, column]} pairs
   */
  record Table(String title, List<String> columns, List<List<String>> rows, int omittedRows, List<Cell> flagged) implements Evidence {
    public Table {
      columns = List.copyOf(columns);
      rows = rows.stream().map(List::copyOf).toList();
      flagged = flagged == null ? List.of() : List.copyOf(flagged);
      for (List<String> r : rows) {
        if (r.size() != columns.size()) {
          throw new IllegalArgumentException("table '" + title + "': a row has " + r.size() + " cells for " + columns.size() + " columns");
        }
      }
    }

    public Table(String title, List<String> columns, List<List<String>> rows) {
      this(title, columns, rows, 0, List.of());
    }

    public boolean isFlagged(int row, int column) {
      return flagged.contains(new Cell(row, column));
    }
  }

  /** A cell position in a {@link Table}. */
  record Cell(int row, int column) {}

  /** The kinds of chart renderers draw. */
  enum ChartKind {
    /** Series of points joined by lines over a numeric x axis (robustness curves, decay over time). */
    LINE,
    /** One bar per point label, with interval whiskers when given (slice rates, disparities). */
    BAR
  }

  /**
   * A chart.
   *
   * @param band an acceptable band drawn behind the data (e.g. the four-fifths band), or null
   * @param alt a text alternative that states what the chart shows
   * @param kind line or bar; written to report.json as {@code chartKind}, since {@code kind} names
   *     the evidence type there
   */
  record Chart(String title, @com.fasterxml.jackson.annotation.JsonProperty("chartKind") ChartKind kind, String xLabel, String yLabel, List<Series> series, Band band, String alt) implements Evidence {
    public Chart {
      Objects.requireNonNull(kind, "kind");
      series = List.copyOf(series);
      Objects.requireNonNull(alt, "a chart needs a text alternative");
    }
  }

  /** One named series of points. */
  record Series(String name, List<Point> points) {
    public Series {
      points = List.copyOf(points);
    }
  }

  /**
   * A point; {@code lower}/{@code upper} are the interval (NaN for none) and {@code label} names the
   * x position on bar charts and time axes.
   */
  record Point(String label, double x, double y, double lower, double upper) {
    public static Point of(double x, double y) {
      return new Point(null, x, y, Double.NaN, Double.NaN);
    }

    public static Point bar(String label, double y, double lower, double upper) {
      return new Point(label, 0, y, lower, upper);
    }
  }

  /** A horizontal band of acceptable values. */
  record Band(String label, double lower, double upper) {}

  /** A matrix of values with row and column labels (e.g. drift per feature and window). */
  record Heatmap(String title, String rowAxis, String columnAxis, List<String> rowLabels, List<String> columnLabels,
      List<List<Double>> values, String valueLabel, String alt) implements Evidence {
    public Heatmap {
      rowLabels = List.copyOf(rowLabels);
      columnLabels = List.copyOf(columnLabels);
      values = values.stream().map(List::copyOf).toList();
    }
  }

  /** Grayscale images side by side (original, perturbation, adversarial); pixels row-major. */
  record Images(String title, int width, int height, List<Image> images) implements Evidence {
    public Images {
      images = List.copyOf(images);
    }
  }

  /**
   * One image; {@code signed} images (perturbations) map 0 to grey.
   */
  record Image(String caption, List<Double> pixels, boolean signed) {
    public Image {
      pixels = List.copyOf(pixels);
    }
  }

  /** A short text, e.g. how to replay a failure. */
  record Note(String title, String text) implements Evidence {}
}
