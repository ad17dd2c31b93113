package dev.gauntlet.harness.metric;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a measurement is about: a slice of the data (attribute=value pairs), a time window, an
 * epsilon, a feature, a shift severity, a detector or an attack, or any combination; the empty
 * subject means the whole data.
 *
 * <p>One grammar everywhere (conditions, report.json, HTML, JUnit XML, Markdown, console):
 * {@code key=value} parts joined by {@code &}, slice attributes first in the order given, then the
 * reserved dimensions in the order of {@link Dim}: e.g. {@code sex=F&region=north},
 * {@code sex=F&eps=0.05}, {@code g=A&window=2024-12}, {@code feature=income&window=2024-03}.
 * A {@code &}, {@code =} or {@code \} inside a value is escaped with a backslash. Numbers
 * (epsilon, severity) are written in their shortest exact decimal form, so {@code eps=0.050} and
 * {@code eps=0.05} name the same subject.
 *
 * @param parts the parts in canonical order; never null
 */
public record Subject(List<Part> parts) {

  /** The kinds of part a subject has. Every key but the reserved ones names a slice attribute. */
  public enum Dim {
    /** One or more {@code attribute=value} pairs: a slice of the data by schema columns. */
    SLICE(null),
    /** A watched feature (a column name), or the model's score or prediction. */
    FEATURE("feature"),
    /** A time window's label, e.g. {@code 2024-03}. */
    WINDOW("window"),
    /** An attack and norm, e.g. {@code pgd-linf}. */
    ATTACK("attack"),
    /** An attack's perturbation budget. */
    EPS("eps"),
    /** The severity of a simulated shift. */
    SEVERITY("severity"),
    /** A streaming drift detector, e.g. {@code adwin}. */
    DETECTOR("detector");

    private final String key;

    Dim(String key) {
      this.key = key;
    }

    /** The reserved key, or null for {@link #SLICE}. */
    public String key() {
      return key;
    }

    /** Whether values of this dimension are numbers. */
    public boolean numeric() {
      return this == EPS || this == SEVERITY;
    }

    /** The dimension a key names: a reserved one, or {@link #SLICE}. */
    public static Dim ofKey(String key) {
      for (Dim d : values()) {
        if (key.equals(d.key)) {
          return d;
        }
      }
      return SLICE;
    }
  }

  /** One {@code key=value} part. */
  public record Part(String key, String value) {
    public Part {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("a subject part needs a key before '='");
      }
    }

