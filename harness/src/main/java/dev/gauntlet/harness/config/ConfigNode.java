package dev.gauntlet.harness.config;

import dev.gauntlet.harness.UsageException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node that remembers where it came from, so every configuration error names the file, the
 * line and the column. Reads are typed and strict: unknown keys, wrong types and out-of-range values
 * are {@link UsageException}s, never defaults.
 *
 * <p>SnakeYAML's node graph is used rather than Jackson's tree because it keeps the position of
 * every node, which Jackson's {@code JsonNode} drops.
 */
public final class ConfigNode {
  private final String file;
  private final Node node;
  private final String path;

  private ConfigNode(String file, Node node, String path) {
    this.file = file;
    this.node = node;
    this.path = path;
  }

  /** Parses a YAML file. A missing file or malformed YAML is a {@link UsageException}. */
  public static ConfigNode load(Path file) {
    String text = readText(file, "YAML file");
    return parse(file.toString(), text);
  }

  /** Reads a whole text file, turning a missing or unreadable file into a {@link UsageException}. */
  public static String readText(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException(file + ": " + what + " not found; check the path (relative paths are resolved against " + Path.of("").toAbsolutePath() + ")");
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  /** Parses YAML text; {@code file} is only used in messages. */
  public static ConfigNode parse(String file, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    Yaml yaml = new Yaml(options);
    try (Reader reader = new StringReader(text)) {
      Node root = yaml.compose(reader);
      if (root == null) {
        throw UsageException.at(file, 1, 1, "the YAML document is empty; expected a mapping of keys");
      }
      return new ConfigNode(file, root, "");
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
      throw UsageException.at(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
          "malformed YAML: " + problem + context);
    } catch (YAMLException e) {
      throw new UsageException(file + ": malformed YAML: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read YAML: " + e.getMessage(), e);
    }
  }

  public String file() {
    return file;
  }

  /** The dotted key path of this node inside the document, e.g. {@code checks[2].conditions[0]}. */
  public String path() {
    return path.isEmpty() ? "<root>" : path;
  }

  public int line() {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  public int column() {
    return node.getStartMark() == null ? 0 : node.getStartMark().getColumn() + 1;
  }

  /** An error anchored at this node. */
  public UsageException error(String message) {
    return UsageException.at(file, line(), column(), (path.isEmpty() ? "" : "'" + path + "': ") + message);
  }

  public boolean isMapping() {
    return node instanceof MappingNode;
  }

  public boolean isSequence() {
    return node instanceof SequenceNode;
  }

  public boolean isScalar() {
    return node instanceof ScalarNode;
  }

  private Map<String, ConfigNode> mapping() {
    if (!(node instanceof MappingNode m)) {
      throw error("expected a mapping (key: value lines), found " + kind());
    }
    Map<String, ConfigNode> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new ConfigNode(file, t.getKeyNode(), path).error("keys must be plain words");
      }
      String key = k.getValue();
      out.put(key, new ConfigNode(file, t.getValueNode(), path.isEmpty() ? key : path + "." + key));
    }
    return out;
  }

  private String kind() {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "the value '" + ((ScalarNode) node).getValue() + "'";
  }

  /** The keys of this mapping, in document order. */
  public Set<String> keys() {
    return mapping().keySet();
  }

  /** Fails on any key not in {@code allowed}, naming the key and listing the allowed ones. */
  public ConfigNode allowOnly(String... allowed) {
    Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
    for (Map.Entry<String, ConfigNode> e : mapping().entrySet()) {
      if (!ok.contains(e.getKey())) {
        throw e.getValue().error("unknown key '" + e.getKey() + "'; allowed keys here: " + String.join(", ", ok));
      }
    }
    return this;
  }