    public Dim dim() {
      return Dim.ofKey(key);
    }
  }

  private static final Subject ALL = new Subject(List.of());

  public Subject {
    parts = canonical(parts);
  }

  /** The whole data. */
  public static Subject all() {
    return ALL;
  }

  /** A slice: {@code attribute=value} pairs in the order given. */
  public static Subject slice(Map<String, String> attributes) {
    List<Part> ps = new ArrayList<>();
    attributes.forEach((k, v) -> ps.add(new Part(k, v)));
    return new Subject(ps);
  }

  /** A slice of one attribute. */
  public static Subject slice(String attribute, String value) {
    return new Subject(List.of(new Part(attribute, value)));
  }

  public static Subject window(String label) {
    return ALL.with(Dim.WINDOW, label);
  }

  public static Subject feature(String name) {
    return ALL.with(Dim.FEATURE, name);
  }

  public static Subject eps(double eps) {
    return ALL.with(Dim.EPS, eps);
  }

  public static Subject severity(double s) {
    return ALL.with(Dim.SEVERITY, s);
  }

  public static Subject detector(String name) {
    return ALL.with(Dim.DETECTOR, name);
  }

  public static Subject attack(String name) {
    return ALL.with(Dim.ATTACK, name);
  }

  /** This subject with one more reserved part (replacing one of the same dimension). */
  public Subject with(Dim dim, String value) {
    if (dim == Dim.SLICE) {
      throw new IllegalArgumentException("use and(attribute, value) for slice attributes");
    }
    List<Part> ps = new ArrayList<>();
    for (Part p : parts) {
      if (p.dim() != dim) {
        ps.add(p);
      }
    }
    ps.add(new Part(dim.key(), value));
    return new Subject(ps);
  }

  /** This subject with one more numeric part (epsilon, severity). */
  public Subject with(Dim dim, double value) {
    if (!dim.numeric()) {
      throw new IllegalArgumentException(dim.key() + " is not a numeric dimension");
    }
    return with(dim, number(value));
  }

  /** This subject with one more slice attribute. */
  public Subject and(String attribute, String value) {
    if (Dim.ofKey(attribute) != Dim.SLICE) {
      throw new IllegalArgumentException("'" + attribute + "' is a reserved subject key; use with(Dim." + Dim.ofKey(attribute) + ", ...)");
    }
    List<Part> ps = new ArrayList<>(parts);
    ps.add(new Part(attribute, value));
    return new Subject(ps);
  }

  /** This subject and another's parts. */
  public Subject and(Subject other) {
    List<Part> ps = new ArrayList<>(parts);
    ps.addAll(other.parts);
    return new Subject(ps);
  }

  public boolean isAll() {
    return parts.isEmpty();
  }

  /** The dimensions present; {@link Dim#SLICE} once however many attributes. */
  public Set<Dim> dims() {
    Set<Dim> out = EnumSet.noneOf(Dim.class);
    for (Part p : parts) {
      out.add(p.dim());
    }
    return out;
  }

  /** The slice attributes, in order. */
  public Map<String, String> attributes() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Part p : parts) {
      if (p.dim() == Dim.SLICE) {
        out.put(p.key(), p.value());
      }
    }
    return out;
  }

  /** The value of a reserved dimension, or null. */
  public String get(Dim dim) {
    for (Part p : parts) {
      if (p.dim() == dim && dim != Dim.SLICE) {
        return p.value();
      }
    }
    return null;
  }

  /** This subject without the parts of one dimension. */
  public Subject without(Dim dim) {
    List<Part> ps = new ArrayList<>();
    for (Part p : parts) {
      if (p.dim() != dim) {
        ps.add(p);
      }
    }
    return new Subject(ps);
  }

  /** The canonical text, e.g. {@code sex=F&eps=0.05}; empty for the whole data. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(escape(p.key())).append('=').append(escape(p.value()));
    }
    return sb.toString();
  }

  /** The canonical text, or {@code all rows} for the whole data: for sentences and labels. */
  public String display() {
    return parts.isEmpty() ? "all rows" : toString();
  }

  /**
   * Parses the canonical grammar. Throws {@link IllegalArgumentException} with a message that says
   * what was expected; the empty string is the whole data.
   */
  public static Subject parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      return ALL;
    }
    List<Part> ps = new ArrayList<>();
    StringBuilder key = new StringBuilder();
    StringBuilder value = new StringBuilder();
    boolean inValue = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\\' && i + 1 < text.length()) {
        (inValue ? value : key).append(text.charAt(++i));
      } else if (ch == '=' && !inValue) {
        inValue = true;
      } else if (ch == '&') {
        ps.add(part(text, key, value, inValue));
        key.setLength(0);
        value.setLength(0);
        inValue = false;
      } else {
        (inValue ? value : key).append(ch);
      }
    }
    ps.add(part(text, key, value, inValue));
    return new Subject(ps);
  }

  private static Part part(String text, StringBuilder key, StringBuilder value, boolean inValue) {
    String k = key.toString().trim();
    if (!inValue || k.isEmpty()) {
      throw new IllegalArgumentException("subject '" + text + "' must be key=value parts joined by '&', e.g. sex=F&region=north or eps=0.05");
    }
    Dim d = Dim.ofKey(k);
    String v = value.toString().trim();
    if (d.numeric()) {
      double x;
      try {
        x = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("subject '" + text + "': " + k + " must be a number, got '" + v + "'");
      }
      v = number(x);
    }
    return new Part(k, v);
  }

  private static List<Part> canonical(List<Part> in) {
    Objects.requireNonNull(in, "parts");
    List<Part> out = new ArrayList<>();
    Set<String> keys = new java.util.HashSet<>();
    for (Part p : in) {
      if (p.dim() == Dim.SLICE) {
        if (!keys.add(p.key())) {
          throw new IllegalArgumentException("subject names attribute '" + p.key() + "' twice");
        }
        out.add(p);
      }
    }
    for (Dim d : Dim.values()) {
      if (d == Dim.SLICE) {
        continue;
      }
      Part found = null;
      for (Part p : in) {
        if (p.dim() == d) {
          if (found != null) {
            throw new IllegalArgumentException("subject names " + d.key() + " twice");
          }
          found = p;
        }
      }
      if (found != null) {
        out.add(found);
      }
    }
    return List.copyOf(out);
  }

  /** The shortest decimal text that reads back as {@code x}, without a trailing {@code .0}. */
  public static String number(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) x);
    }
    String s = Double.toString(x);
    if (s.contains("E")) {
      s = new java.math.BigDecimal(s).stripTrailingZeros().toPlainString();
    }
    return s.toLowerCase(Locale.ROOT);
  }

  private static String escape(String s) {
    if (s.indexOf('&') < 0 && s.indexOf('=') < 0 && s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '&' || c == '=' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