  /** This mapping without {@code key} (positions kept), e.g. to strip a common key before a provider reads the rest. */
  public ConfigNode without(String key) {
    mapping(); // fails unless this is a mapping
    MappingNode m = (MappingNode) node;
    List<NodeTuple> kept = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key))) {
        kept.add(t);
      }
    }
    return new ConfigNode(file, new MappingNode(m.getTag(), true, kept, m.getStartMark(), m.getEndMark(), m.getFlowStyle()), path);
  }

  public boolean has(String key) {
    return mapping().containsKey(key);
  }

  public Optional<ConfigNode> opt(String key) {
    ConfigNode child = mapping().get(key);
    if (child != null && child.isScalar() && isNull(child)) {
      return Optional.empty();
    }
    return Optional.ofNullable(child);
  }

  private static boolean isNull(ConfigNode n) {
    String tag = n.node.getTag().getValue();
    return tag.endsWith(":null");
  }

  public ConfigNode get(String key) {
    return opt(key).orElseThrow(() -> error("missing required key '" + key + "'"));
  }

  /** The text of a scalar node. */
  public String asText() {
    if (!(node instanceof ScalarNode s)) {
      throw error("expected a single value, found " + kind());
    }
    return s.getValue();
  }

  public double asDouble() {
    String text = asText().trim();
    try {
      double v = Double.parseDouble(text);
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw error("expected a finite number, found '" + text + "'");
      }
      return v;
    } catch (NumberFormatException e) {
      throw error("expected a number, found '" + text + "'");
    }
  }

  public long asLong() {
    String text = asText().trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw error("expected a whole number, found '" + text + "'");
    }
  }

  public int asInt() {
    long v = asLong();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw error("number " + v + " is out of range");
    }
    return (int) v;
  }

  public boolean asBoolean() {
    String t = asText().trim().toLowerCase(java.util.Locale.ROOT);
    return switch (t) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error("expected true or false, found '" + asText() + "'");
    };
  }

  public List<ConfigNode> asList() {
    if (!(node instanceof SequenceNode s)) {
      throw error("expected a list, found " + kind());
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < s.getValue().size(); i++) {
      out.add(new ConfigNode(file, s.getValue().get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /** A scalar or a list of scalars, as a list of strings. */
  public List<String> asStringList() {
    if (isScalar()) {
      return List.of(asText());
    }
    List<String> out = new ArrayList<>();
    for (ConfigNode n : asList()) {
      out.add(n.asText());
    }
    return out;
  }

  public <E extends Enum<E>> E asEnum(Class<E> type) {
    String text = asText().trim();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text.replace('-', '_'))) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    throw error("unknown value '" + text + "'; expected one of " + String.join(", ", names));
  }

  public String text(String key) {
    return get(key).asText();
  }

  public String text(String key, String dflt) {
    return opt(key).map(ConfigNode::asText).orElse(dflt);
  }

  public double dbl(String key, double dflt) {
    return opt(key).map(ConfigNode::asDouble).orElse(dflt);
  }

  public int integer(String key, int dflt) {
    return opt(key).map(ConfigNode::asInt).orElse(dflt);
  }

  public long lng(String key, long dflt) {
    return opt(key).map(ConfigNode::asLong).orElse(dflt);
  }

  public boolean bool(String key, boolean dflt) {
    return opt(key).map(ConfigNode::asBoolean).orElse(dflt);
  }

  public List<String> strings(String key) {
    return opt(key).map(ConfigNode::asStringList).orElse(List.of());
  }

  /** A list of numbers; a single number is a list of one. */
  public double[] doubles(String key) {
    Optional<ConfigNode> n = opt(key);
    if (n.isEmpty()) {
      return new double[0];
    }
    if (n.get().isScalar()) {
      return new double[] {n.get().asDouble()};
    }
    List<ConfigNode> items = n.get().asList();
    double[] out = new double[items.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = items.get(i).asDouble();
    }
    return out;
  }

  /** Checks a value and reports it at this node when the predicate fails. */
  public <T> T require(T value, Function<T, String> problem) {
    String p = problem.apply(value);
    if (p != null) {
      throw error(p);
    }
    return value;
  }

  @Override
  public String toString() {
    return file + ":" + line() + ":" + column() + " " + path();
  }
}
